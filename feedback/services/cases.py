"""Follow-up of bad ratings and appeals: one transition service per workflow, each move logged."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.errors import NotAllowed
from units.workflow import check_transition

from .. import selectors
from ..models import (
    APPEAL_TRANSITIONS,
    CASE_TRANSITIONS,
    Appeal,
    CaseLog,
    FollowUpCase,
    Rating,
)
from ..signals import calendar_changed, case_moved, cases_opened, cases_rescheduled
from ..workdays import (
    add_working_days,
    calendar_years,
    exceptions_between,
    horizon,
    uncovered_years,
)

Status = FollowUpCase.Status


def open_case(rating: Rating, *, opened_on=None) -> FollowUpCase:
    """Every 不满意/非常不满意 opens a case with deadlines counted in working days."""
    opened_on = opened_on or rating.received_on
    rectify_due = add_working_days(opened_on, settings.FEEDBACK_RECTIFY_WORKING_DAYS)
    case = FollowUpCase.objects.create(
        rating=rating,
        unit_id=rating.unit_id,
        opened_on=opened_on,
        reply_due=add_working_days(opened_on, settings.FEEDBACK_REPLY_WORKING_DAYS),
        rectify_due=rectify_due,
        deadlines_provisional=bool(uncovered_years(opened_on, rectify_due, calendar_years())),
    )
    CaseLog.objects.create(case=case, from_status="", to_status=Status.OPEN, note=_("差评自动立案"))
    cases_opened.send(sender=FollowUpCase, cases=[case])
    return case


def open_cases(ratings: list[Rating]) -> list[FollowUpCase]:
    """open_case for many stored ratings at once (an import): one calendar query, one INSERT
    of the cases and one of their logs."""
    if not ratings:
        return []
    reply_days = settings.FEEDBACK_REPLY_WORKING_DAYS
    rectify_days = settings.FEEDBACK_RECTIFY_WORKING_DAYS
    first = min(rating.received_on for rating in ratings)
    last = max(rating.received_on for rating in ratings)
    exceptions = exceptions_between(first, horizon(last, max(reply_days, rectify_days)))
    known = calendar_years()
    cases = []
    for rating in ratings:
        rectify_due = add_working_days(rating.received_on, rectify_days, exceptions)
        cases.append(
            FollowUpCase(
                rating=rating,
                unit_id=rating.unit_id,
                opened_on=rating.received_on,
                reply_due=add_working_days(rating.received_on, reply_days, exceptions),
                rectify_due=rectify_due,
                deadlines_provisional=bool(uncovered_years(rating.received_on, rectify_due, known)),
            )
        )
    cases = FollowUpCase.objects.bulk_create(cases)
    note = _("差评自动立案")
    CaseLog.objects.bulk_create(
        CaseLog(case=case, from_status="", to_status=Status.OPEN, note=note) for case in cases
    )
    cases_opened.send(sender=FollowUpCase, cases=cases)
    return cases


@transaction.atomic
def settle_provisional_deadlines() -> int:
    """Count again the deadlines of provisional cases whose years the calendar now knows
    (after an upgrade of the holiday package, or staff entered the year in the admin);
    returns how many cases were settled."""
    known = calendar_years()
    settled = []
    reply_days = settings.FEEDBACK_REPLY_WORKING_DAYS
    rectify_days = settings.FEEDBACK_RECTIFY_WORKING_DAYS
    for case in FollowUpCase.objects.select_for_update().filter(deadlines_provisional=True):
        rectify_due = add_working_days(case.opened_on, rectify_days)
        if uncovered_years(case.opened_on, rectify_due, known):
            continue
        case.reply_due = add_working_days(case.opened_on, reply_days)
        case.rectify_due = rectify_due
        case.deadlines_provisional = False
        settled.append(case)
    FollowUpCase.objects.bulk_update(settled, ["reply_due", "rectify_due", "deadlines_provisional"])
    cases_rescheduled.send(sender=FollowUpCase, cases=settled)
    calendar_changed.send(sender=FollowUpCase)
    return len(settled)


def transition(case: FollowUpCase, target: str, *, user, note: str = "", **fields) -> FollowUpCase:
    """The only place a case changes state; writes the log row."""
    with transaction.atomic():
        case = FollowUpCase.objects.select_for_update().get(pk=case.pk)
        check_transition(CASE_TRANSITIONS, case.status, target, labels=Status)
        previous = case.status
        case.status = target
        for name, value in fields.items():
            setattr(case, name, value)
        case.save()
        CaseLog.objects.create(
            case=case, from_status=previous, to_status=target, actor=user, note=note[:300]
        )
        case_moved.send(sender=FollowUpCase, case=case, user=user)
    return case


def reply(case: FollowUpCase, *, user, text: str) -> FollowUpCase:
    if not selectors.may_handle_case(user, case):
        raise NotAllowed
    return transition(
        case, Status.REPLIED, user=user, note=_("答复群众"), reply=text, replied_at=timezone.now()
    )


def record_fix(case: FollowUpCase, *, user, text: str) -> FollowUpCase:
    if not selectors.may_handle_case(user, case):
        raise NotAllowed
    return transition(
        case, Status.RECTIFIED, user=user, note=_("记录整改"), fix=text, rectified_at=timezone.now()
    )


def close(case: FollowUpCase, *, user, note: str = "") -> FollowUpCase:
    if not selectors.may_close_case(user, case):
        raise NotAllowed
    return transition(case, Status.CLOSED, user=user, note=note or _("核实办结"))


def withdraw_if_open(case: FollowUpCase, *, user, note: str) -> None:
    if CASE_TRANSITIONS.get(case.status):
        transition(case, Status.WITHDRAWN, user=user, note=note)


def file_appeal(rating: Rating, *, user, reason: str, explanation: str) -> Appeal:
    if not selectors.may_act_for_rating(user, rating):
        raise NotAllowed
    if Appeal.objects.filter(rating=rating, status=Appeal.Status.PENDING).exists():
        raise ValueError(_("这条评价已有待裁定的申诉。"))
    return Appeal.objects.create(
        rating=rating,
        unit_id=rating.unit_id,
        reason=reason,
        explanation=explanation,
        filed_by=user,
    )


def decide_appeal(appeal: Appeal, *, user, upheld: bool, reason: str) -> Appeal:
    """Staff decide; an upheld appeal takes the rating out of the index, reason kept."""
    if not selectors.may_close_case(user, appeal):
        raise NotAllowed
    if not reason.strip():
        raise ValueError(_("请填写裁定理由。"))
    target = Appeal.Status.UPHELD if upheld else Appeal.Status.DISMISSED
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        check_transition(APPEAL_TRANSITIONS, appeal.status, target, labels=Appeal.Status)
        appeal.status = target
        appeal.decided_by = user
        appeal.decided_at = timezone.now()
        appeal.decision_reason = reason.strip()
        appeal.save()
        if upheld:
            rating = appeal.rating
            rating.excluded = True
            rating.excluded_reason = (
                _("申诉成立（%(kind)s）：%(reason)s")
                % {"kind": appeal.get_reason_display(), "reason": reason.strip()}
            )[:300]
            rating.save(update_fields=["excluded", "excluded_reason"])
            case = FollowUpCase.objects.filter(rating=rating).first()
            if case:
                withdraw_if_open(case, user=user, note=_("申诉成立，不再计入"))
    return appeal
