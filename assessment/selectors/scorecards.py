"""Scorecard summaries: each item a unit is asked for, with how its branches did."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from units.numbers import TENTH, rounded

from ..models import Indicator, Period, Submission
from ..scoring import engine, rules

ZERO = Decimal("0")


@dataclass(frozen=True)
class ItemSummary:
    """One item a unit is asked for: the unit's figure and, for branch items, how its
    branches did (the unit scorecard's per-indicator table)."""

    code: str
    name: str
    dimension: str
    kind: str  # Indicator.Kind
    unit_level: bool
    max_points: Decimal | None  # effective points (regular items), the cap (bonus items)
    points: Decimal  # the unit's figure (deductions negative)
    low: Decimal | None  # the lowest and the highest branch; None on unit-level items
    high: Decimal | None
    asked: int  # branches asked (1 on unit-level items: the unit itself)
    submitted: int
    full: int  # at full marks
    vetoes: int  # veto items: how many triggered it

    @property
    def percent(self) -> Decimal | None:
        if not self.max_points:
            return None
        return rounded(self.points * 100 / self.max_points, TENTH)


def item_summaries(
    period: Period, units, branches_of: dict, aggregation: str
) -> dict[int, list[ItemSummary]]:
    """unit id -> each item its category is asked in ``period``, in the catalogue's order.

    A branch item's unit figure combines the branches' points with the weights the engine
    combines the unit's score with (``combine_weights``: mean or by party members); a
    branch without an accepted answer counts 0, as in the engine. A unit-level item's figure
    is the unit's own points. The catalogue, then ONE grouped query over the units'
    submissions (by unit, branch and item) whatever the number of branches."""
    catalogue = engine.catalogue_for(period)
    if not catalogue.items:
        return {}
    units = list(units)
    accepted = Q(status=Submission.Status.ACCEPTED)
    found = {
        (r["unit_id"], r["branch_id"], r["indicator_id"]): r
        for r in Submission.objects.filter(
            period=period,
            unit_id__in=[u.pk for u in units],
            indicator_id__in=list(catalogue.items),
        )
        .annotate(pts=engine.item_points_expression(catalogue))
        .values("unit_id", "branch_id", "indicator_id")
        .annotate(
            points=Sum("pts", filter=accepted),
            submitted=Count("pk", filter=Q(status__in=engine.SUBMITTED_STATES)),
            full=Count("pk", filter=accepted & Q(reviewer_score__gte=F("indicator__max_score"))),
            vetoes=Count("pk", filter=accepted & engine.VETO_TRIGGER),
        )
        .order_by()
    }
    out = {}
    for unit in units:
        weights = rules.combine_weights(branches_of.get(unit.pk, []), aggregation)
        lines = []
        for m in catalogue.items.values():
            if not m.applies_to(unit.category_id):
                continue
            unit_level = m.level == Indicator.Level.UNIT
            targets = [(None, Decimal(1))] if unit_level else list(weights.items())
            rows = [found.get((unit.pk, b, m.id)) or {} for b, _w in targets]
            points = [Decimal(r.get("points") or 0) for r in rows]
            weighted = sum((p * w for p, (_b, w) in zip(points, targets, strict=True)), ZERO)
            # Deductions read negative; negated after rounding, so none reads -0.00.
            shown = (lambda v: ZERO - rules.q(v)) if m.kind == Indicator.Kind.DEDUCTION else rules.q
            spread = sorted(shown(p) for p in points)
            if m.kind in rules.REGULAR_KINDS:
                max_points = rules.q(m.effective)
            elif m.kind == Indicator.Kind.BONUS and m.max_score > 0:
                max_points = rules.q(m.max_score)
            else:
                max_points = None
            lines.append(
                ItemSummary(
                    code=m.code,
                    name=m.name,
                    dimension=m.dimension_name or _("其他"),
                    kind=m.kind,
                    unit_level=unit_level,
                    max_points=max_points,
                    points=shown(weighted),
                    low=None if unit_level or not spread else spread[0],
                    high=None if unit_level or not spread else spread[-1],
                    asked=len(rows),
                    submitted=sum(r.get("submitted", 0) for r in rows),
                    full=sum(r.get("full", 0) for r in rows),
                    vetoes=sum(r.get("vetoes", 0) for r in rows),
                )
            )
        out[unit.pk] = lines
    return out
