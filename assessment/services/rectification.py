"""Rectification notices (整改通知书), their feedback forms (整改反馈单), the negative list."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.workflow import check_transition

from ..models import RECTIFICATION_TRANSITIONS, NegativeListEntry, Rectification, RectificationEvent


class RectificationError(Exception):
    """A refused action; the message is shown as it is."""


@transaction.atomic
def set_status(rectification, to_status, *, by, reason="", **fields):
    """The only place a notice's status changes; every move is recorded."""
    locked = Rectification.objects.select_for_update().get(pk=rectification.pk)
    check_transition(RECTIFICATION_TRANSITIONS, locked.status, to_status, Rectification.Status)
    RectificationEvent.objects.create(
        rectification=locked,
        by=by,
        from_status=locked.status,
        to_status=to_status,
        reason=reason,
    )
    for name, value in {"status": to_status, **fields}.items():
        setattr(locked, name, value)
        setattr(rectification, name, value)
    locked.save(update_fields=["status", *fields])
    return locked


@transaction.atomic
def issue(*, by, plan, unit, problem, deadline, branch=None, indicators=()):
    if branch is not None and branch.unit_id != unit.pk:
        raise RectificationError(_("所选党支部不属于该单位。"))
    rectification = Rectification.objects.create(
        plan=plan,
        unit=unit,
        branch=branch,
        problem=problem.strip(),
        deadline=deadline,
        issued_by=by,
    )
    rectification.indicators.set(indicators)
    RectificationEvent.objects.create(
        rectification=rectification, by=by, from_status="", to_status=rectification.status
    )
    return rectification


@transaction.atomic
def answer(rectification, *, by, measures, evidence=()):
    """The unit's feedback form: measures taken and evidence."""
    measures = (measures or "").strip()
    if not measures:
        raise RectificationError(_("请填写整改措施。"))
    set_status(
        rectification,
        Rectification.Status.ANSWERED,
        by=by,
        measures=measures,
        answered_at=timezone.now(),
    )
    rectification.evidence.add(*evidence)
    return rectification


def verify(rectification, *, by, comment=""):
    return set_status(
        rectification,
        Rectification.Status.VERIFIED,
        by=by,
        reason=(comment or "").strip(),
        verified_at=timezone.now(),
    )


def send_back(rectification, *, by, reason):
    reason = (reason or "").strip()
    if not reason:
        raise RectificationError(_("退回时请写明还需整改的内容。"))
    return set_status(rectification, Rectification.Status.SENT_BACK, by=by, reason=reason)


def add_to_negative_list(*, by, plan, unit, reason, effect, points=0):
    if effect == NegativeListEntry.Effect.DEDUCTION and not points:
        raise RectificationError(_("扣分处理须填写扣分分值。"))
    if effect == NegativeListEntry.Effect.VETO:
        points = 0
    return NegativeListEntry.objects.create(
        plan=plan, unit=unit, reason=reason.strip(), effect=effect, points=points, created_by=by
    )
