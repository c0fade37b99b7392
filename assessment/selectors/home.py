"""What the role pages read beyond the score selectors: a unit's standing among all units,
its category and its group; a unit or branch against its category (and a branch against its
unit) quarter by quarter and by 六实 standard; what is due and what is late."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from feedback.selectors import case_stats

from ..models import Period, Standard
from . import duty as duty_selectors
from . import rectification as rectification_selectors
from . import review as review_selectors
from . import scores
from .submissions import branch_progress

CENT = Decimal("0.01")


def mean(values) -> Decimal | None:
    values = [Decimal(v) for v in values if v is not None]
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP)


def standard_percent(row, code) -> Decimal | None:
    part = next((p for p in row.standards if p.code == code), None)
    return part.percent if part is not None and part.max_points else None


def finished_quarters(plan) -> list:
    """The plan's closed or published quarters: an open quarter's scores are partial."""
    return scores.trend_periods(plan, quarters_only=True)


@dataclass(frozen=True)
class Standing:
    """A unit's row in a period and how many units it was ranked among."""

    row: scores.ScoreRow
    units: int
    category_units: int
    group_units: int | None


def unit_standing(period, unit) -> Standing | None:
    """Ranks are computed over every unit; only the counts of the others are shown."""
    rows = scores.period_ranking(period)
    mine = next((r for r in rows if r.unit_id == unit.pk), None)
    if mine is None:
        return None
    return Standing(
        row=mine,
        units=len(rows),
        category_units=sum(1 for r in rows if r.category_id == mine.category_id),
        group_units=(
            sum(1 for r in rows if r.group_id == mine.group_id) if mine.group_id else None
        ),
    )


@dataclass(frozen=True)
class Line:
    """One row of a comparison: a quarter or a 六实 standard, the own figure, the unit's
    (for a branch) and the category's average, all as rates in %."""

    label: str
    own: Decimal | None
    unit: Decimal | None
    category: Decimal | None


def unit_trend_against_category(quarters, unit) -> list[Line]:
    """The unit's rate and its category's average rate in each finished quarter."""
    data = scores.rows_for(quarters, category=unit.category_id)
    lines = []
    for quarter in quarters:
        rows = data[quarter.pk][1]
        own = next((r.rate for r in rows if r.unit_id == unit.pk), None)
        lines.append(Line(quarter.get_kind_display(), own, None, mean(r.rate for r in rows)))
    return lines


def unit_standards_against_category(period, unit) -> list[Line]:
    rows = scores.period_ranking(period, category=unit.category_id)
    mine = next((r for r in rows if r.unit_id == unit.pk), None)
    return [
        Line(
            str(label),
            standard_percent(mine, code) if mine else None,
            None,
            mean(standard_percent(r, code) for r in rows),
        )
        for code, label in Standard.choices
    ]


def branch_trend_against_unit_and_category(quarters, branch) -> list[Line]:
    """A branch's rate, its unit's branches' average and its category's branches' average
    in each finished quarter."""
    data = scores.rows_for(quarters, branches=True, category=branch.unit.category_id)
    lines = []
    for quarter in quarters:
        rows = data[quarter.pk][1]
        lines.append(
            Line(
                quarter.get_kind_display(),
                next((r.rate for r in rows if r.branch_id == branch.pk), None),
                mean(r.rate for r in rows if r.unit_id == branch.unit_id),
                mean(r.rate for r in rows),
            )
        )
    return lines


def branch_standards_against_unit_and_category(period, branch) -> list[Line]:
    rows = scores.rows_for([period], branches=True, category=branch.unit.category_id)
    rows = rows[period.pk][1]
    mine = next((r for r in rows if r.branch_id == branch.pk), None)
    same_unit = [r for r in rows if r.unit_id == branch.unit_id]
    return [
        Line(
            str(label),
            standard_percent(mine, code) if mine else None,
            mean(standard_percent(r, code) for r in same_unit),
            mean(standard_percent(r, code) for r in rows),
        )
        for code, label in Standard.choices
    ]


@dataclass(frozen=True)
class Due:
    """A unit's open work: items of the open period, returns, unit checks, rectification
    notices and citizen follow-up cases, each with what is already late."""

    period: Period | None
    days_left: int | None
    missing: int
    returned: int
    late_items: int
    awaiting_check: int
    rectification_open: int
    rectification_overdue: int
    cases_open: int
    cases_overdue: int

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def items_late(self) -> int:
        """Items still missing after the deadline, plus those handed in late."""
        overdue = self.missing if self.days_left is not None and self.days_left < 0 else 0
        return overdue + self.late_items

    @property
    def anything_late(self) -> bool:
        return bool(self.items_late or self.rectification_overdue or self.cases_overdue)


def due_for_unit_admin(user, period, branches) -> Due:
    """branches: the user's branches; user: the unit administrator, whose scope narrows
    the rectification notices and follow-up cases."""
    missing = returned = late = 0
    if period is not None:
        for branch in branch_progress(period, branches):
            missing += branch.n_expected - branch.n_done
            returned += branch.n_returned
            late += branch.n_late
    problems = rectification_selectors.rate(rectification_selectors.problems_visible_to(user))
    cases = case_stats(user)
    return Due(
        period=period,
        days_left=(period.deadline - timezone.localdate()).days if period else None,
        missing=missing,
        returned=returned,
        late_items=late,
        awaiting_check=review_selectors.awaiting_count(user, period),
        rectification_open=problems.open,
        rectification_overdue=problems.overdue,
        cases_open=cases.open,
        cases_overdue=cases.overdue,
    )


@dataclass(frozen=True)
class PartyDesk:
    """A 党组书记's or 党组成员's page: the open work of their scope (Due), what awaits their
    signature (签字确认) and their own 述职 still to write."""

    due: Due
    confirmations: list
    duty_reports: list


def party_desk(user, period, branches) -> PartyDesk:
    return PartyDesk(
        due=due_for_unit_admin(user, period, branches),
        confirmations=duty_selectors.confirmations_due(user),
        duty_reports=[
            r
            for r in duty_selectors.duty_reports_visible_to(user).filter(
                status__in=duty_selectors.EDITABLE
            )
            if duty_selectors.is_author(user, r)
        ],
    )
