"""Which indicator items a branch or unit is asked for in a period."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from units.selectors import scope_of

from ..models import AnnualPlan, Cycle, Indicator, IndicatorSystem, Period

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


def may_edit_plan(user) -> bool:
    """Cycles, annual plans and period windows: committee staff over every unit."""
    return scope_of(user).acts_as_committee


def may_manage_periods(user) -> bool:
    """Opening, closing, reopening and publishing periods (and correcting published scores)."""
    return scope_of(user).acts_as_committee


def current_plan(today=None) -> AnnualPlan | None:
    """This year's plan; in a year without one the latest before it, else the first."""
    year = (today or timezone.localdate()).year
    return (
        AnnualPlan.objects.filter(year__lte=year).order_by("-year").first()
        or AnnualPlan.objects.order_by("year").first()
    )


def current_system(plan: AnnualPlan) -> IndicatorSystem | None:
    """The newest version: the one being edited and the one a period pins when it opens."""
    return plan.systems.order_by("-version").first()


def system_for(period: Period) -> IndicatorSystem | None:
    """The version a period collects: pinned when it opened, else the plan's newest."""
    if period.system_id:
        return period.system
    return current_system(period.plan)


def has_active_children():
    return Exists(Indicator.objects.filter(parent=OuterRef("pk"), retired_at__isnull=True))


def items_for(period: Period, *, category, level=Indicator.Level.BRANCH, system=None) -> QuerySet:
    """The scored, non-retired leaf items of the period's system (pinned when it opened,
    else the plan's newest version) that apply to a unit category at a level (branch or
    unit) in this period. An item with active sub-items is asked through its sub-items; an
    item the platform measures (系统取数) is not asked (assessment.measures writes it)."""
    system = system or system_for(period)
    if system is None:
        return Indicator.objects.none()
    return (
        Indicator.objects.filter(
            system=system,
            kind__in=SCORED_KINDS,
            level=level,
            retired_at__isnull=True,
            frequency__in=FREQUENCIES_BY_PERIOD[period.kind],
            measure="",
        )
        .exclude(has_active_children())
        .filter(Q(categories__isnull=True) | Q(categories=category))
        .distinct()
        .order_by("position", "code")
    )


def open_periods() -> QuerySet:
    return Period.objects.filter(status=Period.Status.OPEN).select_related("plan")


def cycles_with_plans():
    """Every cycle with its plans and their periods, in three queries."""
    return Cycle.objects.prefetch_related(
        Prefetch(
            "plans",
            queryset=AnnualPlan.objects.order_by("year").prefetch_related(
                Prefetch("periods", queryset=Period.objects.order_by("opens_on")),
                Prefetch("systems", queryset=IndicatorSystem.objects.order_by("-version")),
            ),
        )
    ).order_by("-start_year")
