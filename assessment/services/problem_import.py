"""Problems imported from a spreadsheet (.xlsx/.csv) — audit, 巡视巡察 and 督查 findings, or
any other source — every row or none, each bad row named by its line (units.importing).

Columns (docs/rectification.md): 单位, 党支部, 问题来源, 问题描述, 严重程度, 相关指标编码,
发现日期, 整改时限（工作日）, 整改期限. Each good row goes through ledger.raise_problem, so
the same rules and permissions hold as on the page.
"""

import datetime
import io

import openpyxl
from django.db import transaction
from django.utils.translation import gettext as _

from units.importing import ImportOutcome, RowProblem, formula_problems, read_dataset
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


def _date(value, label):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip().replace("/", "-")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(
            _("“%(label)s”应为日期，例如 2026-03-02，实际为“%(value)s”。")
            % {"label": label, "value": value}
        ) from exc


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
    indicators = {}
    for indicator in Indicator.objects.filter(code__in=codes).order_by("-system__plan__year"):
        indicators.setdefault(indicator.code, indicator)
    parsed = []
    for line, row in enumerate(rows, start=2):
        try:
            parsed.append((line, _parse(row, units, branches, indicators)))
        except ValueError as exc:
            outcome.problems.append(RowProblem(line, str(exc)))
    if outcome.problems:
        return outcome
    with transaction.atomic():
        for line, fields in parsed:
            try:
                ledger.raise_problem(user, **fields)
            except ledger.LedgerError as exc:
                outcome.problems.append(RowProblem(line, str(exc)))
        if outcome.problems:
            transaction.set_rollback(True)
            return outcome
    outcome.new = len(parsed)
    return outcome


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
        ("found_on", lambda: _date(row.get("发现日期"), "发现日期")),
        ("deadline", lambda: _date(row.get("整改期限"), "整改期限")),
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
        raise ValueError("；".join(reasons))
    return {
        "unit": unit,
        "branch": branch,
        "description": description,
        "indicators": [indicators[c] for c in wanted],
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
