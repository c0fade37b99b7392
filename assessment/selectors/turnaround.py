"""后进转化: who may see and act on a follow-up, and how each followed subject fared since.

A branch is lagging in a period when its tier is 后进; a unit when it is graded 较差 or
vetoed. A follow-up's *following quarters* are the finished quarters after its period in
calendar order; the outcome (``assessment.rules.turnaround_outcome``) says whether the
subject left the lagging group within the first two. The conversion rate is converted ÷
decided (converted + still lagging after two quarters); pending follow-ups are counted apart.

Every function runs a fixed number of queries whatever the number of follow-ups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from units.selectors import scope_of

from ..models import Grade, Period, Tier, Turnaround
from ..rules import CONVERTED, PENDING, STILL_LAGGING, TURNAROUND_WINDOW, rate, turnaround_outcome
from .score_rows import ScoreRow, rows_for

# --- who ---------------------------------------------------------------------------------


def turnarounds_visible_to(user) -> QuerySet:
    """Committee staff and leaders see every follow-up; a unit administrator the own unit's
    (a token limited to a unit: that unit's)."""
    scope = scope_of(user)
    rows = Turnaround.objects.select_related("unit", "branch", "period", "period__plan")
    if scope.sees_everything:
        return rows
    return rows.filter(unit_id__in=scope.unit_ids)


def may_view(user) -> bool:
    scope = scope_of(user)
    return scope.sees_everything or scope.is_unit_admin


def may_open(user) -> bool:
    """Committee staff open follow-ups (never a narrowed or read-only token)."""
    return scope_of(user).acts_as_committee


def may_record_progress(user, turnaround) -> bool:
    """The unit's administrator (or committee staff) reports progress on the unit's own
    follow-ups; read-only tokens never."""
    return scope_of(user).handles_unit(turnaround.unit_id)


def may_close(user, turnaround) -> bool:
    return scope_of(user).acts_as_committee


# --- lagging in a period -----------------------------------------------------------------


def is_lagging(row: ScoreRow | None) -> bool | None:
    """None when the subject has no score; a branch by its tier, a unit by grade or veto."""
    if row is None:
        return None
    if row.branch_id is not None:
        return row.tier == Tier.LAGGING
    return row.grade == Grade.POOR or row.vetoed


def lagging_reason(period, unit, branch=None) -> str | None:
    """Why the platform counts this branch or unit as lagging in the period (a
    ``Turnaround.Reason``), or None when it does not. Two queries at most."""
    data = rows_for(
        [period],
        branches=branch is not None,
        unit_ids=[unit.pk],
        branch_ids=None if branch is None else [branch.pk],
    )
    rows = data[period.pk][1]
    row = rows[0] if rows else None
    if not is_lagging(row):
        return None
    if branch is not None:
        return Turnaround.Reason.LAGGING
    return Turnaround.Reason.VETOED if row.vetoed else Turnaround.Reason.POOR


def _key(period) -> tuple:
    return (period.plan.year, Period.CALENDAR.index(period.kind))


def finished_quarters() -> list:
    """Closed or published quarters in calendar order, one query."""
    return sorted(
        Period.objects.quarters().finished().select_related("plan"),
        key=_key,
    )


def following_quarters(period, quarters) -> list:
    key = _key(period)
    return [q for q in quarters if _key(q) > key]


# --- how each followed subject fared -------------------------------------------------------


@dataclass
class Step:
    period: Period
    row: ScoreRow | None
    lagging: bool | None

    @property
    def label(self) -> str:
        if self.row is None:
            return ""
        if self.row.branch_id is not None:
            return self.row.tier_label
        return self.row.grade_label


@dataclass
class Tracked:
    turnaround: Turnaround
    source: ScoreRow | None
    steps: list = field(default_factory=list)
    outcome: str = PENDING

    @property
    def still_lagging(self) -> bool:
        """Lagging in the latest scored quarter (or in its own period, before any)."""
        for step in reversed(self.steps):
            if step.lagging is not None:
                return step.lagging
        return True

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])

    @property
    def is_branch(self) -> bool:
        return self.turnaround.branch_id is not None


OUTCOME_LABELS = {CONVERTED: _("已转化"), STILL_LAGGING: _("两期内未转化"), PENDING: _("待观察")}


def track(turnarounds) -> list[Tracked]:
    """Each follow-up with its subject's state in its own period and every following finished
    quarter, and its outcome. Five queries whatever their number."""
    turnarounds = list(turnarounds)
    if not turnarounds:
        return []
    quarters = finished_quarters()
    periods = {q.pk: q for q in quarters}
    for t in turnarounds:
        periods.setdefault(t.period_id, t.period)
    branch_ids = {t.branch_id for t in turnarounds if t.branch_id}
    unit_ids = {t.unit_id for t in turnarounds if not t.branch_id}
    branch_rows = (
        rows_for(periods.values(), branches=True, branch_ids=branch_ids) if branch_ids else {}
    )
    unit_rows = rows_for(periods.values(), unit_ids=unit_ids) if unit_ids else {}
    by_subject = {}
    for data, attr in ((branch_rows, "branch_id"), (unit_rows, "unit_id")):
        for period_id, (_source, rows) in data.items():
            for row in rows:
                by_subject[(attr, getattr(row, attr), period_id)] = row
    out = []
    for t in turnarounds:
        attr, subject = ("branch_id", t.branch_id) if t.branch_id else ("unit_id", t.unit_id)
        steps = []
        for quarter in following_quarters(t.period, quarters):
            row = by_subject.get((attr, subject, quarter.pk))
            steps.append(Step(quarter, row, is_lagging(row)))
        out.append(
            Tracked(
                t,
                by_subject.get((attr, subject, t.period_id)),
                steps,
                turnaround_outcome([s.lagging for s in steps]),
            )
        )
    return out


@dataclass(frozen=True)
class Conversion:
    """后进转化率 of one kind of subject: converted ÷ decided, in per cent (None: none decided)."""

    total: int
    converted: int
    still_lagging: int
    pending: int

    @property
    def decided(self) -> int:
        return self.converted + self.still_lagging

    @property
    def rate(self) -> Decimal | None:
        return rate(self.converted, self.decided, empty=None)


def conversion(tracked: list[Tracked]) -> Conversion:
    outcomes = [t.outcome for t in tracked]
    return Conversion(
        total=len(outcomes),
        converted=outcomes.count(CONVERTED),
        still_lagging=outcomes.count(STILL_LAGGING),
        pending=outcomes.count(PENDING),
    )


@dataclass(frozen=True)
class Overview:
    branches: Conversion
    units: Conversion
    tracked: list
    still_lagging: list  # Tracked whose subject is lagging in its latest scored quarter
    window: int = TURNAROUND_WINDOW


def overview(user) -> Overview:
    """The 后进转化 page: conversion of branches and of units, every visible follow-up with its
    track, and those still lagging. Six queries."""
    tracked = track(turnarounds_visible_to(user).order_by("-period__plan__year", "-talk_on", "pk"))
    return Overview(
        branches=conversion([t for t in tracked if t.is_branch]),
        units=conversion([t for t in tracked if not t.is_branch]),
        tracked=tracked,
        still_lagging=[t for t in tracked if t.still_lagging],
    )


def untracked_lagging(period, *, unit_ids=None) -> tuple[list, list]:
    """(branch rows, unit rows) lagging in the period and not followed up — neither from this
    period nor by a follow-up still running: what the committee may still open. Three
    queries."""
    followed = set(
        Turnaround.objects.filter(
            Q(period=period) | ~Q(status=Turnaround.Status.CLOSED)
        ).values_list("unit_id", "branch_id")
    )
    followed_branches = {b for _u, b in followed if b}
    followed_units = {u for u, b in followed if not b}
    branches = rows_for([period], branches=True, unit_ids=unit_ids)[period.pk][1]
    units = rows_for([period], unit_ids=unit_ids)[period.pk][1]
    return (
        [r for r in branches if is_lagging(r) and r.branch_id not in followed_branches],
        [r for r in units if is_lagging(r) and r.unit_id not in followed_units],
    )
