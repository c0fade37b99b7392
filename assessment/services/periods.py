"""The period workflow: draft → open → closed → published; a closed period may reopen."""

from django.db import transaction
from django.utils.translation import gettext as _

from units.workflow import TransitionNotAllowed, check_transition

from ..models import PERIOD_TRANSITIONS, Period, PeriodTransition
from ..selectors.plans import current_system


class ReasonRequired(TransitionNotAllowed):
    pass


@transaction.atomic
def set_period_status(period: Period, to_status: str, *, by, reason: str = "") -> Period:
    """The only place a period's status changes; every move is recorded."""
    locked = Period.objects.select_for_update().get(pk=period.pk)
    check_transition(PERIOD_TRANSITIONS, locked.status, to_status, Period.Status)
    reopening = locked.status == Period.Status.CLOSED and to_status == Period.Status.OPEN
    if reopening and not reason.strip():
        raise ReasonRequired(_("重新开放已截止的节点必须写明原因。"))
    PeriodTransition.objects.create(
        period=locked, from_status=locked.status, to_status=to_status, by=by, reason=reason.strip()
    )
    locked.status = to_status
    fields = ["status"]
    if to_status == Period.Status.OPEN and locked.system_id is None:
        # Pin the version in use: from now on its items change only through a new version.
        locked.system = current_system(locked.plan)
        fields.append("system")
    locked.save(update_fields=fields)
    if to_status != Period.Status.OPEN or reopening:
        # Half-year and annual scores read only closed or published quarters: refresh them.
        plan_id = locked.plan_id
        transaction.on_commit(lambda: _refresh_plan_scores(plan_id), robust=True)
    period.status = to_status
    period.system_id = locked.system_id
    return locked


def open_period(period, *, by):
    return set_period_status(period, Period.Status.OPEN, by=by)


def close_period(period, *, by):
    return set_period_status(period, Period.Status.CLOSED, by=by)


def publish_period(period, *, by):
    return set_period_status(period, Period.Status.PUBLISHED, by=by)


def reopen_period(period, *, by, reason):
    return set_period_status(period, Period.Status.OPEN, by=by, reason=reason)


def _refresh_plan_scores(plan_id: int) -> None:
    from ..tasks import recompute_plan_scores

    recompute_plan_scores.delay(plan_id)
