"""Fill the report contracts (``reports.contracts``) from the database.

Scores come only from the scoring engine, ``assessment.selectors.scores``: ``rows_for``
(published snapshots or the live ``PeriodScore`` rows) for periods and ``cycle_result`` for
the three-year evaluation, so totals, ranks and grades match the ranking pages. The engine
recomputes after every accepted review (and on ``manage.py recompute_scores``); a unit the
engine has no row for in a period is unscored there (grade 未评分, no rank). Per-item points
come from the engine's own expression (``engine.item_points_expression``) and are combined
over a unit's branches with its own weights (``rules.combine_weights``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import (
    AnnualPlan,
    Goal,
    NegativeListEntry,
    Period,
    Problem,
    Standard,
    Submission,
    SubmissionEvent,
)
from assessment.scoring.rules import q
from assessment.selectors import rectification as rectification_selectors
from assessment.selectors import scores as score_engine
from feedback.selectors import satisfaction
from units.models import Branch, Unit

from . import contracts as c

log = logging.getLogger(__name__)
ZERO = Decimal("0")


def period_ref(period: Period) -> c.PeriodRef:
    plan = period.plan
    return c.PeriodRef(
        id=period.pk,
        label=f"{plan.year}年{period.get_kind_display()}",
        year=plan.year,
        kind=period.kind,
        kind_label=str(period.get_kind_display()),
        status_label=str(period.get_status_display()),
        phase_label=str(plan.get_phase_display()),
        deadline=period.deadline,
    )


def unit_ref(unit: Unit) -> c.UnitRef:
    return c.UnitRef(
        id=unit.pk,
        name=unit.name,
        short_name=unit.short_name,
        category=unit.category.name,
        category_id=unit.category_id,
    )


# --- scores -------------------------------------------------------------------------------


@dataclass
class UnitScore:
    """One unit's engine score in one period; without an engine row it stays unscored."""

    unit_id: int
    period_id: int
    total: Decimal = Decimal("0.00")
    max_total: Decimal = Decimal("0.00")
    by_standard: dict = field(default_factory=dict)  # code -> (score, max)
    by_goal: dict = field(default_factory=dict)
    deductions: Decimal = ZERO
    vetoed: bool = False
    rank: int | None = None
    category_rank: int | None = None
    grade_label: str = ""
    rate: Decimal | None = None  # the engine's rate (total ÷ max × 100)

    @property
    def scored(self) -> bool:
        return self.max_total > 0

    @property
    def grade(self) -> str:
        return self.grade_label or _("未评分")


def unit_scores(periods, units) -> dict[tuple[int, int], UnitScore]:
    """The engine's scores of ``units`` in each of ``periods``, keyed by (period id, unit
    id); a unit without an engine row is unscored. At most three queries
    (``score_engine.rows_for``) whatever the number of units and periods."""
    periods = list(periods)
    units = list(units)
    result = {
        (period.pk, unit.pk): UnitScore(unit_id=unit.pk, period_id=period.pk)
        for period in periods
        for unit in units
    }
    data = score_engine.rows_for(periods, unit_ids=[u.pk for u in units])
    for period in periods:
        _source, rows = data.get(period.pk, (None, []))
        for row in rows:
            result[(period.pk, row.unit_id)] = UnitScore(
                unit_id=row.unit_id,
                period_id=period.pk,
                total=row.total,
                max_total=row.max_points,
                by_standard={p.code: [p.points, p.max_points] for p in row.standards},
                by_goal={p.code: [p.points, p.max_points] for p in row.goals},
                deductions=row.deduction,
                vetoed=row.vetoed,
                rank=row.rank,
                category_rank=row.category_rank,
                grade_label=row.grade_label,
                rate=row.rate,
            )
    return result


def _parts(values: dict, choices) -> list[c.Part]:
    return [
        c.Part(
            code=code,
            label=str(label),
            score=q(values.get(code, (ZERO, ZERO))[0]),
            max_score=q(values.get(code, (ZERO, ZERO))[1]),
        )
        for code, label in choices.choices
    ]


def _summary(f) -> c.RectificationSummary:
    return c.RectificationSummary(
        issued=f.found,
        answered=f.answered,
        sent_back=f.sent_back,
        verified=f.verified,
        overdue=f.overdue,
        due=f.due,
        measures=f.measures,
    )


def _ledger_year(plan_id, unit_ids=None):
    """The ledger's problems of the plan's year (found in it), of the units asked for."""
    problems = Problem.objects.filter(
        found_on__year=Subquery(AnnualPlan.objects.filter(pk=plan_id).values("year")[:1])
    )
    if unit_ids is not None:
        problems = problems.filter(unit_id__in=list(unit_ids))
    return problems


def rectification_by_unit(plan_id, unit_ids=None, today=None) -> dict[int, c.RectificationSummary]:
    """The ledger's figures per unit for the plan's year: two grouped queries."""
    figures = rectification_selectors.figures_by_unit(_ledger_year(plan_id, unit_ids), today=today)
    return {unit_id: _summary(row) for unit_id, row in figures.items()}


def _sum_summaries(summaries) -> c.RectificationSummary:
    totals = defaultdict(int)
    for s in summaries:
        for name in ("issued", "answered", "sent_back", "verified", "overdue", "due", "measures"):
            totals[name] += getattr(s, name)
    return c.RectificationSummary(**totals)


def satisfaction_by_unit(date_from: dt.date, date_to: dt.date) -> dict[int, c.Satisfaction]:
    """Citizen satisfaction per unit: the platform's one figure
    (``feedback.selectors.satisfaction``); below the minimum sample it reads 样本不足."""
    return {
        unit_id: c.Satisfaction(score=f.value, sample_size=f.sample, sufficient=f.sufficient)
        for unit_id, f in satisfaction(date_from, date_to).items()
    }


def _period_dates(period: Period) -> tuple[dt.date, dt.date]:
    return period.opens_on, period.deadline


def _units_for_ranking():
    return list(Unit.objects.filter(active=True).select_related("category"))


def _trend_point(period: Period, score) -> c.TrendPoint:
    return c.TrendPoint(
        period_label=str(period.get_kind_display()),
        total=score.total if score.scored else None,
        rate=score.rate if score.scored else None,
    )


def _trend_periods(period: Period) -> list[Period]:
    """The trend's periods: finished ones only (the rule the web pages use), so a Q3
    scorecard never plots the open Q4."""
    return score_engine.trend_periods(period.plan)


# --- the unit scorecard ---------------------------------------------------------------------


def _active_branches(unit_ids) -> dict[int, list[dict]]:
    """unit id -> its active branches, as the engine weighs them (one query)."""
    branches = defaultdict(list)
    for b in (
        Branch.objects.filter(active=True, unit__active=True, unit_id__in=list(unit_ids))
        .order_by("name")
        .values("id", "unit_id", "name", "member_count")
    ):
        branches[b["unit_id"]].append(b)
    return branches


def branch_lines(period: Period, branches_of: dict) -> dict[int, list[c.BranchLine]]:
    """unit id -> its branches with the engine's total, rate, rank in the unit and tier,
    best first; a branch the engine has not scored comes last, without figures."""
    unit_ids = list(branches_of)
    _source, rows = score_engine.rows_for([period], branches=True, unit_ids=unit_ids)[period.pk]
    scored = {r.branch_id: r for r in rows}
    out = {}
    for unit_id, branches in branches_of.items():
        lines = []
        for b in branches:
            row = scored.get(b["id"])
            lines.append(
                c.BranchLine(
                    name=b["name"],
                    total=row.total if row else None,
                    rate=row.rate if row else None,
                    rank=row.unit_rank if row else None,
                    tier=row.tier_label if row else "",
                    vetoed=bool(row and row.vetoed),
                )
            )
        lines.sort(key=lambda line: (line.rank is None, line.rank or 0))
        out[unit_id] = lines
    return out


def build_scorecards(period: Period, unit_ids=None) -> dict[int, c.UnitScorecard]:
    """Scorecards for ``unit_ids`` (default: every active unit) in a fixed number of queries."""
    period = Period.objects.select_related("plan").get(pk=period.pk)
    units = _units_for_ranking()
    wanted = [u for u in units if unit_ids is None or u.pk in set(unit_ids)]
    if unit_ids is not None and len(wanted) < len(set(unit_ids)):
        # an inactive unit asked for by id still gets its card (without a rank)
        extra = Unit.objects.filter(pk__in=unit_ids, active=False).select_related("category")
        wanted += list(extra)
        units += list(extra)
    trend_periods = _trend_periods(period)
    plan_periods = trend_periods + [p for p in [period] if p not in trend_periods]
    scores = unit_scores(plan_periods, units)
    wanted_ids = [u.pk for u in wanted]
    rect = rectification_by_unit(period.plan_id, wanted_ids)
    figures = satisfaction_by_unit(*_period_dates(period))
    branches_of = _active_branches(wanted_ids)
    aggregation = period.plan.unit_aggregation
    indicators = score_engine.item_summaries(period, wanted, branches_of, aggregation)
    branches = branch_lines(period, branches_of)
    own_items: dict = defaultdict(list)
    for sub in (
        Submission.objects.filter(period=period, unit_id__in=wanted_ids, branch__isnull=True)
        .exclude(status=Submission.Status.DRAFT)
        .select_related("indicator")
        .order_by("indicator__position", "indicator__code")
    ):
        own_items[sub.unit_id].append(_item_line(sub))
    pref = period_ref(period)
    category_of = {u.pk: u.category_id for u in units}
    counts_by_category = defaultdict(int)
    for (p, u), s in scores.items():
        if p == period.pk and s.scored:
            counts_by_category[category_of[u]] += 1
    unit_count = sum(counts_by_category.values())
    cards = {}
    for unit in wanted:
        s = scores[(period.pk, unit.pk)]
        cards[unit.pk] = c.UnitScorecard(
            unit=unit_ref(unit),
            period=pref,
            total=s.total,
            max_total=s.max_total,
            rank=s.rank,
            category_rank=s.category_rank,
            unit_count=unit_count,
            category_count=counts_by_category.get(unit.category_id, 0),
            grade=s.grade,
            by_standard=_parts(s.by_standard, Standard),
            by_goal=_parts(s.by_goal, Goal),
            trend=[_trend_point(p, scores[(p.pk, unit.pk)]) for p in trend_periods],
            items=own_items.get(unit.pk, []),
            rectification=rect.get(unit.pk, c.RectificationSummary()),
            satisfaction=figures.get(unit.pk),
            deductions=s.deductions,
            vetoed=s.vetoed,
            scored=s.scored,
            indicators=indicators.get(unit.pk, []),
            branches=branches.get(unit.pk, []),
            aggregation=str(period.plan.get_unit_aggregation_display()),
        )
    return cards


def build_scorecard(period: Period, unit: Unit) -> c.UnitScorecard:
    return build_scorecards(period, [unit.pk])[unit.pk]


def _item_line(sub: Submission) -> c.ItemLine:
    return c.ItemLine(
        code=sub.indicator.code,
        name=sub.indicator.name,
        standard=str(sub.indicator.get_standard_display() or ""),
        branch=sub.branch.name if sub.branch_id else "",
        status=str(sub.get_status_display()),
        self_score=sub.self_score,
        reviewer_score=sub.reviewer_score,
        max_score=sub.indicator.max_score,
        grade=sub.grade,
        comment=sub.reviewer_comment,
    )


def build_bulletin(period: Period) -> c.Bulletin:
    period = Period.objects.select_related("plan").get(pk=period.pk)
    units = _units_for_ranking()
    trend_periods = _trend_periods(period)
    scores = unit_scores(trend_periods + [p for p in [period] if p not in trend_periods], units)
    rect = rectification_by_unit(period.plan_id)
    rows = []
    for unit in units:
        s = scores[(period.pk, unit.pk)]
        rows.append(
            c.BulletinRow(
                rank=s.rank,
                category_rank=s.category_rank,
                unit=unit_ref(unit),
                total=s.total,
                grade=s.grade,
                by_standard=_parts(s.by_standard, Standard),
                rectification=rect.get(unit.pk, c.RectificationSummary()),
                vetoed=s.vetoed,
                trend=[_trend_point(p, scores[(p.pk, unit.pk)]) for p in trend_periods],
            )
        )
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit.name))
    categories: dict = {}
    for row in sorted(rows, key=lambda r: (r.category_rank is None, r.category_rank or 0)):
        categories.setdefault(row.unit.category, []).append(row)
    grade_counts: dict = {}
    for row in rows:
        grade_counts[row.grade] = grade_counts.get(row.grade, 0) + 1
    negative = [
        c.NegativeLine(
            unit=e.unit.name,
            effect=str(e.get_effect_display()),
            points=e.points,
            reason=e.reason,
        )
        for e in NegativeListEntry.objects.filter(plan_id=period.plan_id)
        .select_related("unit")
        .order_by("unit__name", "pk")
    ]
    return c.Bulletin(
        period=period_ref(period),
        rows=rows,
        categories=list(categories.items()),
        grade_counts=list(grade_counts.items()),
        negative_list=negative,
        rectification_total=_sum_summaries(rect.values()),
        standards=[str(label) for label in Standard.labels],
        trend_labels=[str(p.get_kind_display()) for p in trend_periods],
    )


def build_feedback_sheet(period: Period, branch: Branch) -> c.FeedbackSheet:
    period = Period.objects.select_related("plan").get(pk=period.pk)
    branch = Branch.objects.select_related("unit", "unit__category").get(pk=branch.pk)
    subs = list(
        Submission.objects.filter(period=period, branch=branch)
        .select_related("indicator", "branch")
        .order_by("indicator__position", "indicator__code")
    )
    returns = [
        c.ReturnLine(
            item=f"{e.submission.indicator.code} {e.submission.indicator.name}",
            at=e.at,
            reason=e.reason,
        )
        for e in SubmissionEvent.objects.filter(
            submission__period=period,
            submission__branch=branch,
            to_status=Submission.Status.RETURNED,
        )
        .select_related("submission__indicator")
        .order_by("at", "pk")
    ]
    status = Submission.Status
    return c.FeedbackSheet(
        branch=branch.name,
        unit=unit_ref(branch.unit),
        secretary=branch.secretary_name,
        period=period_ref(period),
        items=[_item_line(s) for s in subs],
        returns=returns,
        submitted=sum(1 for s in subs if s.status != status.DRAFT),
        accepted=sum(1 for s in subs if s.status == status.ACCEPTED),
        returned_now=sum(1 for s in subs if s.status == status.RETURNED),
        self_total=q(sum((s.self_score or ZERO) for s in subs)),
        reviewer_total=q(
            sum((s.reviewer_score or ZERO) for s in subs if s.status == status.ACCEPTED)
        ),
    )


def build_rectification_report(period: Period, today=None) -> c.RectificationReport:
    today = today or timezone.localdate()
    period = Period.objects.select_related("plan").get(pk=period.pk)
    units = {u.pk: u for u in Unit.objects.select_related("category")}
    problems = _ledger_year(period.plan_id)
    ledger = rectification_selectors.ledger_report(problems, today=today)
    rect = {row.key: _summary(row) for row in ledger.by_unit}
    rows = [
        c.RectificationUnitRow(unit=unit_ref(units[uid]), summary=summary)
        for uid, summary in sorted(rect.items(), key=lambda kv: units[kv[0]].name)
    ]
    status = Problem.Status
    open_notices = [
        c.RectificationLine(
            unit=r.unit.name,
            branch=r.branch.name if r.branch_id else "",
            problem=r.description,
            deadline=r.deadline,
            status=str(r.get_status_display()),
            status_code=r.status,
            overdue=r.deadline < today,
        )
        for r in problems.exclude(status__in=[status.VERIFIED, status.WITHDRAWN])
        .select_related("unit", "branch")
        .order_by("deadline", "unit__name", "pk")[:OPEN_PROBLEMS_LISTED]
    ]
    return c.RectificationReport(
        period=period_ref(period),
        plan_label=str(period.plan),
        today=today,
        rows=rows,
        total=_summary(ledger.total),
        open_notices=open_notices,
        by_source=[c.RectificationGroupRow(r.label, _summary(r)) for r in ledger.by_source],
        by_standard=[c.RectificationGroupRow(r.label, _summary(r)) for r in ledger.by_standard],
    )


# A PDF stays readable (and renders in seconds): the full list is on the ledger page.
OPEN_PROBLEMS_LISTED = 500


def build_satisfaction_report(period: Period) -> c.SatisfactionReport:
    period = Period.objects.select_related("plan").get(pk=period.pk)
    date_from, date_to = _period_dates(period)
    data = satisfaction_by_unit(date_from, date_to)
    rows = [
        c.SatisfactionRow(
            unit=unit_ref(u),
            score=data[u.pk].score if u.pk in data else None,
            sample_size=data[u.pk].sample_size if u.pk in data else 0,
            sufficient=data[u.pk].sufficient if u.pk in data else False,
        )
        for u in _units_for_ranking()
    ]
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.unit.name))
    return c.SatisfactionReport(
        period=period_ref(period), date_from=date_from, date_to=date_to, rows=rows
    )


def build_cycle_evaluation(period: Period) -> c.CycleEvaluation:
    """Three-year evaluation of the cycle ``period`` belongs to, and the selection list, as
    the engine's ``cycle_result`` has them: each year the annual period's total, their mean,
    the rank, and the model-agency candidates; a unit that is not a candidate carries the
    engine's reason (e.g. a veto)."""
    period = Period.objects.select_related("plan__cycle").get(pk=period.pk)
    cycle = period.plan.cycle
    result = score_engine.cycle_result(cycle)
    plans = list(AnnualPlan.objects.filter(cycle=cycle).order_by("year"))
    units = Unit.objects.select_related("category").in_bulk([r.unit_id for r in result.rows])
    years = [p.year for p in plans]
    cycle_problems = Problem.objects.filter(
        found_on__year__gte=min(years, default=0), found_on__year__lte=max(years, default=0)
    )
    rect = {
        unit_id: _summary(row)
        for unit_id, row in rectification_selectors.figures_by_unit(cycle_problems).items()
    }
    phases = {p.year: str(p.get_phase_display()) for p in plans}
    dates = list(Period.objects.filter(plan__cycle=cycle).exclude(status=Period.Status.DRAFT))
    first = min((p.opens_on for p in dates), default=period.opens_on)
    last = max((p.deadline for p in dates), default=period.deadline)
    figures = satisfaction_by_unit(first, last)
    rows = [
        c.CycleRow(
            unit=unit_ref(units[r.unit_id]),
            years=[
                c.CycleYear(
                    year=year,
                    phase_label=phases.get(year, ""),
                    total=total,
                    grade=grade or _("未评分"),
                )
                for year, total, grade in r.years
            ],
            average=r.mean,
            rectification=rect.get(r.unit_id, c.RectificationSummary()),
            satisfaction=figures.get(r.unit_id),
            vetoed=r.vetoed,
            rank=r.rank,
            recommended=r.candidate,
            reason=r.reason,
        )
        for r in result.rows
    ]
    return c.CycleEvaluation(
        cycle_title=cycle.title,
        period=period_ref(period),
        years=[(p.year, phases[p.year]) for p in plans],
        rows=rows,
        selection=[r for r in rows if r.recommended],
        selection_rule=_(
            "三个年度均完成考核、无一票否决、%(name)s不低于 %(line)s 分（良好线）的单位"
            "列入推荐名单，按%(name)s排序。"
        )
        % {"line": result.threshold, "name": result.name},
        result_name=result.name,
        result_formula=result.formula,
    )
