"""系统取数: the figures the platform holds itself, by measure code (Indicator.Measure).

Each measure is computed set-based for one period and one level: it takes the period, the
level and the targets ((unit id, branch id or None) pairs) and returns target -> value
(a Decimal, or None when the platform has no figure: then nothing is written). The date
range is the period's span (assessment.rules.period_dates). Figures only the unit has
(satisfaction, follow-up cases, the negative list) give each branch its unit's figure.
assessment.services.measures writes the values as the items' submissions.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q

from feedback.selectors import case_rates_by_unit, satisfaction
from units.models import Branch, Unit

from .models import Indicator, NegativeListEntry, Period, Problem, Submission
from .rules import duty_grade_percent, period_dates, rate
from .selectors.duty import branch_duty_grades, duty_grades
from .selectors.plans import items_for

M = Indicator.Measure
DONE = (Submission.Status.SUBMITTED, Submission.Status.UNIT_CHECKED, Submission.Status.ACCEPTED)


def _unit_ids(targets):
    return sorted({unit_id for unit_id, _branch_id in targets})


def _by_unit(targets, values: dict) -> dict:
    return {t: values.get(t[0]) for t in targets}


def _satisfaction(period, level, targets):
    """The feedback app's one figure; below the minimum sample there is no value."""
    figures = satisfaction(*period_dates(period.plan.year, period.kind), _unit_ids(targets))
    return _by_unit(targets, {u: f.value for u, f in figures.items()})


def _rectification_rate(period, level, targets):
    """Verified ÷ due on the problem ledger: the problems whose deadline falls in the period
    (a branch's own, or all of a unit's, whatever their source); 100 when nothing fell due."""
    date_from, date_to = period_dates(period.plan.year, period.kind)
    key = ["unit_id", "branch_id"] if level == Indicator.Level.BRANCH else ["unit_id"]
    rows = (
        Problem.objects.filter(
            unit_id__in=_unit_ids(targets),
            deadline__gte=date_from,
            deadline__lte=date_to,
        )
        .exclude(status=Problem.Status.WITHDRAWN)
        .values(*key)
        .annotate(
            due=Count("pk"), verified=Count("pk", filter=Q(status=Problem.Status.VERIFIED))
        )
        .order_by()
    )
    counts = {tuple(r[k] for k in key): (r["verified"], r["due"]) for r in rows}
    result = {}
    for target in targets:
        found = counts.get(target if level == Indicator.Level.BRANCH else (target[0],), (0, 0))
        result[target] = rate(*found)
    return result


def _pick(row, which):
    return row[which], row[0]


def _case_rate(which: int):
    def measure(period, level, targets):
        """Follow-up cases opened in the period: replied on time (or closed) ÷ cases;
        100 when there was no case."""
        units = _unit_ids(targets)
        rows = case_rates_by_unit(*period_dates(period.plan.year, period.kind), units)
        return _by_unit(targets, {u: rate(*_pick(rows.get(u, (0, 0, 0)), which)) for u in units})

    return measure


def _asked_counts(period, level, targets) -> dict:
    """Target -> how many reported items the period asks of it (by unit category)."""
    categories = dict(Unit.objects.filter(pk__in=_unit_ids(targets)).values_list("pk", "category"))
    per_category = {
        c: items_for(period, category=c, level=Indicator.Level.BRANCH).count()
        for c in set(categories.values())
    }
    branches = defaultdict(int)
    if level == Indicator.Level.UNIT:
        for unit_id, n in (
            Branch.objects.filter(unit_id__in=categories, active=True)
            .values("unit_id")
            .annotate(n=Count("pk"))
            .values_list("unit_id", "n")
        ):
            branches[unit_id] = n
    return {
        t: per_category[categories[t[0]]] * (1 if t[1] is not None else branches[t[0]])
        for t in targets
    }


def _submission_rate(on_time_only: bool):
    def measure(period, level, targets):
        """The branch's own reported items of the period submitted (on time, for the
        on-time rate) ÷ items asked; a unit counts all its branches."""
        done = Q(status__in=DONE) & (Q(is_late=False) if on_time_only else Q())
        key = ["unit_id", "branch_id"] if level == Indicator.Level.BRANCH else ["unit_id"]
        rows = (
            Submission.objects.filter(
                period=period,
                branch__isnull=False,
                unit_id__in=_unit_ids(targets),
                indicator__measure="",
            )
            .filter(done)
            .values(*key)
            .annotate(n=Count("pk"))
            .order_by()
        )
        counts = {tuple(r[k] for k in key): r["n"] for r in rows}
        asked = _asked_counts(period, level, targets)
        return {
            t: rate(counts.get(t if level == Indicator.Level.BRANCH else (t[0],), 0), asked[t])
            for t in targets
        }

    return measure


def _negative_list(period, level, targets):
    """Entries on the plan's negative list recorded in the period (count)."""
    date_from, date_to = period_dates(period.plan.year, period.kind)
    rows = (
        NegativeListEntry.objects.filter(
            plan_id=period.plan_id,
            unit_id__in=_unit_ids(targets),
            created_at__date__gte=date_from,
            created_at__date__lte=date_to,
        )
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    counts = dict(rows)
    return _by_unit(targets, {u: Decimal(counts.get(u, 0)) for u in _unit_ids(targets)})


def _duty_grade(period, level, targets):
    """述职评议: the year's graded 述职 as a percentage (assessment.rules.DUTY_GRADE_PERCENT):
    a unit's 党组书记's, a branch's secretary's; no graded report, no value."""
    year = period.plan.year
    if level == Indicator.Level.BRANCH:
        grades = branch_duty_grades(year, [b for _u, b in targets if b is not None])
        return {t: duty_grade_percent(grades.get(t[1], "")) for t in targets}
    grades = duty_grades(year, _unit_ids(targets))
    return _by_unit(targets, {u: duty_grade_percent(g) for u, g in grades.items()})


MEASURES = {
    M.SATISFACTION: _satisfaction,
    M.RECTIFICATION_RATE: _rectification_rate,
    M.CASE_REPLY_ON_TIME: _case_rate(1),
    M.CASE_CLOSURE: _case_rate(2),
    M.SUBMISSION_ON_TIME: _submission_rate(on_time_only=True),
    M.EVIDENCE_COMPLETENESS: _submission_rate(on_time_only=False),
    M.NEGATIVE_LIST: _negative_list,
    M.DUTY_GRADE: _duty_grade,
}
# What each measure's number is (assessment.rules.number_problem applies to overrides too).
NUMBER_KINDS = {code: Indicator.NumberKind.PERCENTAGE for code in MEASURES} | {
    M.NEGATIVE_LIST: Indicator.NumberKind.COUNT
}


def measure(code: str, period: Period, level: str, targets) -> dict:
    """target ((unit id, branch id or None)) -> value or None, for one measure."""
    return MEASURES[code](period, level, list(targets))
