"""Awards: 红旗党支部 candidates of a year, the year's 评先评优 candidate units and the
three-year model-agency result."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from units.numbers import rounded

from ..models import (
    AnnualPlan,
    Cycle,
    Grade,
    GradingRule,
    NegativeListEntry,
    Period,
    Problem,
    Submission,
    Tier,
)
from ..scoring.rules import competition_ranks, three_year_result
from .rectification import overdue_q
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
        Problem.objects.filter(found_on__year=plan.year, branch__isnull=False)
        .exclude(status__in=[Problem.Status.VERIFIED, Problem.Status.WITHDRAWN])
        .values_list("branch_id", flat=True)
    )
    out = [
        RedFlag(latest[b], n)
        for b, n in advanced.items()
        if n == len(scored) and b not in vetoed and b not in returned and b not in open_notices
    ]
    out.sort(key=lambda f: (-f.row.total, f.row.unit_name, f.row.branch_name))
    return out


# 评先评优 asks for a good result: 优秀 or 良好.
AWARD_GRADES = (Grade.EXCELLENT, Grade.GOOD)


@dataclass
class AwardRow:
    row: ScoreRow  # the unit's row in the annual period (the published revision)
    negative_entries: int
    overdue_problems: int
    reasons: list  # why the unit is excluded; empty for a candidate

    @property
    def candidate(self) -> bool:
        return not self.reasons


def award_rows(plan, rows: list[ScoreRow]) -> list[AwardRow]:
    """评先评优 of a year: each unit of the annual ranking with the reasons it is excluded —
    a veto, a grade below 良好, an entry on the year's negative list, a rectification problem
    found that year past its deadline and not verified. A candidate has none. Two queries."""
    negative = dict(
        NegativeListEntry.objects.filter(plan=plan)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    overdue = dict(
        Problem.objects.filter(overdue_q(), found_on__year=plan.year)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out = []
    for row in rows:
        reasons = []
        if row.vetoed:
            reasons.append(_("存在一票否决事项"))
        if row.grade not in AWARD_GRADES:
            reasons.append(
                _("年度等次为“%(grade)s”，评先评优须为优秀或良好")
                % {"grade": row.grade_label or _("未评定")}
            )
        if negative.get(row.unit_id):
            reasons.append(_("列入当年负面清单 %(n)d 项") % {"n": negative[row.unit_id]})
        if overdue.get(row.unit_id):
            reasons.append(_("当年整改问题逾期未销号 %(n)d 个") % {"n": overdue[row.unit_id]})
        out.append(
            AwardRow(row, negative.get(row.unit_id, 0), overdue.get(row.unit_id, 0), reasons)
        )
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
    # The annual period the result runs up to (the latest published one unless asked
    # otherwise), None when no annual period is finished; final once it is the cycle's last.
    as_of: Period | None = None
    final: bool = False
    choices: list = field(default_factory=list)  # the finished annual periods, by year
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


def cycle_result(cycle, as_of: Period | None = None) -> CycleResult:
    """The three-year result up to ``as_of`` (default: the latest published annual period,
    else the latest closed one): each unit's annual totals of the years so far, their mean
    and rank (ties share), and the model-agency candidates — every year so far scored, never
    vetoed, mean at least the 良好 line of the cycle's last plan. Before the cycle's last
    annual exam the list is provisional (``final`` is False). At most six queries."""
    plans = list(AnnualPlan.objects.filter(cycle=cycle).order_by("year"))
    choices = sorted(
        Period.objects.filter(plan__in=plans, kind=Period.Kind.ANNUAL)
        .finished()
        .select_related("plan"),
        key=lambda p: p.plan.year,
    )
    if as_of is None or as_of not in choices:
        published = [p for p in choices if p.status == Period.Status.PUBLISHED]
        as_of = (published or choices or [None])[-1]
    upto = as_of.plan.year if as_of else None
    annual = {p.plan_id: p for p in choices if upto is not None and p.plan.year <= upto}
    counted = [p for p in plans if upto is not None and p.year <= upto]
    data = rows_for(annual.values())
    rule = (GradingRule.objects.filter(plan=plans[-1]).first() if plans else None) or GradingRule(
        good_min=Decimal("80")
    )
    name, formula = result_name(cycle.improvement_weight)
    final = len(plans) >= 3 and len(counted) == len(plans)
    # Before the last exam the figure is the mean of the years so far, whatever the weight.
    shown = name if final else _("已完成年度平均分")
    units = {}
    for plan in counted:
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
        totals = [entry.years.get(p.year, (None,))[0] for p in counted]
        entry.years = years
        entry.mean = three_year_result(totals, cycle.improvement_weight)
        if entry.vetoed:
            entry.reason = _("存在一票否决事项")
        elif any(t is None for t in totals):
            entry.reason = _("有年度未参加年度大考")
        elif entry.mean < rule.good_min:
            entry.reason = _("%(name)s低于 %(line)s") % {
                "name": shown,
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
        as_of=as_of,
        final=final,
        choices=choices,
        name=name,
        formula=formula,
    )
