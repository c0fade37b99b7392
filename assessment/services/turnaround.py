"""后进转化: open a follow-up (committee), record progress (the unit), close it (committee).

Each service checks the actor through ``assessment.selectors.turnaround`` (a narrowed or
read-only token binds: PermissionDenied) and its input (TurnaroundError, with the Chinese
message). ``_move`` is the only code that assigns ``Turnaround.status``; every move and every
progress report is a ``TurnaroundEvent`` row.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.workflow import TransitionNotAllowed, check_transition

from ..models import TURNAROUND_TRANSITIONS, Turnaround, TurnaroundAction, TurnaroundEvent
from ..selectors import turnaround as selectors

Status = Turnaround.Status
MAX_ACTIONS = 20


class TurnaroundError(Exception):
    """Refused input; ``field`` names the form field it belongs to."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


@transaction.atomic
def _move(turnaround, to_status, *, by, note="", **fields):
    locked = Turnaround.objects.select_for_update().get(pk=turnaround.pk)
    check_transition(TURNAROUND_TRANSITIONS, locked.status, to_status, Status)
    TurnaroundEvent.objects.create(
        turnaround=locked, by=by, from_status=locked.status, to_status=to_status, note=note
    )
    for name, value in {"status": to_status, **fields}.items():
        setattr(locked, name, value)
        setattr(turnaround, name, value)
    locked.save(update_fields=["status", *fields])
    return locked


def _text(value, field, message):
    value = (value or "").strip()
    if not value:
        raise TurnaroundError(message, field)
    return value


@transaction.atomic
def open_turnaround(
    *, by, period, unit, branch=None, talk_on, participants, agreed, actions
) -> Turnaround:
    """Record the talk (约谈) and the plan for a branch in the 后进 tier, or a unit graded 较差
    or vetoed, in a finished period. ``actions``: [(description, deadline)], at least one."""
    if not selectors.may_open(by):
        raise PermissionDenied
    if not period.is_finished:
        raise TurnaroundError(_("只能针对已截止或已发布的考核节点建立跟踪。"), "period")
    if branch is not None and branch.unit_id != unit.pk:
        raise TurnaroundError(_("所选党支部不属于该单位。"), "branch")
    reason = selectors.lagging_reason(period, unit, branch)
    if reason is None:
        message = (
            _("该党支部在%(period)s不是后进支部，无需建立后进转化跟踪。")
            if branch is not None
            else _("该单位在%(period)s既不是“较差”等次，也没有一票否决，无需建立跟踪。")
        )
        raise TurnaroundError(message % {"period": period}, "branch" if branch else "unit")
    if talk_on > timezone.localdate():
        raise TurnaroundError(_("约谈日期不能晚于今天：约谈完成后再记录。"), "talk_on")
    if talk_on < period.opens_on:
        # The talk follows the period's results; before it opened there were none.
        raise TurnaroundError(
            _("约谈日期不能早于%(period)s开始报送的日期 %(date)s。")
            % {"period": period, "date": period.opens_on.isoformat()},
            "talk_on",
        )
    participants = _text(participants, "participants", _("请填写参加约谈的人员。"))
    agreed = _text(agreed, "agreed", _("请填写约谈商定的事项。"))
    actions = [(d.strip(), deadline) for d, deadline in actions if (d or "").strip()]
    if not actions:
        raise TurnaroundError(_("转化计划至少要有一项，并写明完成期限。"), "actions")
    if len(actions) > MAX_ACTIONS:
        raise TurnaroundError(_("转化计划最多 %(n)d 项。") % {"n": MAX_ACTIONS}, "actions")
    for description, deadline in actions:
        if deadline is None or deadline < talk_on:
            raise TurnaroundError(
                _("“%(item)s”的完成期限须不早于约谈日期。") % {"item": description[:30]},
                "actions",
            )
    try:
        with transaction.atomic():
            turnaround = Turnaround.objects.create(
                period=period,
                unit=unit,
                branch=branch,
                reason=reason,
                talk_on=talk_on,
                participants=participants,
                agreed=agreed,
                created_by=by,
            )
    except IntegrityError as exc:
        raise TurnaroundError(
            _("该%(who)s在此节点已建立后进转化跟踪。")
            % {"who": _("党支部") if branch is not None else _("单位")},
            "branch" if branch else "unit",
        ) from exc
    TurnaroundAction.objects.bulk_create(
        TurnaroundAction(turnaround=turnaround, description=d[:300], deadline=deadline)
        for d, deadline in actions
    )
    TurnaroundEvent.objects.create(
        turnaround=turnaround, by=by, from_status="", to_status=Status.TALKED, note=agreed[:2000]
    )
    return turnaround


@transaction.atomic
def record_progress(turnaround, *, by, note, done=()) -> Turnaround:
    """The unit reports what was done; ``done``: ids of plan steps finished today. The first
    report moves 已约谈 → 整改推进中; later ones are recorded without a move."""
    if not selectors.may_record_progress(by, turnaround):
        raise PermissionDenied
    if turnaround.status == Status.CLOSED:
        raise TransitionNotAllowed(_("跟踪已结束，不能再记录进展。"))
    note = _text(note, "note", _("请填写进展情况。"))
    done = {int(pk) for pk in done}
    steps = TurnaroundAction.objects.filter(turnaround=turnaround, pk__in=done)
    if len(steps) != len(done):
        raise TurnaroundError(_("所选计划事项不属于这项跟踪。"), "done")
    steps.filter(done_on__isnull=True).update(done_on=timezone.localdate(), progress=note)
    if turnaround.status == Status.TALKED:
        return _move(turnaround, Status.IN_PROGRESS, by=by, note=note)
    TurnaroundEvent.objects.create(
        turnaround=turnaround,
        by=by,
        from_status=turnaround.status,
        to_status=turnaround.status,
        note=note,
    )
    return turnaround


def close_turnaround(turnaround, *, by, note) -> Turnaround:
    """Committee staff end the follow-up with a note; whether the subject converted stays
    what the scores say."""
    if not selectors.may_close(by, turnaround):
        raise PermissionDenied
    note = _text(note, "note", _("结束跟踪须写明说明。"))
    return _move(
        turnaround, Status.CLOSED, by=by, note=note, closing_note=note, closed_at=timezone.now()
    )
