"""The problem ledger, notices and the negative list, as each user may see them, and the
ledger's figures (整改问题、整改措施、整改率), set-based at a constant number of queries."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.workdays import calendar_years
from units.models import Unit
from units.selectors import Scope, scope_of, units_visible_to

from ..models import (
    ANSWERABLE_PROBLEM_STATES,
    Measure,
    NegativeListEntry,
    Problem,
    Rectification,
    Standard,
)
from ..rules import rate as percentage
from .inspection import assignments_of

P = Problem.Status


def _scope(actor) -> Scope:
    return actor if isinstance(actor, Scope) else scope_of(actor)


def rectifications_visible_to(user) -> QuerySet:
    """Committee and leaders see all; a unit administrator the unit's notices; a secretary
    the notices addressed to the own branch; a 党组书记 (reading) the unit's, a 党组成员 those
    of the branches they answer for."""
    scope = _scope(user)
    notices = Rectification.objects.select_related("unit", "branch", "plan")
    if scope.sees_everything:
        return notices
    return notices.filter(
        Q(unit_id__in=scope.unit_ids | scope.party_unit_ids)
        | Q(branch_id__in=scope.branch_ids | scope.member_branch_ids)
    )


def problems_visible_to(user) -> QuerySet:
    """The ledger as the user may read it: everything for committee and leaders, a unit's
    own problems for its administrator and 党组书记, a branch's for its secretary and for the
    党组成员 answering for it."""
    scope = _scope(user)
    problems = Problem.objects.all()
    if scope.sees_everything:
        return problems
    return problems.filter(
        Q(unit_id__in=scope.unit_ids | scope.party_unit_ids)
        | Q(branch_id__in=scope.branch_ids | scope.member_branch_ids)
    )


# --- who may do what (every ledger service asks here) ------------------------------------


def may_raise_problem(user, unit_id, source) -> bool:
    """The committee raises any problem; a unit records what it found itself (自查); a
    联检评审员 records on-site findings (实地检查发现) for the units of their open assignments."""
    scope = _scope(user)
    if scope.acts_as_committee:
        return True
    if source == Problem.Source.ON_SITE and not scope.read_only:
        return assignments_of(user).filter(submission__unit_id=unit_id).exists()
    return source == Problem.Source.SELF_FOUND and scope.handles_unit(unit_id)


def answer_owed(problem) -> bool:
    """The unit owes an answer on the ledger; a citizen case is answered on the case itself."""
    return problem.case_id is None and problem.status in ANSWERABLE_PROBLEM_STATES


def may_answer_problem(user, problem) -> bool:
    """Only the problem's own unit answers, and only while an answer is owed."""
    return (
        answer_owed(problem)
        and problem.unit_id in _scope(user).unit_ids
        and _scope(user).handles_unit(problem.unit_id)
    )


def may_decide_problem(user, problem) -> bool:
    """Verify, send back or reopen: the committee, never through a narrowed token."""
    return problem.case_id is None and _scope(user).acts_as_committee


def may_add_measure(user, unit_id) -> bool:
    return _scope(user).handles_unit(unit_id)


# --- figures -------------------------------------------------------------------------------


def overdue_q(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(deadline__lt=today) & ~Q(status__in=[P.VERIFIED, P.WITHDRAWN])


def _due_q(until) -> Q:
    """Due: the deadline has come by `until`, or it is verified already (a problem closed
    early counts as done, not as not-yet-due)."""
    return Q(deadline__lte=until) | Q(status=P.VERIFIED)


def _counts(until, today):
    return {
        "found": Count("pk"),
        "answered": Count("pk", filter=Q(status=P.ANSWERED)),
        "sent_back": Count("pk", filter=Q(status=P.SENT_BACK)),
        "verified": Count("pk", filter=Q(status=P.VERIFIED)),
        "due": Count("pk", filter=_due_q(until)),
        "overdue": Count("pk", filter=overdue_q(today)),
        "reopened": Count("pk", filter=Q(status=P.REOPENED)),
    }


@dataclass
class LedgerFigures:
    found: int = 0
    measures: int = 0
    answered: int = 0
    sent_back: int = 0
    verified: int = 0
    due: int = 0
    overdue: int = 0
    reopened: int = 0
    label: str = ""
    key: object = None

    @property
    def rate(self) -> Decimal | None:
        """整改率: verified ÷ due, None while nothing is due."""
        return percentage(self.verified, self.due, empty=None)

    @property
    def open(self) -> int:
        return self.found - self.verified

    # The names the dashboards and older reports use.
    @property
    def issued(self) -> int:
        return self.found

    @property
    def line(self) -> str:
        """The Changchun line: 整改问题 N 个，整改措施 M 条，整改率 X%."""
        return _("整改问题 %(found)s 个，整改措施 %(measures)s 条，整改率 %(rate)s") % {
            "found": self.found,
            "measures": self.measures,
            "rate": "—" if self.rate is None else f"{self.rate}%",
        }


@dataclass
class LedgerReport:
    """Every figure of the ledger for a set of problems and a date range."""

    total: LedgerFigures
    by_source: list = field(default_factory=list)
    by_standard: list = field(default_factory=list)
    by_unit: list = field(default_factory=list)
    by_group: list = field(default_factory=list)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def in_range(problems: QuerySet, date_from=None, date_to=None) -> QuerySet:
    """Problems found in the range (either end open)."""
    if date_from:
        problems = problems.filter(found_on__gte=date_from)
    if date_to:
        problems = problems.filter(found_on__lte=date_to)
    return problems.exclude(status=P.WITHDRAWN)


def _figures(row, label="", key=None, measures=0) -> LedgerFigures:
    return LedgerFigures(
        found=row["found"],
        measures=measures,
        answered=row["answered"],
        sent_back=row["sent_back"],
        verified=row["verified"],
        due=row["due"],
        overdue=row["overdue"],
        reopened=row["reopened"],
        label=label,
        key=key,
    )


# Problem keys a measure's own fields answer (a measure serves problems of one unit).
_MEASURE_OWN = {"unit_id": "unit_id"}


def _measure_counts(problems: QuerySet, key: str | None) -> dict:
    """Measures serving the problems, grouped by the problems' `key` (a measure serving
    problems of two sources or standards counts in each)."""
    serving = Measure.objects.filter(Exists(problems.filter(measures=OuterRef("pk"))))
    if key is None:
        return {None: serving.count()}
    if key in _MEASURE_OWN:
        rows = serving.values(k=F(_MEASURE_OWN[key])).annotate(n=Count("pk")).order_by()
    else:
        # The link table alone: measure ids need no join with the measures themselves.
        rows = (
            Measure.problems.through.objects.filter(problem__in=problems)
            .values(k=F(f"problem__{key}"))
            .annotate(n=Count("measure_id", distinct=True))
            .order_by()
        )
    return {row["k"]: row["n"] for row in rows}


def figures(problems: QuerySet, date_from=None, date_to=None, today=None) -> LedgerFigures:
    """The totals of a set of problems found in the range: two queries."""
    today = today or timezone.localdate()
    until = min(today, date_to) if date_to else today
    problems = in_range(problems, date_from, date_to)
    row = problems.aggregate(**_counts(until, today))
    return _figures(row, measures=_measure_counts(problems, None)[None])


def figures_by_unit(problems: QuerySet, date_from=None, date_to=None, today=None) -> dict:
    """unit id -> LedgerFigures of the problems found in the range: two queries."""
    today = today or timezone.localdate()
    until = min(today, date_to) if date_to else today
    problems = in_range(problems, date_from, date_to)
    measures = _measure_counts(problems, "unit_id")
    rows = problems.values("unit_id").annotate(**_counts(until, today)).order_by()
    return {
        r["unit_id"]: _figures(r, key=r["unit_id"], measures=measures.get(r["unit_id"], 0))
        for r in rows
    }


COUNTED = ("found", "answered", "sent_back", "verified", "due", "overdue", "reopened")


def _add(figures: LedgerFigures, row: dict) -> None:
    for name in COUNTED:
        setattr(figures, name, getattr(figures, name) + row[name])


def ledger_report(problems: QuerySet, date_from=None, date_to=None, today=None) -> LedgerReport:
    """Totals and figures by unit, by coordination group, by source and by standard (六实,
    through the related indicators). Problems are counted once,
    grouped by unit and source in the database, and those few hundred rows added up here;
    measures by unit, by source, by standard, and problems by standard are one query each:
    six queries whatever the number of problems."""
    today = today or timezone.localdate()
    until = min(today, date_to) if date_to else today
    problems = in_range(problems, date_from, date_to)
    rows = list(problems.values("unit_id", "source").annotate(**_counts(until, today)).order_by())
    units = {
        pk: (name, group_id, group_name)
        for pk, name, group_id, group_name in Unit.objects.filter(
            pk__in={r["unit_id"] for r in rows}
        ).values_list("pk", "name", "group_id", "group__name")
    }
    unit_measures = _measure_counts(problems, "unit_id")
    total = LedgerFigures(measures=sum(unit_measures.values()))
    by_unit, by_group, by_source = {}, {}, {}
    for row in rows:
        name, group_id, group_name = units[row["unit_id"]]
        unit = by_unit.setdefault(
            row["unit_id"],
            LedgerFigures(
                label=name, key=row["unit_id"], measures=unit_measures.get(row["unit_id"], 0)
            ),
        )
        group = by_group.setdefault(
            group_id, LedgerFigures(label=group_name or _("未分协作组"), key=group_id)
        )
        source = by_source.setdefault(row["source"], LedgerFigures(key=row["source"]))
        for figures in (total, unit, group, source):
            _add(figures, row)
    for unit_id, (_name, group_id, _group_name) in units.items():
        by_group[group_id].measures += unit_measures.get(unit_id, 0)
    report = LedgerReport(
        total=total,
        by_unit=sorted(by_unit.values(), key=lambda f: f.label),
        by_group=sorted(by_group.values(), key=lambda f: (f.key is None, f.label)),
        date_from=date_from,
        date_to=date_to,
    )
    order = list(Problem.Source.values)
    labels = dict(Problem.Source.choices)
    source_measures = _measure_counts(problems, "source")
    report.by_source = sorted(by_source.values(), key=lambda f: order.index(f.key))
    for row in report.by_source:
        row.label = str(labels[row.key])
        row.measures = source_measures.get(row.key, 0)
    standards = dict(Standard.choices)
    order = list(standards)
    standard_measures = _measure_counts(problems, "indicators__standard")
    report.by_standard = sorted(
        _by_standard(problems, until, today).values(),
        key=lambda r: order.index(r.key) if r.key in standards else len(order),
    )
    for row in report.by_standard:
        row.label = str(standards.get(row.key) or _("未关联指标"))
        row.measures = standard_measures.get(row.key, 0)
    return report


def _by_standard(problems, until, today) -> dict:
    """Problems by 六实 standard of their indicators (a problem tied to two standards counts
    in each, once). One DISTINCT count over buckets of (standard, status, due, late) —
    seven DISTINCT counts would sort the joined rows seven times."""
    rows = (
        problems.values(
            k=F("indicators__standard"),
            st=F("status"),
            due_by=ExpressionWrapper(Q(deadline__lte=until), output_field=BooleanField()),
            late=ExpressionWrapper(Q(deadline__lt=today), output_field=BooleanField()),
        )
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    out = {}
    for row in rows:
        figures = out.setdefault(row["k"], LedgerFigures(key=row["k"]))
        n, status = row["n"], row["st"]
        figures.found += n
        figures.answered += n if status == P.ANSWERED else 0
        figures.sent_back += n if status == P.SENT_BACK else 0
        figures.reopened += n if status == P.REOPENED else 0
        figures.verified += n if status == P.VERIFIED else 0
        figures.due += n if row["due_by"] or status == P.VERIFIED else 0
        figures.overdue += n if row["late"] and status not in (P.VERIFIED, P.WITHDRAWN) else 0
    return out


def rate(problems: QuerySet, today=None) -> LedgerFigures:
    """The headline figures of the problems (dashboards, home pages)."""
    return figures(problems, today=today)


def year_figures(problems: QuerySet, year: int, today=None) -> LedgerFigures:
    """The figures of the problems found in a calendar year (a plan's year)."""
    return figures(problems, datetime.date(year, 1, 1), datetime.date(year, 12, 31), today)


def filter_problems(problems: QuerySet, *, source="", standard="", status="", unit=None, q=""):
    """The ledger page's and the API's filters."""
    if source in Problem.Source.values:
        problems = problems.filter(source=source)
    if standard in Standard.values:
        problems = problems.filter(
            Exists(
                Problem.indicators.through.objects.filter(
                    problem_id=OuterRef("pk"), indicator__standard=standard
                )
            )
        )
    if status == "overdue":
        problems = problems.filter(overdue_q())
    elif status in Problem.Status.values:
        problems = problems.filter(status=status)
    if unit:
        problems = problems.filter(unit_id=unit)
    if q:
        problems = problems.filter(description__icontains=q)
    return problems


def negative_list_visible_to(user) -> QuerySet:
    return NegativeListEntry.objects.filter(unit__in=units_visible_to(user)).select_related(
        "unit", "plan", "created_by"
    )


def provisional_deadline_years(user) -> list[int]:
    """The years the holiday table lacks that provisional deadlines of this user's problems
    fall in (see Problem.deadline_provisional)."""
    problems = problems_visible_to(user).filter(deadline_provisional=True)
    years = {day.year for day in problems.dates("deadline", "year")}
    years |= {day.year for day in problems.dates("found_on", "year")}
    return sorted(years - calendar_years()) if years else []
