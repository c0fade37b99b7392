"""Read-only views of an indicator system: burden per category and what a secretary sees."""

from collections import defaultdict
from dataclasses import dataclass, field

from units.models import UnitCategory

from ..models import AnnualPlan, Indicator, IndicatorSystem, Period, Standard
from .plans import FREQUENCIES_BY_PERIOD, SCORED_KINDS, has_active_children

QUARTERS = [Period.Kind.Q1, Period.Kind.Q2, Period.Kind.Q3, Period.Kind.Q4]


def systems_list():
    return IndicatorSystem.objects.select_related("plan", "plan__cycle").order_by(
        "-plan__year", "-version"
    )


def asked_items(system: IndicatorSystem, *, level=Indicator.Level.BRANCH):
    """Active scored leaf items of a system at a level, with their category ids, in two
    queries: [(item, {category ids} or None for all categories)]."""
    items = list(
        Indicator.objects.filter(
            system=system, kind__in=SCORED_KINDS, level=level, retired_at__isnull=True
        )
        .exclude(has_active_children())
        .order_by("position", "code")
    )
    through = Indicator.categories.through.objects.filter(indicator__in=[i.pk for i in items])
    cats = defaultdict(set)
    for indicator_id, category_id in through.values_list("indicator_id", "unitcategory_id"):
        cats[indicator_id].add(category_id)
    return [(item, cats.get(item.pk)) for item in items]


def _applies(category_ids, category) -> bool:
    return category_ids is None or category.pk in category_ids


@dataclass
class BurdenRow:
    category: UnitCategory
    counts: dict = field(default_factory=dict)  # period kind → items asked
    attachments: dict = field(default_factory=dict)  # period kind → items needing a file
    over: dict = field(default_factory=dict)  # period kind → above the cap?

    @property
    def max_quarterly(self):
        return max((self.counts.get(k, 0) for k in QUARTERS), default=0)

    @property
    def any_over(self):
        return any(self.over.values())


def burden(plan: AnnualPlan, system: IndicatorSystem) -> list[BurdenRow]:
    """为基层减负: how many evidence items a branch of each category provides per period,
    flagged above the plan's cap. Items the platform measures (系统取数) ask nothing of a
    branch and are not counted. Three queries whatever the size of the system."""
    asked = [(i, c) for i, c in asked_items(system) if i.asks_reporter]
    rows = []
    for category in UnitCategory.objects.order_by("sort_order", "name"):
        row = BurdenRow(category)
        for kind in Period.Kind.values:
            freqs = FREQUENCIES_BY_PERIOD[kind]
            matching = [i for i, c in asked if i.frequency in freqs and _applies(c, category)]
            row.counts[kind] = len(matching)
            row.attachments[kind] = sum(1 for i in matching if i.requires_attachment)
            row.over[kind] = len(matching) > plan.burden_cap
        rows.append(row)
    return rows


def preview(system: IndicatorSystem, category, period_kind, *, level=Indicator.Level.BRANCH):
    """What a secretary (or unit administrator, level=unit) of a category is asked in a
    period of the given kind, grouped by 六实 standard in the standard's order, and how many
    of them ask something (items the platform measures are listed, shown as 系统自动取数,
    and not counted)."""
    freqs = FREQUENCIES_BY_PERIOD[period_kind]
    asked = [
        i
        for i, c in asked_items(system, level=level)
        if i.frequency in freqs and (c is None if category is None else _applies(c, category))
    ]
    groups = []
    for value, label in Standard.choices:
        items = [i for i in asked if i.standard == value]
        if items:
            groups.append((label, items))
    return groups, sum(1 for i in asked if i.asks_reporter)
