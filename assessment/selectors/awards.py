"""Awards: 红旗党支部 candidates of a year and the three-year model-agency result."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from units.numbers import rounded

from ..models import AnnualPlan, Cycle, GradingRule, Period, Rectification, Submission, Tier
from ..scoring.rules import competition_ranks, three_year_result
from .score_rows import ZERO, ScoreRow, _period_key, rows_for


@dataclass
class RedFlag:
    row: ScoreRow  # the branch's latest quarter row
    quarters: int


def red_flag_candidates(plan) -> list[RedFlag]:
    """红旗党支部 candidates of a year: branches rated 先进 in every closed or published
    quarter of the plan that has scores, never vetoed, with no item returned and waiting
    and no rectification notice of the year still open. At most six queries."""
    periods = sorted(
        Period.objects.filter(plan=plan).quarters().finished(),
        key=_period_key,
    )
    data = rows_for(periods, branches=True)
    scored = [p for p in periods if data[p.pk][1]]
    if not scored:
        return []
    advanced = defaultdict(int)
    latest = {}
    vetoed = set()
    for period in scored:
        for row in data[period.pk][1]:
            if row.tier == Tier.ADVANCED:
                advanced[row.branch_id] += 1
            if row.vetoed:
                vetoed.add(row.branch_id)
            latest[row.branch_id] = row
    returned = set(
        Submission.objects.filter(
            period__plan=plan, status=Submission.Status.RETURNED, branch__isnull=False
        ).values_list("branch_id", flat=True)
    )
    open_notices = set(
        Rectification.objects.filter(plan=plan, branch__isnull=False)
        .exclude(status=Rectification.Status.VERIFIED)
        .values_list("branch_id", flat=True)
    )
    out = [
        RedFlag(latest[b], n)
        for b, n in advanced.items()
        if n == len(scored) and b not in vetoed and b not in returned and b not in open_notices
    ]
    out.sort(key=lambda f: (-f.row.total, f.row.unit_name, f.row.branch_name))
    return out


@dataclass
class CycleRow:
    unit_id: int
    unit_name: str
    category_name: str
    years: list  # [(year, total or None, grade label)]
    mean: Decimal | None
    vetoed: bool
    rank: int | None = None
    candidate: bool = False
    reason: str = ""


@dataclass
class CycleResult:
    cycle: Cycle
    years: list
    rows: list
    candidates: list
    threshold: Decimal
    name: str = ""  # what the result is called on the page (``result_name``)
    formula: str = ""


def result_name(improvement_weight) -> tuple[str, str]:
    """(name, formula) of the three-year result as ``rules.three_year_result`` computes it
    for a cycle's improvement weight: the plain mean, or the mean plus the weighted
    improvement from the first year to the last."""
    weight = Decimal(improvement_weight or 0)
    if not weight:
        return _("三年平均分"), _("三年平均分 = 各年度年度大考总分的平均。")
    return _("三年结果（含提升幅度）"), _(
        "三年结果 = 各年度年度大考总分的平均 + %(weight)s ×（问效年总分 − 对标年总分）；"
        "对标年或问效年尚未考核时只计平均。"
    ) % {"weight": weight.normalize()}


def cycle_result(cycle) -> CycleResult:
    """The three-year result: each unit's annual totals (closed or published annual periods
    only), their mean and rank (ties share),
    and the model-agency candidates — every year scored, never vetoed, mean at least the
    良好 line of the cycle's last plan. At most six queries."""
    plans = list(AnnualPlan.objects.filter(cycle=cycle).order_by("year"))
    annual = {
        p.plan_id: p
        for p in Period.objects.filter(plan__in=plans, kind=Period.Kind.ANNUAL).finished()
    }
    data = rows_for(annual.values())
    rule = (GradingRule.objects.filter(plan=plans[-1]).first() if plans else None) or GradingRule(
        good_min=Decimal("80")
    )
    name, formula = result_name(cycle.improvement_weight)
    units = {}
    for plan in plans:
        period = annual.get(plan.pk)
        rows = data[period.pk][1] if period else []
        for row in rows:
            entry = units.setdefault(
                row.unit_id,
                CycleRow(row.unit_id, row.unit_name, row.category_name, {}, None, False),
            )
            entry.years[plan.year] = (row.total, row.grade_label)
            entry.vetoed = entry.vetoed or row.vetoed
    result_rows = []
    for entry in units.values():
        years = [(p.year, *entry.years.get(p.year, (None, ""))) for p in plans]
        totals = [t for _y, t, _g in years if t is not None]
        entry.years = years
        entry.mean = three_year_result([t for _y, t, _g in years], cycle.improvement_weight)
        if entry.vetoed:
            entry.reason = _("存在一票否决事项")
        elif len(totals) < len(plans) or len(plans) < 3:
            entry.reason = _("三个年度尚未全部完成考核")
        elif entry.mean < rule.good_min:
            entry.reason = _("%(name)s低于 %(line)s") % {
                "name": name,
                "line": rounded(rule.good_min),
            }
        else:
            entry.candidate = True
        result_rows.append(entry)
    result_rows.sort(key=lambda r: (r.mean is None, -(r.mean or ZERO), r.unit_name))
    ranked = [r for r in result_rows if r.mean is not None]
    for r, rank in zip(ranked, competition_ranks([r.mean for r in ranked]), strict=True):
        r.rank = rank
    return CycleResult(
        cycle,
        [p.year for p in plans],
        result_rows,
        [r for r in result_rows if r.candidate],
        rounded(rule.good_min),
        name,
        formula,
    )
