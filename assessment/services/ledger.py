"""The problem ledger (整改台账): raise a problem, answer it, verify, send back, reopen,
record measures; keep notices and citizen-case problems in step.

`raise_problem` is the one entry point every feature calls to put a problem on the ledger.
Each transition is one service that checks the actor through
assessment.selectors.rectification, records a ProblemEvent and is the only code that
assigns a problem's status.
"""

import datetime
import logging

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import FollowUpCase
from feedback.workdays import add_working_days, calendar_years, uncovered_years
from units.workflow import check_transition

from ..models import (
    PROBLEM_TRANSITIONS,
    RECTIFICATION_TRANSITIONS,
    Measure,
    Problem,
    ProblemEvent,
    Rectification,
    RectificationEvent,
)
from ..rules import problem_working_days
from ..selectors import rectification as selectors

P = Problem.Status
N = Rectification.Status
log = logging.getLogger(__name__)


# How far back a problem may have been found: older findings (a year typed as 0001) are
# typing slips, and no working-day count reaches back that far.
FOUND_YEARS_BACK = 10
# The longest time a rectification may be given: two years (250 working days is the most
# the working-day count gives).
LONGEST_DEADLINE_DAYS = 731


class LedgerError(Exception):
    """A refused action; the message is shown as it is. ``field`` names the input it is
    about, when it is about one (the API answers it under that field)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class LedgerPermissionDenied(LedgerError):
    """The actor may not do this to this problem."""


def _deny():
    raise LedgerPermissionDenied(_("您无权进行此操作。"))


def deadline_for(found_on: datetime.date, severity: str, working_days=None):
    """The deadline in working days after the day found (the platform's holiday calendar)."""
    days = working_days or problem_working_days(severity)
    return days, add_working_days(found_on, days)


@transaction.atomic
def settle_deadlines() -> int:
    """Count again the provisional deadlines (see Problem.deadline_provisional) whose years
    the holiday table now knows; returns how many were settled."""
    known = calendar_years()
    settled = []
    provisional = Problem.objects.select_for_update().filter(
        deadline_provisional=True, working_days__isnull=False
    )
    for problem in provisional:
        deadline = add_working_days(problem.found_on, problem.working_days)
        if uncovered_years(problem.found_on, deadline, known):
            continue
        problem.deadline, problem.deadline_provisional = deadline, False
        settled.append(problem)
    Problem.objects.bulk_update(settled, ["deadline", "deadline_provisional"])
    return len(settled)


@transaction.atomic
def raise_problem(
    actor,
    *,
    unit,
    source,
    description,
    branch=None,
    indicators=(),
    severity=Problem.Severity.GENERAL,
    origin=None,
    found_on=None,
    working_days=None,
    deadline=None,
    notice=None,
):
    """Put a problem on the ledger: THE entry point for every source.

    - `actor`: the user raising it; the committee may raise any source for any unit, a unit
      administrator only 自查 (Problem.Source.SELF_FOUND) for the own unit. A narrowed API
      token binds.
    - `source`: a Problem.Source value — e.g. an inspection round's finding passes
      Source.INSPECTION or Source.ON_SITE with `origin=<the finding>`; a 述职 (duty report)
      feedback passes Source.DUTY_REPORT with `origin=<the report>`; imports pass AUDIT, TOUR
      or SUPERVISION.
    - `origin`: any saved model instance the problem came from (kept as a generic link, so
      callers need no foreign key here); a FollowUpCase or NegativeListEntry is linked by
      its own field.
    - `deadline`: counted `working_days` working days after `found_on` (today by default),
      the number of days following `severity` unless given; an explicit `deadline` wins.
    - `notice`: the rectification notice (整改通知书) bundling it, if any.
    Returns the Problem; raises LedgerError (LedgerPermissionDenied) when refused.
    """
    if not selectors.may_raise_problem(actor, unit.pk, source):
        _deny()
    if source not in Problem.Source.values:
        raise LedgerError(_("问题来源无效。"))
    if severity not in Problem.Severity.values:
        raise LedgerError(_("严重程度无效。"))
    description = (description or "").strip()
    if not description:
        raise LedgerError(_("请填写问题描述。"))
    if branch is not None and branch.unit_id != unit.pk:
        raise LedgerError(_("所选党支部不属于该单位。"), field="branch")
    if notice is not None and notice.unit_id != unit.pk:
        raise LedgerError(_("整改通知书与问题不属于同一单位。"))
    today = timezone.localdate()
    found_on = found_on or today
    if found_on > today:
        raise LedgerError(
            _("发现日期不能晚于今天（%(date)s 是未来的日期）。") % {"date": found_on.isoformat()},
            field="found_on",
        )
    earliest = datetime.date(today.year - FOUND_YEARS_BACK, 1, 1)
    if found_on < earliest:
        raise LedgerError(
            _("发现日期不能早于 %(earliest)s（%(date)s 已超出整改台账的年限）。")
            % {"earliest": earliest.isoformat(), "date": found_on.isoformat()},
            field="found_on",
        )
    provisional = False
    if deadline is None:
        working_days, deadline = deadline_for(found_on, severity, working_days)
        provisional = bool(uncovered_years(found_on, deadline, calendar_years()))
    elif deadline < found_on:
        raise LedgerError(
            _("整改期限（%(deadline)s）不能早于发现日期（%(found)s）。")
            % {"deadline": deadline.isoformat(), "found": found_on.isoformat()},
            field="deadline",
        )
    elif (deadline - found_on).days > LONGEST_DEADLINE_DAYS:
        raise LedgerError(
            _("整改期限（%(deadline)s）不能晚于发现日期后两年。")
            % {"deadline": deadline.isoformat()},
            field="deadline",
        )
    links = {}
    if isinstance(origin, FollowUpCase):
        links["case"] = origin
    elif origin is not None and origin._meta.model_name == "negativelistentry":
        links["negative_entry"] = origin
    elif origin is not None:
        links["origin_type"] = ContentType.objects.get_for_model(origin)
        links["origin_id"] = origin.pk
    problem = Problem.objects.create(
        unit=unit,
        branch=branch,
        notice=notice,
        source=source,
        description=description,
        severity=severity,
        found_on=found_on,
        working_days=working_days,
        deadline=deadline,
        deadline_provisional=provisional,
        raised_by=actor,
        **links,
    )
    if indicators:
        problem.indicators.set(indicators)
    ProblemEvent.objects.create(problem=problem, by=actor, to_status=P.OPEN)
    if notice is not None:
        sync_notice(notice, by=actor)
    return problem


@transaction.atomic
def _move(problem, to_status, *, by, reason="", **fields):
    """The only place a problem's status changes; every move is recorded."""
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    check_transition(PROBLEM_TRANSITIONS, locked.status, to_status, Problem.Status)
    ProblemEvent.objects.create(
        problem=locked, by=by, from_status=locked.status, to_status=to_status, reason=reason
    )
    for name, value in {"status": to_status, **fields}.items():
        setattr(locked, name, value)
        setattr(problem, name, value)
    locked.save(update_fields=["status", *fields])
    if locked.notice_id:
        sync_notice(locked.notice, by=by, reason=reason)
    return problem


def answer(problem, *, by, text, evidence=()):
    """The unit's feedback form (整改反馈单) for one problem."""
    if not selectors.may_answer_problem(by, problem):
        _deny()
    text = (text or "").strip()
    if not text:
        raise LedgerError(_("请填写整改情况。"))
    _move(problem, P.ANSWERED, by=by, answer=text, answered_at=timezone.now())
    if evidence:
        problem.evidence.add(*evidence)
    return problem


def verify(problem, *, by, comment=""):
    """销号."""
    if not selectors.may_decide_problem(by, problem):
        _deny()
    return _move(
        problem, P.VERIFIED, by=by, reason=(comment or "").strip(), verified_at=timezone.now()
    )


def send_back(problem, *, by, reason):
    """Back to the unit with what is still missing."""
    if not selectors.may_decide_problem(by, problem):
        _deny()
    reason = (reason or "").strip()
    if not reason:
        raise LedgerError(_("退回时请写明还需整改的内容。"))
    return _move(problem, P.SENT_BACK, by=by, reason=reason)


def reopen(problem, *, by, reason, working_days=None):
    """A verified problem that recurs: open again with a new deadline."""
    if not selectors.may_decide_problem(by, problem):
        _deny()
    reason = (reason or "").strip()
    if not reason:
        raise LedgerError(_("重新整改时请写明问题复发的情况。"))
    days, deadline = deadline_for(timezone.localdate(), problem.severity, working_days)
    return _move(
        problem,
        P.REOPENED,
        by=by,
        reason=reason,
        deadline=deadline,
        working_days=days,
        verified_at=None,
    )


@transaction.atomic
def add_measure(*, by, problems, description, owner, due_on, evidence=()):
    """整改措施 serving one or more problems of one unit."""
    problems = list(problems)
    if not problems:
        raise LedgerError(_("请选择措施针对的问题。"))
    unit_ids = {p.unit_id for p in problems}
    if len(unit_ids) != 1:
        raise LedgerError(_("一条措施只能针对同一单位的问题。"))
    (unit_id,) = unit_ids
    if not selectors.may_add_measure(by, unit_id):
        _deny()
    description, owner = (description or "").strip(), (owner or "").strip()
    if not description or not owner:
        raise LedgerError(_("请填写措施内容和责任人。"))
    measure = Measure.objects.create(
        unit_id=unit_id, description=description, owner=owner, due_on=due_on, created_by=by
    )
    measure.problems.set(problems)
    if evidence:
        measure.evidence.add(*evidence)
    return measure


@transaction.atomic
def complete_measure(measure, *, by, done_on, evidence=()):
    """Record that a measure is done (its completion date) and attach its evidence; only
    those who handle the measure's unit may, a read-only or other-unit scope never."""
    if not selectors.may_add_measure(by, measure.unit_id):
        _deny()
    if done_on is None:
        raise LedgerError(_("请填写完成日期。"))
    if done_on > timezone.localdate():
        raise LedgerError(_("完成日期不能晚于今天。"))
    measure.done_on = done_on
    measure.save(update_fields=["done_on"])
    if evidence:
        measure.evidence.add(*evidence)
    return measure


# --- notices ---------------------------------------------------------------------------------


def notice_status(statuses) -> str:
    """What a notice's status is, given its problems' statuses."""
    statuses = [s for s in statuses if s != P.WITHDRAWN]
    if statuses and all(s == P.VERIFIED for s in statuses):
        return N.VERIFIED
    if statuses and all(s in (P.ANSWERED, P.VERIFIED) for s in statuses):
        return N.ANSWERED
    if any(s == P.SENT_BACK for s in statuses) and not any(
        s in (P.OPEN, P.REOPENED) for s in statuses
    ):
        return N.SENT_BACK
    return N.ISSUED


@transaction.atomic
def sync_notice(notice, *, by, reason=""):
    """The only place a notice's status changes: it follows its problems, each move
    recorded as a RectificationEvent."""
    locked = Rectification.objects.select_for_update().get(pk=notice.pk)
    target = notice_status(locked.problems.values_list("status", flat=True))
    if target == locked.status:
        return notice
    check_transition(RECTIFICATION_TRANSITIONS, locked.status, target, Rectification.Status)
    RectificationEvent.objects.create(
        rectification=locked, by=by, from_status=locked.status, to_status=target, reason=reason
    )
    stamps = {"status": target}
    if target == N.ANSWERED:
        stamps["answered_at"] = timezone.now()
    if target == N.VERIFIED:
        stamps["verified_at"] = timezone.now()
    for name, value in stamps.items():
        setattr(locked, name, value)
        setattr(notice, name, value)
    locked.save(update_fields=list(stamps))
    return notice


# --- citizen cases: their own workflow, the problem follows ----------------------------------

CASE_PROBLEM_STATUS = {
    FollowUpCase.Status.OPEN: P.OPEN,
    FollowUpCase.Status.REPLIED: P.OPEN,
    FollowUpCase.Status.RECTIFIED: P.ANSWERED,
    FollowUpCase.Status.CLOSED: P.VERIFIED,
    FollowUpCase.Status.WITHDRAWN: P.WITHDRAWN,
}


def case_description(case) -> str:
    text = _("群众评议差评回访件（回执号 %(receipt)s）") % {"receipt": case.rating.receipt}
    comment = (case.rating.comment or "").strip()
    return f"{text}：{comment[:300]}" if comment else text


@transaction.atomic
def problems_for_cases(cases) -> list:
    """A ledger problem for each new citizen case (a system action: the case opened itself).
    Deadline and status are the case's; three queries however many cases."""
    cases = [c for c in cases if c.pk]
    if not cases:
        return []
    ratings = {
        c.pk: c
        for c in FollowUpCase.objects.filter(pk__in=[c.pk for c in cases]).select_related("rating")
    }
    problems = Problem.objects.bulk_create(
        Problem(
            unit_id=case.unit_id,
            source=Problem.Source.CITIZEN_CASE,
            description=case_description(ratings[case.pk]),
            found_on=case.opened_on,
            deadline=case.rectify_due,
            status=CASE_PROBLEM_STATUS[case.status],
            case_id=case.pk,
        )
        for case in cases
    )
    ProblemEvent.objects.bulk_create(
        ProblemEvent(problem=p, to_status=p.status, reason=_("差评自动立案")) for p in problems
    )
    return problems


def _path(start, target):
    """The shortest sequence of allowed moves from start to target (empty when none)."""
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop(0)
        for step in sorted(PROBLEM_TRANSITIONS.get(path[-1], ())):
            if step == target:
                return path[1:] + [step]
            if step not in seen:
                seen.add(step)
                paths.append(path + [step])
    return []


def follow_case(case, *, user=None):
    """After the case moved: the linked problem takes the status the case implies, through
    the allowed moves (a case set back by hand may skip a step). It never refuses the case's
    own move: with no way there, the problem stays and a warning is logged."""
    problem = Problem.objects.filter(case_id=case.pk).first()
    if problem is None:
        return None
    target = CASE_PROBLEM_STATUS[case.status]
    if target == problem.status:
        return problem
    steps = _path(problem.status, target)
    if not steps:
        log.warning("problem %s cannot follow case %s to %s", problem.pk, case.pk, target)
        return problem
    reason = _("回访件：%(status)s") % {"status": case.get_status_display()}
    for step in steps:
        fields = {}
        if step == P.ANSWERED:
            fields = {"answer": case.fix, "answered_at": case.rectified_at or timezone.now()}
        elif step == P.VERIFIED:
            fields = {"verified_at": timezone.now()}
        _move(problem, step, by=user, reason=reason, **fields)
    return problem


def reschedule_cases(cases):
    """Deadlines of cases counted again: their problems' deadlines follow."""
    for case in cases:
        Problem.objects.filter(case_id=case.pk).update(deadline=case.rectify_due)
