"""Joint inspection rounds: set up, draw, swap and move through draft → published → closed.

Only committee staff act here; each function checks the actor and is one transaction.
"""

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from units.errors import NotAllowed
from units.selectors import can_manage
from units.workflow import check_transition

from ..inspection import DrawError, Inspector, Item, draw, may_inspect
from ..models import (
    ROUND_TRANSITIONS,
    AssignmentSwap,
    ConflictDeclaration,
    Indicator,
    InspectionAssignment,
    InspectionRound,
    InspectionRoundTransition,
    InspectorScore,
    RoundInspector,
    Submission,
)
from ..selectors.inspection import round_items
from .review import graded_score


class InspectionError(Exception):
    pass


def _ensure_staff(user):
    if not can_manage(user):
        raise NotAllowed(_("只有工委工作人员可以组织联检联评。"))


def _ensure_draft(round_):
    if round_.status != InspectionRound.Status.DRAFT:
        raise InspectionError(_("轮次已发布，不能再修改人员或重新抽签。"))


@transaction.atomic
def create_round(
    *,
    by,
    period,
    name,
    units,
    inspectors_per_item=2,
    rule=InspectionRound.Rule.OTHER_GROUP,
    tolerance=None,
):
    _ensure_staff(by)
    if inspectors_per_item < 1:
        raise InspectionError(_("每项评审人数至少为1。"))
    fields = {"tolerance": tolerance} if tolerance is not None else {}
    round_ = InspectionRound.objects.create(
        period=period,
        name=name,
        inspectors_per_item=inspectors_per_item,
        rule=rule,
        created_by=by,
        **fields,
    )
    round_.units.set(units)
    return round_


@transaction.atomic
def name_inspector(*, by, round_, user, unit):
    _ensure_staff(by)
    _ensure_draft(round_)
    inspector, _created = RoundInspector.objects.get_or_create(
        round=round_, user=user, defaults={"unit": unit}
    )
    return inspector


@transaction.atomic
def declare_conflict(*, by, inspector, unit, reason):
    _ensure_staff(by)
    _ensure_draft(inspector.round)
    if not reason.strip():
        raise InspectionError(_("请写明回避原因。"))
    conflict, _created = ConflictDeclaration.objects.update_or_create(
        inspector=inspector, unit=unit, defaults={"reason": reason.strip()}
    )
    return conflict


def _pool(round_):
    return [
        Inspector(i.pk, i.unit_id, i.unit.group_id)
        for i in RoundInspector.objects.filter(round=round_).select_related("unit")
    ]


def _conflicts(round_):
    return set(
        ConflictDeclaration.objects.filter(inspector__round=round_).values_list(
            "inspector_id", "unit_id"
        )
    )


@transaction.atomic
def draw_round(*, by, round_, seed=None):
    """Draw (or redraw) the teams; the seed is recorded so the same seed draws the same."""
    _ensure_staff(by)
    round_ = InspectionRound.objects.select_for_update().get(pk=round_.pk)
    _ensure_draft(round_)
    seed = secrets.randbits(48) if seed is None else seed
    items = [
        Item(s.pk, s.unit_id, s.unit.group_id) for s in round_items(round_).select_related("unit")
    ]
    if not items:
        raise InspectionError(_("受检单位在本节点没有可检查的报送材料。"))
    try:
        teams = draw(
            items,
            _pool(round_),
            per_item=round_.inspectors_per_item,
            rule=round_.rule,
            seed=seed,
            conflicts=_conflicts(round_),
        )
    except DrawError as error:
        raise InspectionError(
            _("评审员不足：有报送材料只有%(eligible)d名符合条件的评审员，需要%(wanted)d名。")
            % {"eligible": error.eligible, "wanted": error.wanted}
        ) from error
    InspectionAssignment.objects.filter(round=round_).delete()
    InspectionAssignment.objects.bulk_create(
        InspectionAssignment(round=round_, submission_id=item_id, inspector_id=inspector_id)
        for item_id, inspector_ids in teams.items()
        for inspector_id in inspector_ids
    )
    round_.seed = seed
    round_.save(update_fields=["seed"])
    return round_


@transaction.atomic
def swap_inspector(*, by, assignment, to_inspector, reason):
    """Replace the inspector of one assignment; the new one must be eligible and free."""
    _ensure_staff(by)
    assignment = (
        InspectionAssignment.objects.select_for_update()
        .select_related("round", "submission__unit", "inspector")
        .get(pk=assignment.pk)
    )
    round_ = assignment.round
    if round_.status == InspectionRound.Status.CLOSED:
        raise InspectionError(_("轮次已结束，不能调换评审员。"))
    if not reason.strip():
        raise InspectionError(_("调换评审员必须写明原因。"))
    if to_inspector.round_id != round_.pk:
        raise InspectionError(_("该评审员不属于本轮次。"))
    if hasattr(assignment, "score"):
        raise InspectionError(_("该评审员已评分，不能调换。"))
    submission = assignment.submission
    item = Item(submission.pk, submission.unit_id, submission.unit.group_id)
    candidate = Inspector(to_inspector.pk, to_inspector.unit_id, to_inspector.unit.group_id)
    if not may_inspect(candidate, item, round_.rule, _conflicts(round_)):
        raise InspectionError(_("该评审员不符合抽取规则或已声明回避该单位。"))
    if InspectionAssignment.objects.filter(
        round=round_, submission=submission, inspector=to_inspector
    ).exists():
        raise InspectionError(_("该评审员已在本项的评审组中。"))
    AssignmentSwap.objects.create(
        assignment=assignment,
        from_inspector=assignment.inspector,
        to_inspector=to_inspector,
        reason=reason.strip(),
        by=by,
    )
    assignment.inspector = to_inspector
    assignment.save(update_fields=["inspector"])
    return assignment


@transaction.atomic
def set_round_status(round_, to_status, *, by, reason=""):
    """The only place a round's status changes; every move is recorded."""
    _ensure_staff(by)
    locked = InspectionRound.objects.select_for_update().get(pk=round_.pk)
    check_transition(ROUND_TRANSITIONS, locked.status, to_status, InspectionRound.Status)
    if to_status == InspectionRound.Status.PUBLISHED and not locked.assignments.exists():
        raise InspectionError(_("请先抽签，确认分工后再发布。"))
    InspectionRoundTransition.objects.create(
        round=locked, from_status=locked.status, to_status=to_status, by=by, reason=reason.strip()
    )
    locked.status = to_status
    locked.save(update_fields=["status"])
    round_.status = to_status
    return locked


def publish_round(round_, *, by):
    return set_round_status(round_, InspectionRound.Status.PUBLISHED, by=by)


def close_round(round_, *, by, reason=""):
    return set_round_status(round_, InspectionRound.Status.CLOSED, by=by, reason=reason)


@transaction.atomic
def score_item(assignment, *, by, grade="", score=None, comment=""):
    """An inspector's own score of an assigned item, while the round is open; saved again
    it replaces the earlier one. Graded items score as the review queue scores a grade."""
    assignment = (
        InspectionAssignment.objects.select_for_update()
        .select_related("round", "inspector", "submission__indicator")
        .get(pk=assignment.pk)
    )
    if assignment.inspector.user_id != by.pk:
        raise NotAllowed(_("这不是分配给您的评审项。"))
    if assignment.round.status != InspectionRound.Status.PUBLISHED:
        raise InspectionError(_("本轮联检联评不在检查期间。"))
    indicator = assignment.submission.indicator
    if indicator.kind == Indicator.Kind.GRADED:
        if grade not in Submission.Grade.values:
            raise InspectionError(_("请选择评档。"))
        score = graded_score(indicator, grade)
    else:
        grade = ""
        if score is None or not (0 <= score <= indicator.max_score):
            raise InspectionError(_("评分须在0到满分%(max)s之间。") % {"max": indicator.max_score})
    saved, _created = InspectorScore.objects.update_or_create(
        assignment=assignment,
        defaults={"grade": grade, "score": score, "comment": comment.strip()},
    )
    return saved
