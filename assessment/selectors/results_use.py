"""结果运用: a published annual result put to the three uses the source documents name —
评先评优 (awards), 绩效奖励 (performance rewards) and 干部考核参考 (cadre appraisal).

Only a published annual period is used, read from its latest published revision (the
figures cannot change under an export). Committee staff and leaders read these lists.

Two reads are single functions over other parts of the platform:

- ``duty_grades(year, unit_ids)``: the 述职 grade of each unit's party secretary;
- ``open_problem_counts(unit_ids)``: each unit's problems not yet verified (销号).

Every function runs a fixed number of queries whatever the number of units.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from units.selectors import scope_of

from ..models import AnnualPlan, DutyReport, Grade, Period, Problem
from .awards import AwardRow, RedFlag, award_rows, red_flag_candidates
from .duty import duty_grades as graded_duty
from .rectification import overdue_q
from .score_rows import ScoreRow, Source, rows_for

GRADE_ORDER = [Grade.EXCELLENT, Grade.GOOD, Grade.FAIR, Grade.POOR]


def may_view(user) -> bool:
    """Committee staff and leaders (every unit); never a token limited to one unit."""
    return scope_of(user).sees_everything


def duty_grades(year: int, unit_ids) -> dict:
    """{unit id: 述职 grade label} of the year's graded 述职 of each unit's 党组书记; a unit
    without one is absent, and pages and exports show "—"."""
    labels = dict(DutyReport.Grade.choices)
    return {unit: labels[grade] for unit, grade in graded_duty(year, unit_ids).items()}


@dataclass(frozen=True)
class OpenProblems:
    open: int
    overdue: int


def open_problem_counts(unit_ids, today=None) -> dict:
    """{unit id: OpenProblems}: rectification problems not yet verified, and how many of them
    are past their deadline, today. One query."""
    rows = (
        Problem.objects.filter(unit_id__in=list(unit_ids))
        .exclude(status__in=[Problem.Status.VERIFIED, Problem.Status.WITHDRAWN])
        .values("unit_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue_q(today)))
        .order_by()
    )
    return {r["unit_id"]: OpenProblems(r["open"], r["overdue"]) for r in rows}


def published_years() -> list:
    """[(year, annual period)] whose annual result is published, newest first. One query."""
    periods = Period.objects.filter(
        kind=Period.Kind.ANNUAL, status=Period.Status.PUBLISHED
    ).select_related("plan")
    return sorted(((p.plan.year, p) for p in periods), key=lambda x: -x[0])


@dataclass
class Published:
    """A year's published annual result: the period, the revision read and its units."""

    plan: AnnualPlan
    period: Period
    source: Source
    rows: list  # ScoreRow of units, by rank
    produced_at: object

    @property
    def revision(self) -> int:
        return self.source.revision

    @property
    def published_at(self):
        return self.source.at


def published_result(year: int) -> Published | None:
    """The year's annual period when it is published, with its latest revision's unit rows;
    None before publication. Three queries."""
    period = (
        Period.objects.filter(
            plan__year=year, kind=Period.Kind.ANNUAL, status=Period.Status.PUBLISHED
        )
        .select_related("plan")
        .first()
    )
    if period is None:
        return None
    source, rows = rows_for([period])[period.pk]
    if not source.published:  # published status but no snapshot: nothing frozen to use
        return None
    return Published(period.plan, period, source, rows, timezone.localtime())


# --- the three uses -------------------------------------------------------------------------


@dataclass
class Awards:
    result: Published
    rows: list  # AwardRow, by rank
    red_flags: list  # RedFlag: 红旗党支部 candidates of the year

    @property
    def candidates(self) -> list[AwardRow]:
        return [r for r in self.rows if r.candidate]

    @property
    def excluded(self) -> list[AwardRow]:
        return [r for r in self.rows if not r.candidate]


def awards(result: Published) -> Awards:
    """评先评优: the candidate units with grade, rank and veto, the excluded ones with their
    reasons, and the year's 红旗党支部 candidates."""
    flags: list[RedFlag] = red_flag_candidates(result.plan)
    return Awards(result, award_rows(result.plan, result.rows), flags)


@dataclass
class GradeGroup:
    grade: str
    label: str
    rows: list  # ScoreRow by rank


def rewards(result: Published) -> list[GradeGroup]:
    """绩效奖励: units grouped by grade (优秀, 良好, 一般, 较差, then ungraded), each by rank."""
    groups = {g.value: GradeGroup(g.value, str(g.label), []) for g in GRADE_ORDER}
    ungraded = GradeGroup("", "", [])
    for row in result.rows:
        groups.get(row.grade, ungraded).rows.append(row)
    out = list(groups.values())
    if ungraded.rows:
        out.append(ungraded)
    return out


@dataclass
class CadreRow:
    row: ScoreRow
    duty_grade: str | None
    problems: OpenProblems


def cadre_reference(result: Published, today=None) -> list[CadreRow]:
    """干部考核参考: per unit, grade, rank, the 述职 grade where it exists and the open
    problems today. Two queries."""
    unit_ids = [r.unit_id for r in result.rows]
    duty = duty_grades(result.plan.year, unit_ids)
    problems = open_problem_counts(unit_ids, today)
    none = OpenProblems(0, 0)
    return [CadreRow(r, duty.get(r.unit_id), problems.get(r.unit_id, none)) for r in result.rows]


__all__ = [
    "Awards",
    "CadreRow",
    "GradeGroup",
    "OpenProblems",
    "Published",
    "awards",
    "cadre_reference",
    "duty_grades",
    "open_problem_counts",
    "published_result",
    "published_years",
    "rewards",
]
