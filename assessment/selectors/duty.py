"""四级协同 and 述职评议: who sees and may do what with a 党组书记's sign-off and a duty
report, the year's figures a 述职 draft is made of, and the grades others read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import takewhile

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from feedback.selectors import satisfaction
from units.models import Unit
from units.numbers import TENTH, rounded
from units.selectors import scope_of

from ..models import DutyReport, Grade, PartyConfirmation, Period, Problem, Submission
from ..rules import period_dates
from . import rectification as rectification_selectors
from .score_rows import rows_for, scored_periods

HIGHLIGHT_LIMIT = 5
OPEN_PROBLEM_LIMIT = 10
EDITABLE = (DutyReport.Status.DRAFT, DutyReport.Status.RETURNED)

# --- 签字确认 -------------------------------------------------------------------------------


def needs_party_confirmation(period) -> bool:
    """Whether the unit's 党组书记 must sign before the committee reviews this period."""
    return period.plan.require_party_confirmation and period.kind in PartyConfirmation.KINDS


def confirmed_q() -> Q:
    """Submissions free of the 签字确认 step: not asked for, or the unit has signed."""
    signed = PartyConfirmation.objects.filter(
        period_id=OuterRef("period_id"),
        unit_id=OuterRef("unit_id"),
        status=PartyConfirmation.Status.CONFIRMED,
    )
    return (
        Q(period__plan__require_party_confirmation=False)
        | ~Q(period__kind__in=PartyConfirmation.KINDS)
        | Q(Exists(signed))
    )


def is_confirmed(period, unit_id) -> bool:
    return PartyConfirmation.objects.filter(
        period=period, unit_id=unit_id, status=PartyConfirmation.Status.CONFIRMED
    ).exists()


def may_confirm(user, unit_id) -> bool:
    """Only the unit's own 党组书记 signs, never through a read-only token."""
    scope = scope_of(user)
    return not scope.read_only and unit_id in scope.party_unit_ids


@dataclass(frozen=True)
class ConfirmationRow:
    period: Period
    unit: Unit
    status: str
    status_label: str
    confirmed_by: str
    confirmed_at: object
    awaiting: int  # submitted (and, if required, unit-checked) items waiting for the signature
    unchecked: int  # submitted items still waiting for the unit administrator's check
    open_items: int  # drafts and returned items
    confirmation_pk: int | None

    @property
    def confirmed(self) -> bool:
        return self.status == PartyConfirmation.Status.CONFIRMED


def confirmation_periods() -> QuerySet:
    """Half-year and annual periods whose plan asks for the signature, open or closed."""
    return (
        Period.objects.filter(
            plan__require_party_confirmation=True,
            kind__in=PartyConfirmation.KINDS,
            status__in=[Period.Status.OPEN, Period.Status.CLOSED],
        )
        .select_related("plan")
        .order_by("-plan__year", "-opens_on")
    )


def confirmation_rows(period, units) -> list[ConfirmationRow]:
    """Each unit's sign-off state for the period with its item counts (three queries)."""
    units = list(units)
    ids = [u.pk for u in units]
    found = {
        c.unit_id: c
        for c in PartyConfirmation.objects.filter(period=period, unit_id__in=ids).select_related(
            "confirmed_by"
        )
    }
    counts = {
        row["unit_id"]: row
        for row in Submission.objects.filter(period=period, unit_id__in=ids)
        .values("unit_id")
        .annotate(
            submitted=Count("pk", filter=Q(status=Submission.Status.SUBMITTED)),
            checked=Count("pk", filter=Q(status=Submission.Status.UNIT_CHECKED)),
            open_items=Count(
                "pk", filter=Q(status__in=[Submission.Status.DRAFT, Submission.Status.RETURNED])
            ),
        )
        .order_by()
    }
    unit_check = period.plan.require_unit_check
    rows = []
    for unit in units:
        c = found.get(unit.pk)
        n = counts.get(unit.pk, {})
        status = c.status if c else PartyConfirmation.Status.PENDING
        rows.append(
            ConfirmationRow(
                period=period,
                unit=unit,
                status=status,
                status_label=str(PartyConfirmation.Status(status).label),
                confirmed_by=c.confirmed_by.display_name if c and c.confirmed_by else "",
                confirmed_at=c.confirmed_at if c else None,
                awaiting=n.get("checked", 0) + (0 if unit_check else n.get("submitted", 0)),
                unchecked=n.get("submitted", 0) if unit_check else 0,
                open_items=n.get("open_items", 0),
                confirmation_pk=c.pk if c else None,
            )
        )
    return rows


def confirmations_due(user) -> list[ConfirmationRow]:
    """What awaits this 党组书记's signature: their units in every period asking for it."""
    scope = scope_of(user)
    if not scope.party_unit_ids:
        return []
    units = Unit.objects.filter(pk__in=scope.party_unit_ids).order_by("name")
    rows = []
    for period in confirmation_periods():
        rows += [r for r in confirmation_rows(period, units) if not r.confirmed]
    return rows


# --- 述职评议 -------------------------------------------------------------------------------


def duty_reports_visible_to(user) -> QuerySet:
    """Committee and leaders: all. A 党组书记 or unit administrator: the unit's reports; a
    党组成员: the reports of the branches they answer for; a secretary: the own branch's."""
    scope = scope_of(user)
    reports = DutyReport.objects.select_related("unit", "branch", "graded_by", "submitted_by")
    if scope.sees_everything:
        return reports
    if scope.only_unit_id is not None and (scope.committee or scope.leader):
        return reports.filter(unit_id=scope.only_unit_id)
    return reports.filter(
        Q(unit_id__in=scope.unit_ids | scope.party_unit_ids)
        | Q(branch_id__in=scope.branch_ids | scope.member_branch_ids)
    )


def is_author(user, report) -> bool:
    """The person who reports: the unit's 党组书记, or the branch's secretary."""
    scope = scope_of(user)
    if scope.read_only:
        return False
    if report.author_kind == DutyReport.Author.PARTY_SECRETARY:
        return report.unit_id in scope.party_unit_ids
    return report.branch_id in scope.branch_ids


def may_edit(user, report) -> bool:
    return report.status in EDITABLE and is_author(user, report)


def may_grade(user, report=None) -> bool:
    """Committee staff grade (and return) submitted reports."""
    allowed = scope_of(user).acts_as_committee
    return allowed and (report is None or report.status == DutyReport.Status.SUBMITTED)


def duty_grades(year, unit_ids=None) -> dict:
    """{unit id: grade code} of the units' 党组书记 述职 graded for the year (one query).
    Read by the annual exam's measured item and the 干部考核参考 export."""
    reports = DutyReport.objects.filter(
        year=year,
        author_kind=DutyReport.Author.PARTY_SECRETARY,
        status=DutyReport.Status.GRADED,
    )
    if unit_ids is not None:
        reports = reports.filter(unit_id__in=list(unit_ids))
    return dict(reports.values_list("unit_id", "grade"))


def branch_duty_grades(year, branch_ids) -> dict:
    """{branch id: grade code} of the branch secretaries' graded 述职 for the year."""
    return dict(
        DutyReport.objects.filter(
            year=year,
            author_kind=DutyReport.Author.BRANCH_SECRETARY,
            status=DutyReport.Status.GRADED,
            branch_id__in=list(branch_ids),
        ).values_list("branch_id", "grade")
    )


def grade_list(user, *, year=None, author_kind="", grade="", status="") -> QuerySet:
    reports = duty_reports_visible_to(user)
    if year:
        reports = reports.filter(year=year)
    if author_kind:
        reports = reports.filter(author_kind=author_kind)
    if grade:
        reports = reports.filter(grade=grade)
    if status:
        reports = reports.filter(status=status)
    return reports.order_by("-year", "unit__category__sort_order", "unit__name", "branch__name")


def grade_counts(reports: QuerySet) -> dict:
    """{grade code: n} of the graded reports in the list, one query."""
    return dict(
        reports.filter(status=DutyReport.Status.GRADED)
        .values("grade")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("grade", "n")
    )


def report_years() -> list[int]:
    return list(DutyReport.objects.values_list("year", flat=True).distinct().order_by("-year"))


# --- the year's figures a 述职 draft is made of ---------------------------------------------


def _text(value) -> str | None:
    return None if value is None else str(value)


def scored_period_of(year) -> Period | None:
    """The year's annual exam if scored, else the year's latest scored period."""
    periods = list(scored_periods().filter(plan__year=year))
    annual = next((p for p in periods if p.kind == Period.Kind.ANNUAL), None)
    return annual or (periods[0] if periods else None)


def _score_figures(period, unit, branch) -> dict:
    if period is None:
        return {}
    if branch is None:
        rows = rows_for([period])[period.pk][1]
        mine = next((r for r in rows if r.unit_id == unit.pk), None)
        peers = [r for r in rows if mine and r.category_id == mine.category_id]
    else:
        rows = rows_for([period], branches=True, unit_ids=[unit.pk])[period.pk][1]
        mine = next((r for r in rows if r.branch_id == branch.pk), None)
        peers = rows
    if mine is None:
        return {"period": str(period)}
    return {
        "period": str(period),
        "total": _text(mine.total),
        "max_points": _text(mine.max_points),
        "grade": str(Grade(mine.grade).label) if mine.grade in Grade.values else "",
        # A unit among all units and within its category; a branch among its unit's branches.
        "rank": mine.rank if branch is None else mine.unit_rank,
        "of": len(rows),
        "category_rank": mine.category_rank if branch is None else None,
        "category_of": len(peers) if branch is None else None,
        "standards": [[p.label, _text(p.percent)] for p in mine.standards],
    }


def _rectification_figures(year, unit, branch) -> tuple[dict, list]:
    """The year's problems on the ledger (found that year): the Changchun-style figures and
    those still open."""
    problems = Problem.objects.filter(unit=unit)
    if branch is not None:
        problems = problems.filter(branch=branch)
    figures = rectification_selectors.year_figures(problems, year)
    still_open = [
        [p.description[:200], p.deadline.isoformat(), str(p.get_status_display())]
        for p in problems.filter(found_on__year=year)
        .exclude(status__in=[Problem.Status.VERIFIED, Problem.Status.WITHDRAWN])
        .order_by("deadline", "pk")[:OPEN_PROBLEM_LIMIT]
    ]
    return (
        {
            "issued": figures.found,
            "measures": figures.measures,
            "verified": figures.verified,
            "overdue": figures.overdue,
            "rate": _text(figures.rate),
        },
        still_open,
    )


def _satisfaction_figures(year, unit) -> dict:
    figure = satisfaction(*period_dates(year, Period.Kind.ANNUAL), [unit.pk]).get(unit.pk)
    if figure is None:
        return {"sample": 0, "value": None, "satisfied_share": None}
    return {
        "sample": figure.sample,
        "value": _text(figure.value),
        "satisfied_share": _text(figure.satisfied_share),
    }


def _share(submission):
    return submission.reviewer_score / submission.indicator.max_score


def _spread(ranked: list) -> list:
    """The best HIGHLIGHT_LIMIT of submissions ranked best first; among equal shares, one
    from a period (then a branch, then an item) not yet picked comes first, so full marks
    everywhere do not fill the list with the year's first quarter or one branch."""
    picked, periods, branches, items = [], Counter(), Counter(), Counter()
    pool = list(ranked)
    while pool and len(picked) < HIGHLIGHT_LIMIT:
        best = _share(pool[0])
        ties = list(takewhile(lambda s, best=best: _share(s) == best, pool))
        # min() keeps the first of equals: the earlier period, then the older submission.
        choice = min(
            ties,
            key=lambda s: (periods[s.period_id], branches[s.branch_id], items[s.indicator_id]),
        )
        pool.remove(choice)
        picked.append(choice)
        periods[choice.period_id] += 1
        branches[choice.branch_id] += 1
        items[choice.indicator_id] += 1
    return picked


def _highlights(year, unit, branch) -> list:
    """Accepted evidence of the year that scored best (share of the item's full marks)."""
    accepted = Submission.objects.filter(
        period__plan__year=year,
        unit=unit,
        status=Submission.Status.ACCEPTED,
        reviewer_score__isnull=False,
        indicator__max_score__gt=0,
        indicator__measure="",
    ).select_related("indicator", "branch", "period__plan")
    accepted = accepted.filter(branch=branch) if branch is not None else accepted
    rows = _spread(
        sorted(
            accepted.annotate(files=Count("evidence")),
            key=lambda s: (-_share(s), s.period.opens_on, s.pk),
        )
    )
    return [
        {
            "item": s.indicator.name,
            "branch": s.branch.name if s.branch else "",
            # Who earned it, printed in the line: a unit's branches often tie on one item.
            "who": s.branch.name if s.branch else unit.name,
            "period": str(s.period),
            "percent": _text(rounded(s.reviewer_score * 100 / s.indicator.max_score, TENTH)),
            "files": s.files,
            "narrative": s.narrative[:160],
        }
        for s in rows
    ]


def drafted_at(figures) -> datetime | None:
    """When the figures were taken, as an aware datetime for the page to show in local time.
    They are stored as UTC ISO text (timezone.now()), which a template would print raw."""
    value = parse_datetime((figures or {}).get("drafted_at") or "")
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def year_figures(year, unit, branch=None) -> dict:
    """What the platform holds for a 述职 of the year, as JSON-ready values."""
    period = scored_period_of(year)
    rectification, still_open = _rectification_figures(year, unit, branch)
    return {
        "year": year,
        "drafted_at": timezone.now().isoformat(timespec="seconds"),
        "score": _score_figures(period, unit, branch),
        "rectification": rectification,
        "satisfaction": _satisfaction_figures(year, unit),
        "highlights": _highlights(year, unit, branch),
        "open_problems": still_open,
    }
