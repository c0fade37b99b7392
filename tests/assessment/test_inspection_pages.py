"""The round page: staff see the plan before publishing, draw, swap and publish from it."""

import pytest

from assessment.models import AssignmentSwap, InspectionRound
from assessment.services import inspection as service
from tests.assessment.inspection_world import *  # noqa: F403
from tests.factories import UserFactory


def test_staff_draw_with_a_seed_and_see_the_plan_before_publishing(client, committee, round_):
    client.force_login(committee)
    response = client.post(f"/inspection/{round_.pk}/draw/", {"seed": "21"})
    assert response["Location"] == f"/inspection/{round_.pk}/"
    page = client.get(f"/inspection/{round_.pk}/")
    assert page.context["round"].seed == 21
    assert page.context["round"].status == InspectionRound.Status.DRAFT
    assert len(page.context["plan"]) == 6
    assert [(i.user.full_name, i.item_count) for i in page.context["pool"]] == [
        ("丁办李四", 3),
        ("丙委张三", 3),
    ]
    assert "确认分工并发布" in page.content.decode()


def test_publishing_before_drawing_is_refused_with_a_message(client, committee, round_):
    client.force_login(committee)
    client.post(f"/inspection/{round_.pk}/publish/")
    page = client.get(f"/inspection/{round_.pk}/")
    assert [str(m) for m in page.context["messages"]] == ["请先抽签，确认分工后再发布。"]
    round_.refresh_from_db()
    assert round_.status == InspectionRound.Status.DRAFT


def test_swap_from_the_page_records_the_reason(client, committee, round_, groups):
    spare = service.name_inspector(
        by=committee, round_=round_, user=UserFactory(full_name="丙委王五"), unit=groups["unit_c"]
    )
    service.draw_round(by=committee, round_=round_, seed=3)
    assignment = round_.assignments.exclude(
        submission__in=spare.assignments.values("submission")
    ).first()
    client.force_login(committee)
    client.post(
        f"/inspection/assignments/{assignment.pk}/swap/",
        {"to_inspector": spare.pk, "reason": "评审员出差"},
    )
    assert AssignmentSwap.objects.get().reason == "评审员出差"


@pytest.mark.parametrize("actor", ["leader", "unit_admin", "secretary"])
def test_only_staff_reach_the_round_pages(client, request, actor, round_):
    client.force_login(request.getfixturevalue(actor))
    assert client.get("/inspection/").status_code == 403
    assert client.get(f"/inspection/{round_.pk}/").status_code == 403
    assert client.post(f"/inspection/{round_.pk}/draw/").status_code == 403
    assert not round_.assignments.exists()


def test_the_swap_list_offers_only_inspectors_the_rule_allows(
    client, committee, round_, groups, world
):
    """Inspectors of the inspected group (甲厅刘洋, 乙局赵六) are never offered; 丁办王五 is,
    except for 甲厅, with which he declared a conflict; nor is anyone already on the team."""
    for name, unit in (("甲厅刘洋", world["unit_a"]), ("乙局赵六", world["unit_b"])):
        user = UserFactory(full_name=name)
        service.name_inspector(by=committee, round_=round_, user=user, unit=unit)
    wang = service.name_inspector(
        by=committee, round_=round_, user=UserFactory(full_name="丁办王五"), unit=groups["unit_d"]
    )
    service.declare_conflict(by=committee, inspector=wang, unit=world["unit_a"], reason="曾任职")
    service.draw_round(by=committee, round_=round_, seed=3)
    client.force_login(committee)

    rows = client.get(f"/inspection/{round_.pk}/").context["plan_rows"]

    teams = {}
    for assignment, _choices in rows:
        teams.setdefault(assignment.submission_id, set()).add(assignment.inspector.user.full_name)
    assert len(rows) == 6
    for assignment, choices in rows:
        allowed = {"丙委张三", "丁办李四"}
        if assignment.submission.unit == world["unit_b"]:
            allowed.add("丁办王五")
        expected = sorted(allowed - teams[assignment.submission_id])
        assert sorted(i.user.full_name for i in choices) == expected


def test_a_scored_assignment_offers_no_swap_and_a_bad_choice_is_a_message(
    client, committee, round_, items
):
    service.draw_round(by=committee, round_=round_, seed=3)
    service.publish_round(round_, by=committee)
    scored = round_.assignments.filter(submission=items[0]).first()
    service.score_item(scored, by=scored.inspector.user, grade="B", comment="材料齐全")
    client.force_login(committee)

    rows = dict(client.get(f"/inspection/{round_.pk}/").context["plan_rows"])
    response = client.post(
        f"/inspection/assignments/{scored.pk}/swap/",
        {"to_inspector": "999999", "reason": "出差"},
        follow=True,
    )

    assert rows[scored] == []
    assert [str(m) for m in response.context["messages"]] == [
        "请选择本轮次中符合抽取规则的评审员。"
    ]
    assert not AssignmentSwap.objects.exists()
