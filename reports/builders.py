"""Fill the report contracts (``reports.contracts``) from the database.

Scores come from issue 5's scoring engine, ``assessment.selectors.scores`` (``rows_for``:
published snapshots or the live ``PeriodScore`` rows), so totals, ranks and grades match the
ranking pages. For a period the engine has not scored yet (or where the module is absent)
an INTERIM computation fills in, straight from accepted submissions' ``reviewer_score``,
aggregated in the database with one grouped query for all units and periods at once:

* a unit's score on a standard = its unit-level items + the mean over its branches (that
  reported anything in the period) of each branch's items;
* the maximum is computed the same way from the items' ``max_score``;
* on the annual period (年度大考) negative-list deductions are subtracted; a veto (一票否决)
  marks the unit and grades it 较差;
* grade by score rate: 优秀 ≥ 90 %, 良好 ≥ 80 %, 一般 ≥ 60 %, otherwise 较差;
* ranks are competition ranks (1, 2, 2, 4) over the units that have a score.

Every report reads ``UnitScore`` rows from ``unit_scores``; each says which source it has.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import (
    Goal,
    NegativeListEntry,
    Period,
    Rectification,
    Standard,
    Submission,
    SubmissionEvent,
)
from units.models import Branch, Unit

from . import contracts as c

log = logging.getLogger(__name__)
ZERO = Decimal("0")
TWO = Decimal("0.01")
INTERIM_NOTE = "本节点尚未完成计分，得分依据审核通过的材料审核得分汇总，仅供参考。"
ENGINE_NOTE = "得分、排名和等次取自考核计分结果，与平台排名页面一致。"


def _q(value) -> Decimal:
    return Decimal(value or 0).quantize(TWO)


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


def grade_for(rate: Decimal | None, vetoed: bool = False) -> str:
    if vetoed:
        return _("较差（一票否决）")
    if rate is None:
        return _("未评分")
    if rate >= 90:
        return _("优秀")
    if rate >= 80:
        return _("良好")
    if rate >= 60:
        return _("一般")
    return _("较差")


def competition_ranks(values: dict) -> dict:
    """{key: score} → {key: rank}, highest first, ties share a rank (1, 2, 2, 4)."""
    ordered = sorted(values.items(), key=lambda kv: kv[1], reverse=True)
    ranks, previous, rank = {}, None, 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[key] = rank
    return ranks


# --- scores -------------------------------------------------------------------------------


@dataclass
class UnitScore:
    unit_id: int
    period_id: int
    total: Decimal = ZERO
    max_total: Decimal = ZERO
    by_standard: dict = field(default_factory=dict)  # code -> (score, max)
    by_goal: dict = field(default_factory=dict)
    deductions: Decimal = ZERO
    vetoed: bool = False
    rank: int | None = None
    category_rank: int | None = None
    grade_label: str = ""  # the engine's grade; empty = graded here by rate
    from_engine: bool = False

    @property
    def scored(self) -> bool:
        return self.max_total > 0

    @property
    def rate(self) -> Decimal | None:
        if not self.scored:
            return None
        return (self.total * 100 / self.max_total).quantize(Decimal("0.1"))

    @property
    def grade(self) -> str:
        if self.from_engine:
            return self.grade_label or _("未评分")
        return grade_for(self.rate, self.vetoed)


def _engine():
    try:
        return importlib.import_module("assessment.selectors.scores")
    except ImportError:
        return None


def unit_scores(periods, units) -> dict[tuple[int, int], UnitScore]:
    """Scores of ``units`` in each of ``periods``, keyed by (period id, unit id): the
    engine's where it has scored the period, the interim computation elsewhere. A fixed
    number of queries whatever the number of units and periods."""
    periods = list(periods)
    units = list(units)
    engine = _engine()
    result: dict = {}
    engine_periods = set()
    if engine is not None and periods:
        data = engine.rows_for(periods, unit_ids=[u.pk for u in units])
        for period in periods:
            _source, rows = data.get(period.pk, (None, []))
            if not rows:
                continue
            engine_periods.add(period.pk)
            for unit in units:
                result[(period.pk, unit.pk)] = UnitScore(unit_id=unit.pk, period_id=period.pk)
            for row in rows:
                if (period.pk, row.unit_id) not in result:
                    continue
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
                    from_engine=True,
                )
    rest = [p for p in periods if p.pk not in engine_periods]
    if rest:
        result.update(interim_unit_scores(rest, units))
    return result


def interim_unit_scores(periods, units) -> dict[tuple[int, int], UnitScore]:
    """The interim computation (module docstring) for periods the engine has not scored.

    Two queries whatever the number of units and periods: the grouped score rows and the
    negative list.
    """
    periods = list(periods)
    units = list(units)
    unit_ids = [u.pk for u in units]
    period_ids = [p.pk for p in periods]
    rows = (
        Submission.objects.filter(
            period_id__in=period_ids,
            unit_id__in=unit_ids,
            status=Submission.Status.ACCEPTED,
            reviewer_score__isnull=False,
        )
        .values("period_id", "unit_id", "branch_id", "indicator__standard", "indicator__goal")
        .annotate(score=Sum("reviewer_score"), max=Sum("indicator__max_score"))
        .order_by()
    )
    # (period, unit) -> {"unit": {(std, goal): [s, m]}, "branches": {branch: {...}}}
    raw: dict = defaultdict(lambda: {"unit": defaultdict(lambda: [ZERO, ZERO]), "branches": {}})
    for row in rows:
        bucket = raw[(row["period_id"], row["unit_id"])]
        key = (row["indicator__standard"], row["indicator__goal"])
        if row["branch_id"] is None:
            target = bucket["unit"][key]
        else:
            target = bucket["branches"].setdefault(
                row["branch_id"], defaultdict(lambda: [ZERO, ZERO])
            )[key]
        target[0] += row["score"] or ZERO
        target[1] += row["max"] or ZERO

    plan_ids = {p.plan_id for p in periods}
    negatives: dict = defaultdict(lambda: [ZERO, False])  # (plan, unit) -> [points, veto]
    for entry in NegativeListEntry.objects.filter(
        plan_id__in=plan_ids, unit_id__in=unit_ids
    ).values("plan_id", "unit_id", "effect", "points"):
        slot = negatives[(entry["plan_id"], entry["unit_id"])]
        if entry["effect"] == NegativeListEntry.Effect.VETO:
            slot[1] = True
        else:
            slot[0] += entry["points"] or ZERO

    result = {}
    for period in periods:
        for unit in units:
            score = UnitScore(unit_id=unit.pk, period_id=period.pk)
            bucket = raw.get((period.pk, unit.pk))
            parts: dict = defaultdict(lambda: [ZERO, ZERO])
            if bucket:
                for key, (s, m) in bucket["unit"].items():
                    parts[key][0] += s
                    parts[key][1] += m
                n = len(bucket["branches"])
                for branch_parts in bucket["branches"].values():
                    for key, (s, m) in branch_parts.items():
                        parts[key][0] += s / n
                        parts[key][1] += m / n
            for (std, goal), (s, m) in parts.items():
                for target, code in ((score.by_standard, std), (score.by_goal, goal)):
                    if code:
                        acc = target.setdefault(code, [ZERO, ZERO])
                        acc[0] += s
                        acc[1] += m
                score.total += s
                score.max_total += m
            points, veto = negatives.get((period.plan_id, unit.pk), (ZERO, False))
            score.vetoed = veto
            if period.kind == Period.Kind.ANNUAL:
                score.deductions = points
                score.total -= points
            score.total = _q(score.total)
            score.max_total = _q(score.max_total)
            result[(period.pk, unit.pk)] = score
        scored = {
            s.unit_id: s.total for (p, _u), s in result.items() if p == period.pk and s.scored
        }
        for unit_id, rank in competition_ranks(scored).items():
            result[(period.pk, unit_id)].rank = rank
        by_category = defaultdict(dict)
        for unit in units:
            if unit.pk in scored:
                by_category[unit.category_id][unit.pk] = scored[unit.pk]
        for values in by_category.values():
            for unit_id, rank in competition_ranks(values).items():
                result[(period.pk, unit_id)].category_rank = rank
    return result


def _source_note(scores) -> str:
    scores = list(scores)
    if scores and all(s.from_engine for s in scores):
        return _(ENGINE_NOTE)
    return _(INTERIM_NOTE)


def _parts(values: dict, choices) -> list[c.Part]:
    return [
        c.Part(
            code=code,
            label=str(label),
            score=_q(values.get(code, (ZERO, ZERO))[0]),
            max_score=_q(values.get(code, (ZERO, ZERO))[1]),
        )
        for code, label in choices.choices
    ]


def rectification_by_unit(plan_id, unit_ids=None, today=None) -> dict[int, c.RectificationSummary]:
    """Notices per unit by status, with overdue ones, in one grouped query."""
    today = today or timezone.localdate()
    status = Rectification.Status
    rows = Rectification.objects.filter(plan_id=plan_id)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    rows = (
        rows.values("unit_id")
        .annotate(
            issued=Count("pk"),
            answered=Count("pk", filter=Q(status=status.ANSWERED)),
            sent_back=Count("pk", filter=Q(status=status.SENT_BACK)),
            verified=Count("pk", filter=Q(status=status.VERIFIED)),
            overdue=Count("pk", filter=Q(deadline__lt=today) & ~Q(status=status.VERIFIED)),
        )
        .order_by()
    )
    return {
        r["unit_id"]: c.RectificationSummary(
            issued=r["issued"],
            answered=r["answered"],
            sent_back=r["sent_back"],
            verified=r["verified"],
            overdue=r["overdue"],
        )
        for r in rows
    }


def _sum_summaries(summaries) -> c.RectificationSummary:
    totals = defaultdict(int)
    for s in summaries:
        for name in ("issued", "answered", "sent_back", "verified", "overdue"):
            totals[name] += getattr(s, name)
    return c.RectificationSummary(**totals)


def satisfaction_by_unit(date_from: dt.date, date_to: dt.date) -> dict[int, c.Satisfaction] | None:
    """Citizen satisfaction per unit from ``feedback.selectors.satisfaction_by_unit`` when
    the feedback app provides it; ``None`` when it does not (the report says "no data")."""
    try:
        selectors = importlib.import_module("feedback.selectors")
        source = selectors.satisfaction_by_unit
    except (ImportError, AttributeError):
        return None
    try:
        rows = source(date_from, date_to)
    except Exception:  # the report still renders without satisfaction
        log.exception("satisfaction_by_unit failed")
        return None
    items = rows.items() if isinstance(rows, dict) else ((None, r) for r in rows)
    result = {}
    for key, row in items:
        get = row.get if isinstance(row, dict) else (lambda n, d=None, r=row: getattr(r, n, d))
        unit_id = key if key is not None else get("unit_id") or getattr(get("unit"), "pk", None)
        score = get("score", None)
        if score is None:
            score = get("satisfaction", None)
        size = get("sample_size", None)
        if size is None:
            size = get("sample", None)
        if size is None:
            size = get("count", None) or get("n", 0)
        if unit_id is not None:
            result[int(unit_id)] = c.Satisfaction(
                score=None if score is None else Decimal(str(score)).quantize(Decimal("0.1")),
                sample_size=int(size or 0),
            )
    return result


def _period_dates(period: Period) -> tuple[dt.date, dt.date]:
    return period.opens_on, period.deadline


def _units_for_ranking():
    return list(Unit.objects.filter(active=True).select_related("category"))


def _plan_periods(period: Period):
    return list(
        Period.objects.filter(plan_id=period.plan_id)
        .exclude(status=Period.Status.DRAFT)
        .order_by("opens_on")
    ) or [period]


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
    plan_periods = _plan_periods(period)
    if period.pk not in {p.pk for p in plan_periods}:
        plan_periods.append(period)
    scores = unit_scores(plan_periods, units)
    wanted_ids = [u.pk for u in wanted]
    rect = rectification_by_unit(period.plan_id, wanted_ids)
    satisfaction = satisfaction_by_unit(*_period_dates(period))
    items: dict = defaultdict(list)
    for sub in (
        Submission.objects.filter(period=period, unit_id__in=wanted_ids)
        .exclude(status=Submission.Status.DRAFT)
        .select_related("indicator", "branch")
        .order_by("indicator__position", "indicator__code", "branch__name")
    ):
        items[sub.unit_id].append(_item_line(sub))
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
            trend=[
                c.TrendPoint(
                    period_label=str(p.get_kind_display()),
                    total=scores[(p.pk, unit.pk)].total if scores[(p.pk, unit.pk)].scored else None,
                )
                for p in plan_periods
            ],
            items=items.get(unit.pk, []),
            rectification=rect.get(unit.pk, c.RectificationSummary()),
            satisfaction=None if satisfaction is None else satisfaction.get(unit.pk),
            deductions=s.deductions,
            vetoed=s.vetoed,
            source_note=_(ENGINE_NOTE) if s.from_engine else _(INTERIM_NOTE),
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
    scores = unit_scores([period], units)
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
        source_note=_source_note(scores.values()),
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
        self_total=_q(sum((s.self_score or ZERO) for s in subs)),
        reviewer_total=_q(
            sum((s.reviewer_score or ZERO) for s in subs if s.status == status.ACCEPTED)
        ),
    )


def build_rectification_report(period: Period, today=None) -> c.RectificationReport:
    today = today or timezone.localdate()
    period = Period.objects.select_related("plan").get(pk=period.pk)
    units = {u.pk: u for u in Unit.objects.select_related("category")}
    rect = rectification_by_unit(period.plan_id, today=today)
    rows = [
        c.RectificationUnitRow(unit=unit_ref(units[uid]), summary=summary)
        for uid, summary in sorted(rect.items(), key=lambda kv: units[kv[0]].name)
    ]
    status = Rectification.Status
    open_notices = [
        c.RectificationLine(
            unit=r.unit.name,
            branch=r.branch.name if r.branch_id else "",
            problem=r.problem,
            deadline=r.deadline,
            status=str(r.get_status_display()),
            status_code=r.status,
            overdue=r.deadline < today,
        )
        for r in Rectification.objects.filter(plan_id=period.plan_id)
        .exclude(status=status.VERIFIED)
        .select_related("unit", "branch")
        .order_by("deadline", "unit__name", "pk")
    ]
    return c.RectificationReport(
        period=period_ref(period),
        plan_label=str(period.plan),
        today=today,
        rows=rows,
        total=_sum_summaries(rect.values()),
        open_notices=open_notices,
    )


def build_satisfaction_report(period: Period) -> c.SatisfactionReport:
    period = Period.objects.select_related("plan").get(pk=period.pk)
    date_from, date_to = _period_dates(period)
    data = satisfaction_by_unit(date_from, date_to) or {}
    rows = [
        c.SatisfactionRow(
            unit=unit_ref(u),
            score=data[u.pk].score if u.pk in data else None,
            sample_size=data[u.pk].sample_size if u.pk in data else 0,
        )
        for u in _units_for_ranking()
    ]
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.unit.name))
    return c.SatisfactionReport(
        period=period_ref(period), date_from=date_from, date_to=date_to, rows=rows
    )


SELECTION_MIN_RATE = Decimal("80")


def build_cycle_evaluation(period: Period) -> c.CycleEvaluation:
    """Three-year evaluation of the cycle ``period`` belongs to, and the selection list.

    A year's rate is its annual period's (年度大考) score rate, or the mean of that year's
    scored periods when the annual one has no scores yet.
    """
    period = Period.objects.select_related("plan__cycle").get(pk=period.pk)
    cycle = period.plan.cycle
    periods = list(
        Period.objects.filter(plan__cycle=cycle)
        .exclude(status=Period.Status.DRAFT)
        .select_related("plan")
        .order_by("plan__year", "opens_on")
    )
    plans = sorted({p.plan for p in periods} | {period.plan}, key=lambda p: p.year)
    units = _units_for_ranking()
    scores = unit_scores(periods, units)
    rect_rows = (
        Rectification.objects.filter(plan__cycle=cycle)
        .values("unit_id")
        .annotate(
            issued=Count("pk"),
            verified=Count("pk", filter=Q(status=Rectification.Status.VERIFIED)),
        )
        .order_by()
    )
    rect = {
        r["unit_id"]: c.RectificationSummary(issued=r["issued"], verified=r["verified"])
        for r in rect_rows
    }
    first = min(p.opens_on for p in periods) if periods else period.opens_on
    last = max(p.deadline for p in periods) if periods else period.deadline
    satisfaction = satisfaction_by_unit(first, last)
    rows = []
    for unit in units:
        years, rates, vetoed = [], [], False
        for plan in plans:
            plan_scores = [scores[(p.pk, unit.pk)] for p in periods if p.plan_id == plan.pk]
            vetoed = vetoed or any(s.vetoed for s in plan_scores)
            annual = [
                scores[(p.pk, unit.pk)]
                for p in periods
                if p.plan_id == plan.pk and p.kind == Period.Kind.ANNUAL
            ]
            scored = [
                s for s in (annual if annual and annual[0].scored else plan_scores) if s.scored
            ]
            rate = (
                (sum(s.rate for s in scored) / len(scored)).quantize(Decimal("0.1"))
                if scored
                else None
            )
            if rate is not None:
                rates.append(rate)
            years.append(
                c.CycleYear(
                    year=plan.year,
                    phase_label=str(plan.get_phase_display()),
                    total=rate,
                    grade=grade_for(rate, any(s.vetoed for s in plan_scores)),
                )
            )
        average = (sum(rates) / len(rates)).quantize(Decimal("0.1")) if rates else None
        rows.append(
            c.CycleRow(
                unit=unit_ref(unit),
                years=years,
                average=average,
                rectification=rect.get(unit.pk, c.RectificationSummary()),
                satisfaction=None if satisfaction is None else satisfaction.get(unit.pk),
                vetoed=vetoed,
            )
        )
    ranks = competition_ranks({r.unit.id: r.average for r in rows if r.average is not None})
    eligible = [
        r
        for r in rows
        if r.average is not None
        and not r.vetoed
        and r.average >= SELECTION_MIN_RATE
        and all(y.total is not None for y in r.years)
    ]
    quota = math.ceil(len(units) / 3) if units else 0
    chosen = {r.unit.id for r in sorted(eligible, key=lambda r: ranks[r.unit.id])[:quota]}
    rows = [
        c.CycleRow(
            **{**r.__dict__, "rank": ranks.get(r.unit.id), "recommended": r.unit.id in chosen}
        )
        for r in rows
    ]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit.name))
    return c.CycleEvaluation(
        cycle_title=cycle.title,
        period=period_ref(period),
        years=[(p.year, str(p.get_phase_display())) for p in plans],
        rows=rows,
        selection=[r for r in rows if r.recommended],
        source_note=_source_note(scores.values()),
        selection_rule=_(
            "三年均有得分、无一票否决、三年平均得分率不低于80%%，按平均得分率排序，"
            "推荐名额为参评单位数的三分之一（%(quota)s 个）。"
        )
        % {"quota": quota},
    )
