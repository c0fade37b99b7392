"""为基层减负 and 形式主义预警, read side: the burden calendar of a plan, the minutes
measured from edit sessions, and the signals of formalism — with who may see and decide."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from units.models import UnitCategory
from units.selectors import can_manage, scope_of

from .. import burden as rules
from .. import formalism
from ..models import (
    AnnualPlan,
    EditSession,
    FormalismSignal,
    Indicator,
    IndicatorSystem,
    Period,
    Submission,
)
from .indicators import asked_items
from .plans import FREQUENCIES_BY_PERIOD

QUARTER_KINDS = [Period.Kind.Q1, Period.Kind.Q2, Period.Kind.Q3, Period.Kind.Q4]


# --- who may see and decide ---


def may_see_burden(user) -> bool:
    return scope_of(user).sees_everything


def may_see_signals(user) -> bool:
    return scope_of(user).sees_everything


def may_decide_signals(user) -> bool:
    return can_manage(user)


# --- the calendar ---


def _applies(category_ids, category) -> bool:
    if category is None:
        return category_ids is None
    return category_ids is None or category.pk in category_ids


def calendar(
    plan: AnnualPlan,
    system: IndicatorSystem | None,
    category,
    *,
    level=Indicator.Level.BRANCH,
    periods=None,
    asked=None,
    moves=None,
    dropped=frozenset(),
) -> rules.Calendar:
    """Week by week, the items a branch (or unit) of a category must provide. `moves`
    ({kind: (opens_on, deadline)}) and `dropped` ({(kind, item id)}) try a change without
    saving it."""
    periods = list(plan.periods.all()) if periods is None else periods
    asked = (asked_items(system, level=level) if system else []) if asked is None else asked
    moves = moves or {}
    windows = []
    for period in periods:
        freqs = FREQUENCIES_BY_PERIOD[period.kind]
        items = [
            i
            for i, cats in asked
            if i.frequency in freqs
            and _applies(cats, category)
            and rules.asks_reporter(i)
            and (period.kind, i.pk) not in dropped
        ]
        opens_on, deadline = moves.get(period.kind, (period.opens_on, period.deadline))
        windows.append(
            rules.Window(
                kind=period.kind,
                label=period.get_kind_display(),
                opens_on=opens_on,
                deadline=deadline,
                items=len(items),
                attachments=sum(1 for i in items if i.requires_attachment),
            )
        )
    return rules.build_calendar(windows, cap=plan.burden_cap, year=plan.year)


def calendars(plan: AnnualPlan, system, *, level=Indicator.Level.BRANCH):
    """[(category, calendar)] for every unit category, in four queries whatever the size."""
    periods = list(plan.periods.order_by("opens_on"))
    asked = asked_items(system, level=level) if system else []
    return [
        (category, calendar(plan, system, category, level=level, periods=periods, asked=asked))
        for category in UnitCategory.objects.order_by("sort_order", "name")
    ]


def items_by_kind(plan: AnnualPlan, system, category, *, level=Indicator.Level.BRANCH):
    """{period kind: [items asked]} — what a designer may drop when trying a change."""
    asked = asked_items(system, level=level) if system else []
    return {
        kind: [
            i
            for i, cats in asked
            if i.frequency in FREQUENCIES_BY_PERIOD[kind]
            and _applies(cats, category)
            and rules.asks_reporter(i)
        ]
        for kind in Period.Kind.values
    }


# --- measured burden ---


@dataclass
class ItemMinutes:
    code: str
    name: str
    estimate: float
    median: float = 0.0
    branches: int = 0
    same_share: float = 0.0
    scored: int = 0
    candidate: bool = False


@dataclass
class PeriodMinutes:
    period: Period
    by_category: dict = field(default_factory=dict)  # category name → (branches, median)


def measured(plan: AnnualPlan, system) -> tuple[list[PeriodMinutes], list[ItemMinutes]]:
    """Minutes each branch spent on each period (median per category) and each item's
    median across branches, beside the designer's estimate; items that take long and whose
    scores do not tell branches apart are candidates to simplify or retire. Six queries."""
    periods = list(plan.periods.order_by("opens_on"))
    sessions = EditSession.objects.filter(
        submission__period__plan=plan, submission__branch__isnull=False
    )
    per_branch = defaultdict(list)
    for r in sessions.values(
        "submission__period_id", "submission__branch_id", "submission__unit__category__name"
    ).annotate(seconds=Sum("seconds")):
        per_branch[(r["submission__period_id"], r["submission__unit__category__name"])].append(
            r["seconds"]
        )
    rows = []
    for period in periods:
        row = PeriodMinutes(period)
        for (period_id, category), seconds in sorted(per_branch.items(), key=lambda kv: kv[0][1]):
            if period_id == period.pk:
                row.by_category[category] = (len(seconds), rules.median_minutes(seconds))
        rows.append(row)
    per_item = defaultdict(list)
    for r in sessions.values("submission__indicator__code", "submission__branch_id").annotate(
        seconds=Sum("seconds")
    ):
        per_item[r["submission__indicator__code"]].append(r["seconds"])
    scores = defaultdict(list)
    for code, score in Submission.objects.filter(
        period__plan=plan,
        branch__isnull=False,
        status=Submission.Status.ACCEPTED,
        reviewer_score__isnull=False,
    ).values_list("indicator__code", "reviewer_score"):
        scores[code].append(score)
    items = []
    for item, _cats in asked_items(system) if system else []:
        if not rules.asks_reporter(item):
            continue
        seconds = per_item.get(item.code, [])
        entry = ItemMinutes(
            code=item.code,
            name=item.name,
            estimate=rules.estimated_minutes(
                requires_text=item.requires_text,
                requires_number=item.requires_number,
                requires_attachment=item.requires_attachment,
            ),
            median=rules.median_minutes(seconds),
            branches=len(seconds),
            same_share=round(rules.same_score_share(scores.get(item.code, [])), 2),
            scored=len(scores.get(item.code, [])),
        )
        entry.candidate = rules.is_simplify_candidate(entry.median, scores.get(item.code, []))
        items.append(entry)
    return rows, items


# --- signals of formalism ---


def previous_period(period: Period) -> Period | None:
    """The period before this one that asks the same items: the previous quarter (across
    years), else last year's period of the same kind."""
    kinds = QUARTER_KINDS if period.kind in QUARTER_KINDS else [period.kind]
    return _earlier(period, kinds).first()


def recent_periods(period: Period, n: int) -> list[Period]:
    """This period and the n − 1 before it of the same rhythm, newest first."""
    kinds = QUARTER_KINDS if period.kind in QUARTER_KINDS else [period.kind]
    return [period, *_earlier(period, kinds)[: n - 1]]


def _earlier(period, kinds) -> QuerySet:
    year = period.plan.year
    return (
        Period.objects.filter(kind__in=kinds)
        .filter(Q(plan__year__lt=year) | Q(plan__year=year, opens_on__lt=period.opens_on))
        .select_related("plan")
        .order_by("-plan__year", "-opens_on")
    )


OPEN = FormalismSignal.Status.OPEN


def signal_q(**extra) -> QuerySet:
    """Open signals bearing on a submission row (OuterRef): its own, or its branch's for the
    whole period."""
    return FormalismSignal.objects.filter(
        Q(submission=OuterRef("pk"))
        | Q(submission__isnull=True, period=OuterRef("period"), branch=OuterRef("branch")),
        status=OPEN,
        **extra,
    )


def flagged_only(submissions: QuerySet, kind: str = "") -> QuerySet:
    """The review queue narrowed to items with an open signal (of a kind, if given)."""
    extra = {"kind": kind} if kind else {}
    return submissions.filter(Exists(signal_q(**extra)))


def kinds_by_submission(rows) -> dict:
    """{submission id: [signal kind labels]} for a page of queue rows, in one query."""
    ids = [r.pk for r in rows]
    found = defaultdict(set)
    keys = {(r.period_id, r.branch_id) for r in rows}
    branch_ids = {b for _p, b in keys if b}
    period_ids = {p for p, _b in keys}
    for sub_id, period_id, branch_id, kind in FormalismSignal.objects.filter(
        Q(submission_id__in=ids)
        | Q(submission__isnull=True, period_id__in=period_ids, branch_id__in=branch_ids),
        status=OPEN,
    ).values_list("submission_id", "period_id", "branch_id", "kind"):
        if sub_id is not None:
            found[sub_id].add(kind)
        else:
            for r in rows:
                if (r.period_id, r.branch_id) == (period_id, branch_id):
                    found[r.pk].add(kind)
    labels = dict(FormalismSignal.Kind.choices)
    return {pk: [(k, labels[k]) for k in sorted(kinds)] for pk, kinds in found.items()}


def signals_for(submission: Submission) -> list[FormalismSignal]:
    """Every signal bearing on one item (open and dismissed), with what the evidence names."""
    return list(
        FormalismSignal.objects.filter(
            Q(submission=submission)
            | Q(
                submission__isnull=True,
                period_id=submission.period_id,
                branch_id=submission.branch_id,
            )
        )
        .select_related("other__branch", "other__period__plan", "dismissed_by")
        .order_by("status", "kind", "pk")
    )


def counts_by_unit(period: Period) -> tuple[list, dict]:
    """Open signals of a period by unit and kind: ([(unit name, {kind: n}, total)], totals)."""
    table = defaultdict(lambda: defaultdict(int))
    totals = defaultdict(int)
    for r in (
        FormalismSignal.objects.filter(period=period, status=OPEN)
        .values("unit__name", "kind")
        .annotate(n=Count("pk"))
    ):
        table[r["unit__name"]][r["kind"]] += r["n"]
        totals[r["kind"]] += r["n"]
    rows = sorted(
        ((unit, dict(kinds), sum(kinds.values())) for unit, kinds in table.items()),
        key=lambda row: (-row[2], row[0]),
    )
    return rows, dict(totals)


def period_signals(period: Period, *, kind="", status=OPEN) -> QuerySet:
    signals = FormalismSignal.objects.filter(period=period).select_related(
        "unit", "branch", "submission__indicator", "other__branch", "dismissed_by"
    )
    if kind:
        signals = signals.filter(kind=kind)
    if status:
        signals = signals.filter(status=status)
    return signals.order_by("unit__name", "branch__name", "kind", "pk")


@dataclass
class SignalView:
    signal: FormalismSignal
    segments: list = field(default_factory=list)  # the narrative against the other, for copies


def signals_with_evidence(submission: Submission) -> list[SignalView]:
    """The item's signals for its reviewer, copies with the differences highlighted."""
    views = []
    for signal in signals_for(submission):
        segments = []
        if signal.kind in (FormalismSignal.Kind.COPIED_OWN, FormalismSignal.Kind.COPIED_OTHER):
            if signal.other is not None:
                segments = formalism.diff_segments(signal.other.narrative, submission.narrative)
        views.append(SignalView(signal, segments))
    return views
