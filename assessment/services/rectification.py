"""Rectification notices (整改通知书) and the negative list, as thin calls on the problem
ledger (assessment.services.ledger): a notice bundles problems; the notice-level actions
below act on each of its problems, so older callers (one problem per notice) keep working."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.workflow import check_transition

from ..models import ANSWERABLE_PROBLEM_STATES, NegativeListEntry, Problem, Rectification
from ..selectors import rectification as selectors
from . import ledger
from .ledger import LedgerError as RectificationError
from .ledger import LedgerPermissionDenied

__all__ = [
    "LedgerPermissionDenied",
    "RectificationError",
    "add_to_negative_list",
    "answer",
    "issue",
    "issue_notice",
    "send_back",
    "verify",
]

P = Problem.Status


@transaction.atomic
def issue_notice(*, by, plan, unit, problems, deadline=None, branch=None, source=None):
    """A notice bundling several problems of one unit. `problems` are dicts of
    raise_problem's keyword arguments (description, indicators, severity, branch…)."""
    if not selectors.may_raise_problem(by, unit.pk, Problem.Source.REVIEW):
        ledger._deny()
    if branch is not None and branch.unit_id != unit.pk:
        raise RectificationError(_("所选党支部不属于该单位。"), field="branch")
    problems = list(problems)
    if not problems:
        raise RectificationError(_("整改通知书至少要有一个问题。"))
    notice = Rectification.objects.create(
        plan=plan,
        unit=unit,
        branch=branch,
        problem="；".join(p["description"].strip() for p in problems)[:5000],
        deadline=deadline or problems[0].get("deadline") or _default_deadline(problems),
        issued_by=by,
    )
    notice.events.create(by=by, from_status="", to_status=notice.status)
    for fields in problems:
        fields = {"source": source or Problem.Source.REVIEW, "branch": branch, **fields}
        if deadline is not None:
            fields.setdefault("deadline", deadline)
        ledger.raise_problem(by, unit=unit, notice=notice, **fields)
    notice.refresh_from_db()
    latest = notice.problems.order_by("-deadline").values_list("deadline", flat=True).first()
    if latest and latest != notice.deadline:
        notice.deadline = latest
        notice.save(update_fields=["deadline"])
    notice.indicators.set(
        {i for p in notice.problems.prefetch_related("indicators") for i in p.indicators.all()}
    )
    return notice


def _default_deadline(problems):
    return ledger.deadline_for(timezone.localdate(), problems[0].get("severity", "general"))[1]


def _refuse(notice, target):
    """Nothing of the notice is in a state for this action: refuse as a workflow would."""
    check_transition({}, notice.status, target, Rectification.Status)


def issue(*, by, plan, unit, problem, deadline, branch=None, indicators=(), found_on=None):
    """The older call: a notice with one problem (found today unless ``found_on``)."""
    found = {"found_on": found_on} if found_on else {}
    return issue_notice(
        by=by,
        plan=plan,
        unit=unit,
        branch=branch,
        deadline=deadline,
        problems=[{"description": problem, "indicators": list(indicators), **found}],
    )


@transaction.atomic
def answer(rectification, *, by, measures, evidence=()):
    """The unit's feedback form for every problem of the notice still owing an answer."""
    measures = (measures or "").strip()
    if not measures:
        raise RectificationError(_("请填写整改措施。"))
    owing = list(rectification.problems.filter(status__in=ANSWERABLE_PROBLEM_STATES))
    if not owing:
        _refuse(rectification, Rectification.Status.ANSWERED)
    for problem in owing:
        ledger.answer(problem, by=by, text=measures, evidence=evidence)
    Rectification.objects.filter(pk=rectification.pk).update(measures=measures)
    rectification.measures = measures
    rectification.evidence.add(*evidence)
    rectification.refresh_from_db()
    return rectification


@transaction.atomic
def verify(rectification, *, by, comment=""):
    answered = list(rectification.problems.filter(status=P.ANSWERED))
    if not answered:
        _refuse(rectification, Rectification.Status.VERIFIED)
    for problem in answered:
        ledger.verify(problem, by=by, comment=comment)
    rectification.refresh_from_db()
    return rectification


@transaction.atomic
def send_back(rectification, *, by, reason):
    reason = (reason or "").strip()
    if not reason:
        raise RectificationError(_("退回时请写明还需整改的内容。"))
    answered = list(rectification.problems.filter(status=P.ANSWERED))
    if not answered:
        _refuse(rectification, Rectification.Status.SENT_BACK)
    for problem in answered:
        ledger.send_back(problem, by=by, reason=reason)
    rectification.refresh_from_db()
    return rectification


@transaction.atomic
def add_to_negative_list(*, by, plan, unit, reason, effect, points=0):
    """An entry costs points or the grade, and is a problem to rectify on the ledger."""
    if not selectors.may_raise_problem(by, unit.pk, Problem.Source.NEGATIVE_LIST):
        ledger._deny()
    if effect == NegativeListEntry.Effect.DEDUCTION and not points:
        raise RectificationError(_("扣分处理须填写扣分分值。"))
    if effect == NegativeListEntry.Effect.VETO:
        points = 0
    entry = NegativeListEntry.objects.create(
        plan=plan, unit=unit, reason=reason.strip(), effect=effect, points=points, created_by=by
    )
    ledger.raise_problem(
        by,
        unit=unit,
        source=Problem.Source.NEGATIVE_LIST,
        description=entry.reason,
        severity=Problem.Severity.GRAVE,
        origin=entry,
    )
    return entry
