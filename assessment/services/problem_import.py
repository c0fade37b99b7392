"""Problems imported from a spreadsheet (.xlsx/.csv) — audit, 巡视巡察 and 督查 findings, or
any other source — every row or none, each bad row named by its line (units.importing).

Columns (docs/rectification.md): 单位, 党支部, 问题来源, 问题描述, 严重程度, 相关指标编码,
发现日期, 整改时限（工作日）, 整改期限. Each good row goes through ledger.raise_problem, so
the same rules and permissions hold as on the page.
"""

import io

import openpyxl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.importing import (
    ImportOutcome,
    RowProblem,
    data_lines,
    formula_problems,
    read_dataset,
    spreadsheet_date,
)
from units.models import Branch, Unit

from ..models import Indicator, Problem
from . import ledger

HEADERS = [
    "单位",
    "党支部",
    "问题来源",
    "问题描述",
    "严重程度",
    "相关指标编码",
    "发现日期",
    "整改时限（工作日）",
    "整改期限",
]
REQUIRED = ["单位", "问题来源", "问题描述"]
EXAMPLE = [
    "省甲厅",
    "",
    "审计发现",
    "2025年度党费收缴台账不完整",
    "一般",
    "ZZ01",
    "2026-03-02",
    "20",
    "",
]


def template_xlsx() -> bytes:
    """The import template: the header and one example row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("问题导入")
    sheet.append(HEADERS)
    sheet.append(EXAMPLE)
    for column, width in zip("ABCDEFGHI", [16, 16, 14, 40, 10, 16, 12, 18, 12], strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _choice(choices, value, label, default=None):
    text = str(value or "").strip()
    if not text and default is not None:
        return default
    by_label = {str(c.label): c.value for c in choices}
    if text in by_label:
        return by_label[text]
    raise ValueError(
        _("“%(label)s”应为%(allowed)s之一，实际为“%(value)s”。")
        % {"label": label, "allowed": "、".join(by_label), "value": text}
    )


def import_problems(uploaded_file, *, user) -> ImportOutcome:
    """Read, check every row, then raise every problem in one transaction, or none."""
    dataset = read_dataset(uploaded_file, required_headers=REQUIRED)
    outcome = ImportOutcome(problems=formula_problems(dataset))
    if outcome.problems:
        return outcome
    rows = [dict(zip(dataset.headers, row, strict=False)) for row in dataset]
    names = {str(r.get("单位") or "").strip() for r in rows}
    units = {u.name: u for u in Unit.objects.filter(name__in=names)}
    units.update({u.short_name: u for u in Unit.objects.filter(short_name__in=names)})
    branches = {(b.unit_id, b.name): b for b in Branch.objects.filter(unit__in=set(units.values()))}
    codes = {code for r in rows for code in _codes(r.get("相关指标编码"))}
    indicators = _indicators_by_code(codes)
    parsed = []
    for line, row in zip(data_lines(dataset), rows, strict=True):
        try:
            parsed.append((line, _parse(row, units, branches, indicators)))
        except ValueError as exc:
            outcome.problems.append(RowProblem(line, str(exc)))
    repeated = _repeated(parsed)
    outcome.problems += repeated
    # The rows that read well go through the ledger's own checks too, even when others did
    # not, so one upload names every bad row; then nothing is kept unless all were good.
    with transaction.atomic():
        named = {p.line for p in repeated}
        for line, fields in parsed:
            if line in named:
                continue
            try:
                ledger.raise_problem(user, **fields)
            except ledger.LedgerError as exc:
                outcome.problems.append(RowProblem(line, str(exc)))
        if outcome.problems:
            transaction.set_rollback(True)
            outcome.problems.sort(key=lambda p: p.line)
            return outcome
    outcome.new = len(parsed)
    return outcome


def _indicators_by_code(codes) -> dict[str, list[Indicator]]:
    """Each code's indicators, one per plan year (its newest system version), newest first."""
    by_code = {}
    found = Indicator.objects.filter(code__in=codes).select_related("system__plan")
    for indicator in found.order_by("-system__plan__year", "-system__version"):
        years = by_code.setdefault(indicator.code, {})
        years.setdefault(indicator.system.plan.year, indicator)
    return {code: list(years.values()) for code, years in by_code.items()}


def _indicator_of_year(candidates, found_on):
    """The indicator of the plan for the year the problem was found in; for a year without
    a plan, the nearest earlier plan's, else the earliest."""
    year = (found_on or timezone.localdate()).year
    return next((i for i in candidates if i.system.plan.year <= year), candidates[-1])


def _repeated(parsed) -> list[RowProblem]:
    """Rows already on the ledger (the same file imported again) or twice in the file: the
    same unit, branch, source, date found and description."""

    def key(fields):
        found_on = fields["found_on"] or timezone.localdate()
        branch_id = fields["branch"].pk if fields["branch"] else None
        return (fields["unit"].pk, branch_id, fields["source"], found_on, fields["description"])

    keys = {key(fields): line for line, fields in reversed(parsed)}
    existing = {
        (p.unit_id, p.branch_id, p.source, p.found_on, p.description): p.pk
        for p in Problem.objects.filter(
            unit__in={fields["unit"] for _line, fields in parsed},
            description__in={fields["description"] for _line, fields in parsed},
        )
    }
    problems = []
    for line, fields in parsed:
        if key(fields) in existing:
            problems.append(
                RowProblem(
                    line,
                    _("整改台账中已有同一问题（问题 #%(pk)d），同一文件不必再次导入。")
                    % {"pk": existing[key(fields)]},
                )
            )
        elif keys[key(fields)] != line:
            problems.append(
                RowProblem(
                    line,
                    _("与第 %(line)d 行是同一问题（单位、来源、发现日期和描述都相同）。")
                    % {"line": keys[key(fields)]},
                )
            )
    return problems


def _parse(row, units, branches, indicators) -> dict:
    reasons = []
    unit_name = str(row.get("单位") or "").strip()
    unit = units.get(unit_name)
    if unit is None:
        reasons.append(
            _("“单位”中的“%(value)s”不存在。") % {"value": unit_name}
            if unit_name
            else _("“单位”不能为空。")
        )
    branch = None
    branch_name = str(row.get("党支部") or "").strip()
    if branch_name and unit is not None:
        branch = branches.get((unit.pk, branch_name))
        if branch is None:
            reasons.append(
                _("“党支部”中的“%(value)s”不是该单位的党支部。") % {"value": branch_name}
            )
    fields = {}
    checks = [
        ("source", lambda: _choice(Problem.Source, row.get("问题来源"), "问题来源")),
        (
            "severity",
            lambda: _choice(
                Problem.Severity, row.get("严重程度"), "严重程度", Problem.Severity.GENERAL
            ),
        ),
        ("found_on", lambda: spreadsheet_date(row.get("发现日期"), "发现日期")),
        ("deadline", lambda: spreadsheet_date(row.get("整改期限"), "整改期限")),
        ("working_days", lambda: _days(row.get("整改时限（工作日）"))),
    ]
    for name, check in checks:
        try:
            fields[name] = check()
        except ValueError as exc:
            reasons.append(str(exc))
    description = str(row.get("问题描述") or "").strip()
    if not description:
        reasons.append(_("“问题描述”不能为空。"))
    elif len(description) > 5000:
        reasons.append(_("“问题描述”超过 5000 字。"))
    wanted = _codes(row.get("相关指标编码"))
    unknown = [c for c in wanted if c not in indicators]
    if unknown:
        reasons.append(_("“相关指标编码”中的“%(codes)s”不存在。") % {"codes": "、".join(unknown)})
    if reasons:
        raise ValueError("；".join(r.rstrip("。") for r in reasons) + "。")
    return {
        "unit": unit,
        "branch": branch,
        "description": description,
        "indicators": [_indicator_of_year(indicators[c], fields.get("found_on")) for c in wanted],
        **fields,
    }


def _days(value):
    if value in (None, ""):
        return None
    try:
        days = int(str(value).strip())
    except ValueError as exc:
        raise ValueError(
            _("“整改时限（工作日）”应为 1–250 的整数，实际为“%(value)s”。") % {"value": value}
        ) from exc
    if not 1 <= days <= 250:
        raise ValueError(
            _("“整改时限（工作日）”应为 1–250 的整数，实际为“%(value)s”。") % {"value": value}
        )
    return days


def _codes(value) -> list[str]:
    """Indicator codes separated by commas (either width) or 顿号."""
    text = str(value or "").replace("，", ",").replace("、", ",")
    return [code.strip() for code in text.split(",") if code.strip()]
