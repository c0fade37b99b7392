"""Inspection rounds: set up by staff, drawn with a recorded seed, swapped with a reason,
published and closed through one recorded transition service."""

import pytest
from django.core.exceptions import PermissionDenied

from assessment.models import (
    AssignmentSwap,
    InspectionAssignment,
    InspectionRound,
    InspectionRoundTransition,
)
from assessment.services import inspection as service
from tests.assessment.inspection_world import *  # noqa: F403
from tests.factories import UserFactory
from units.workflow import TransitionNotAllowed


def team_units(round_):
    return sorted(
        InspectionAssignment.objects.filter(round=round_).values_list(
            "submission__branch__name", "inspector__unit__short_name"
        )
    )


def test_drawing_gives_each_item_two_inspectors_of_the_other_group(committee, round_):
    service.draw_round(by=committee, round_=round_, seed=11)
    round_.refresh_from_db()
    assert round_.seed == 11
    assert round_.status == InspectionRound.Status.DRAFT
    # The draft item is not inspected; 甲厅 and 乙局 (first group) go to the second group.
    assert team_units(round_) == [
        ("乙局第一党支部", "丁办"),
        ("乙局第一党支部", "丙委"),
        ("甲厅第一党支部", "丁办"),
        ("甲厅第一党支部", "丙委"),
        ("甲厅第二党支部", "丁办"),
        ("甲厅第二党支部", "丙委"),
    ]


def test_the_same_seed_redraws_the_same_teams(committee, round_, groups):
    service.name_inspector(
        by=committee, round_=round_, user=UserFactory(full_name="丙委王五"), unit=groups["unit_c"]
    )
    service.draw_round(by=committee, round_=round_, seed=5)
    first = sorted(round_.assignments.values_list("submission_id", "inspector_id"))
    service.draw_round(by=committee, round_=round_, seed=99)
    service.draw_round(by=committee, round_=round_, seed=5)
    assert sorted(round_.assignments.values_list("submission_id", "inspector_id")) == first
    assert round_.assignments.count() == 6


def test_a_declared_conflict_leaves_too_few_inspectors_and_the_draw_is_refused(
    committee, round_, world
):
    inspector = round_.inspectors.get(user__full_name="丙委张三")
    service.declare_conflict(
        by=committee, inspector=inspector, unit=world["unit_a"], reason="曾在甲厅任职"
    )
    with pytest.raises(service.InspectionError) as refused:
        service.draw_round(by=committee, round_=round_, seed=1)
    assert str(refused.value) == "评审员不足：有报送材料只有1名符合条件的评审员，需要2名。"
    assert not round_.assignments.exists()


def test_swap_needs_a_reason_and_an_eligible_free_inspector(committee, round_, groups, world):
    spare = service.name_inspector(
        by=committee, round_=round_, user=UserFactory(full_name="丙委王五"), unit=groups["unit_c"]
    )
    own_unit = service.name_inspector(
        by=committee, round_=round_, user=UserFactory(full_name="甲厅赵六"), unit=world["unit_a"]
    )
    service.draw_round(by=committee, round_=round_, seed=3)
    # Three inspectors, two per item: each item lacks exactly one; take one lacking the spare.
    assignment = (
        round_.assignments.exclude(submission__in=spare.assignments.values("submission"))
        .order_by("pk")
        .first()
    )
    with pytest.raises(service.InspectionError):
        service.swap_inspector(by=committee, assignment=assignment, to_inspector=spare, reason=" ")
    with pytest.raises(service.InspectionError) as refused:
        service.swap_inspector(
            by=committee, assignment=assignment, to_inspector=own_unit, reason="出差"
        )
    assert str(refused.value) == "该评审员不符合抽取规则或已声明回避该单位。"
    before = assignment.inspector
    service.swap_inspector(by=committee, assignment=assignment, to_inspector=spare, reason="出差")
    swap = AssignmentSwap.objects.get()
    assert (swap.from_inspector, swap.to_inspector, swap.reason, swap.by) == (
        before,
        spare,
        "出差",
        committee,
    )
    assignment.refresh_from_db()
    assert assignment.inspector == spare


def test_round_moves_draft_published_closed_and_every_move_is_recorded(committee, round_):
    with pytest.raises(service.InspectionError):
        service.publish_round(round_, by=committee)
    service.draw_round(by=committee, round_=round_, seed=2)
    service.publish_round(round_, by=committee)
    with pytest.raises(service.InspectionError):
        service.draw_round(by=committee, round_=round_, seed=4)
    service.close_round(round_, by=committee, reason="检查结束")
    with pytest.raises(TransitionNotAllowed):
        service.publish_round(round_, by=committee)
    moves = list(
        InspectionRoundTransition.objects.values_list("from_status", "to_status", "reason")
    )
    assert moves == [("draft", "published", ""), ("published", "closed", "检查结束")]
    assert InspectionRound.objects.get().status == "closed"


def test_only_committee_staff_organise_rounds(leader, unit_admin, period, world):
    for actor in (leader, unit_admin):
        with pytest.raises(PermissionDenied):
            service.create_round(by=actor, period=period, name="轮次", units=[world["unit_a"]])
    assert not InspectionRound.objects.exists()
