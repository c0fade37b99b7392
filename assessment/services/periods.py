"""The period workflow: draft → open → closed → published; a closed period may reopen.

One service per transition — ``open_period`` (the indicator system must pass validation),
``close_period``, ``publish_period`` (freezes the scores as revision 1) and
``reopen_period`` (with a reason) — and ``_move``, which they share, is the only code that
assigns ``Period.status``; each move is recorded as a ``PeriodTransition``. The web pages and
the API call them through ``PERIOD_ACTIONS`` (``perform``). Corrections of published
scores add revisions (``correct_published``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from units.errors import ensure
from units.workflow import TransitionNotAllowed, check_transition

from ..models import PERIOD_TRANSITIONS, Period, PeriodTransition, ScoreSnapshot
from ..scoring import engine, schedule
from ..selectors.plans import current_system, may_manage_periods
from ..selectors.score_rows import live_payload
from . import measures
from .indicators import validate_system


class ReasonRequired(TransitionNotAllowed):
    pass


class ScoringError(Exception):
    """An action on published scores that the rules refuse; the message says why."""


class PublishRefused(ScoringError, TransitionNotAllowed):
    """Publishing a period the workflow may not publish (a workflow refusal too)."""


def _ensure_may_manage(by) -> None:
    ensure(may_manage_periods(by), _("只有工委工作人员可以开放、截止、发布节点或更正得分。"))


@transaction.atomic
def _move(period: Period, to_status: str, *, by, reason: str = "", freezing=False) -> Period:
    """Record and make one move. Publishing only through ``publish_period`` (``freezing``),
    which freezes the scores in the same transaction."""
    _ensure_may_manage(by)
    locked = Period.objects.select_for_update().get(pk=period.pk)
    check_transition(PERIOD_TRANSITIONS, locked.status, to_status, Period.Status)
    if to_status == Period.Status.PUBLISHED and not freezing:
        raise TransitionNotAllowed(_("发布节点须同时冻结得分，请使用“发布结果”。"))
    reopening = locked.status == Period.Status.CLOSED and to_status == Period.Status.OPEN
    if reopening and not reason.strip():
        raise ReasonRequired(_("重新开放已截止的节点必须写明原因。"))
    from_status = locked.status
    PeriodTransition.objects.create(
        period=locked, from_status=from_status, to_status=to_status, by=by, reason=reason.strip()
    )
    locked.status = to_status
    fields = ["status"]
    if to_status == Period.Status.OPEN and locked.system_id is None:
        # Pin the version in use: from now on its items change only through a new version.
        locked.system = current_system(locked.plan)
        fields.append("system")
    locked.save(update_fields=fields)
    schedule.after_period_moved(locked, from_status, to_status)
    period.status = to_status
    period.system_id = locked.system_id
    return locked


def open_period(period: Period, *, by) -> Period:
    """Open a period; a draft one only when the plan has an indicator system that passes
    validation (the version is then pinned to the period)."""
    if period.status == Period.Status.DRAFT:
        system = current_system(period.plan)
        if system is None:
            raise TransitionNotAllowed(
                _("%(year)d 年度还没有指标体系，请先建立或载入默认指标体系再开放节点。")
                % {"year": period.plan.year}
            )
        faults = validate_system(system)
        if faults:
            raise TransitionNotAllowed(
                _("指标体系第 %(v)d 版有 %(n)d 处问题，修正后才能开放：%(first)s")
                % {"v": system.version, "n": len(faults), "first": faults[0].message}
            )
    return _move(period, Period.Status.OPEN, by=by)


@transaction.atomic
def close_period(period: Period, *, by) -> Period:
    # The platform's own figures (系统取数) are taken once more while the period is open:
    # they are written only to open periods, and a closed one must hold its final figures.
    if period.status == Period.Status.OPEN:
        measures.record_measures(period, by=measures.platform_account())
    return _move(period, Period.Status.CLOSED, by=by)


def reopen_period(period: Period, *, by, reason: str) -> Period:
    """Open a closed period again. A draft one is opened by open_period, which checks its
    indicator system first; reopening is never a way round that."""
    if period.status != Period.Status.CLOSED:
        raise TransitionNotAllowed(
            _("只有已关闭的节点可以重新开放（当前：%(status)s）。")
            % {"status": period.get_status_display()}
        )
    return _move(period, Period.Status.OPEN, by=by, reason=reason)


@transaction.atomic
def publish_period(period: Period, *, by) -> ScoreSnapshot:
    """Publish a closed period: recompute, mark it published and freeze revision 1, in one
    transaction. Later recomputes change the live rows only; pages read the snapshot."""
    _ensure_may_manage(by)
    if ScoreSnapshot.objects.filter(period=period).exists():
        raise ScoringError(_("该节点的得分已发布；如需更正请填写原因生成新版次。"))
    # The workflow refuses first (with its own message), before any recompute.
    try:
        check_transition(PERIOD_TRANSITIONS, period.status, Period.Status.PUBLISHED, Period.Status)
    except TransitionNotAllowed as exc:
        raise PublishRefused(str(exc)) from exc
    engine.recompute_period(period, cascade=False)
    _move(period, Period.Status.PUBLISHED, by=by, freezing=True)
    return ScoreSnapshot.objects.create(
        period=period, revision=1, data=live_payload(period), created_by=by
    )


@transaction.atomic
def correct_published(period: Period, *, by, reason: str) -> ScoreSnapshot:
    """Freeze the current scores as the next revision, with the reason. Earlier revisions
    stay as they were and readable."""
    _ensure_may_manage(by)
    reason = (reason or "").strip()
    if not reason:
        raise ScoringError(_("更正已发布的得分必须写明原因。"))
    latest = (
        ScoreSnapshot.objects.select_for_update()
        .filter(period=period)
        .order_by("-revision")
        .first()
    )
    if latest is None:
        raise ScoringError(_("该节点的得分尚未发布，无需更正。"))
    engine.recompute_period(period, cascade=False)
    return ScoreSnapshot.objects.create(
        period=period,
        revision=latest.revision + 1,
        data=live_payload(period),
        reason=reason[:2000],
        created_by=by,
    )


# --- the action table the web pages and the API share ----------------------------------------


@dataclass(frozen=True)
class PeriodAction:
    name: str
    service: Callable  # (period, by, reason) -> the moved period or the snapshot
    label: Promise
    success: Promise
    needs_reason: bool = False


PERIOD_ACTIONS = {
    a.name: a
    for a in (
        PeriodAction(
            "open",
            lambda period, by, reason: open_period(period, by=by),
            gettext_lazy("开放节点（锁定所用指标体系版本）"),
            gettext_lazy(
                "节点已开放：书记们现在可以在“本季度任务”中填报，所用指标体系版本已锁定。"
            ),
        ),
        PeriodAction(
            "close",
            lambda period, by, reason: close_period(period, by=by),
            gettext_lazy("截止节点"),
            gettext_lazy("节点已截止：不再接受报送，审核完成后可发布结果。"),
        ),
        PeriodAction(
            "publish",
            lambda period, by, reason: publish_period(period, by=by),
            gettext_lazy("发布节点结果"),
            gettext_lazy("结果已发布：各单位可以查看得分，节点不能再修改。"),
        ),
        PeriodAction(
            "reopen",
            lambda period, by, reason: reopen_period(period, by=by, reason=reason),
            gettext_lazy("重新开放节点（须写明原因）"),
            gettext_lazy("节点已重新开放，原因已记录在状态记录中。"),
            needs_reason=True,
        ),
    )
}


def perform(name: str, period: Period, *, by, reason: str = ""):
    """Run the period action ``name`` (KeyError when there is none). Raises
    TransitionNotAllowed (ReasonRequired) or ScoringError when it is refused."""
    return PERIOD_ACTIONS[name].service(period, by, reason)
