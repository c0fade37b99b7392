"""Which indicator items a branch or unit is asked for in a period."""

from django.db.models import Q, QuerySet

from ..models import AnnualPlan, Indicator, IndicatorSystem, Period

# Which item frequencies each period collects.
FREQUENCIES_BY_PERIOD = {
    Period.Kind.Q1: {Indicator.Frequency.QUARTERLY},
    Period.Kind.Q2: {Indicator.Frequency.QUARTERLY},
    Period.Kind.Q3: {Indicator.Frequency.QUARTERLY},
    Period.Kind.Q4: {Indicator.Frequency.QUARTERLY},
    Period.Kind.H1: {Indicator.Frequency.HALF_YEAR},
    Period.Kind.ANNUAL: {Indicator.Frequency.ANNUAL},
}

SCORED_KINDS = [k for k in Indicator.Kind.values if k != Indicator.Kind.DIMENSION]


def current_system(plan: AnnualPlan) -> IndicatorSystem | None:
    return plan.systems.order_by("-version").first()


def items_for(period: Period, *, category, level=Indicator.Level.BRANCH, system=None) -> QuerySet:
    """The scored, non-retired items of the plan's current system that apply to a unit
    category at a level (branch or unit) in this period."""
    system = system or current_system(period.plan)
    if system is None:
        return Indicator.objects.none()
    return (
        Indicator.objects.filter(
            system=system,
            kind__in=SCORED_KINDS,
            level=level,
            retired_at__isnull=True,
            frequency__in=FREQUENCIES_BY_PERIOD[period.kind],
        )
        .filter(Q(categories__isnull=True) | Q(categories=category))
        .distinct()
        .order_by("position", "code")
    )


def open_periods() -> QuerySet:
    return Period.objects.filter(status=Period.Status.OPEN).select_related("plan")
