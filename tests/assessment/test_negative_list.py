"""The negative list: staff put a unit on it with a reason and an effect; the unit sees it."""

from decimal import Decimal

import pytest

from assessment.models import NegativeListEntry
from tests.assessment.quarter_world import *  # noqa: F403
from tests.helpers import confirm_password


def test_staff_put_a_unit_on_the_list_with_deduction(client, world, committee, plan):
    client.force_login(committee)
    confirm_password(client)
    response = client.post(
        "/negative-list/",
        {
            "unit": world["unit_b"].pk,
            "reason": "发生违反中央八项规定精神问题",
            "effect": "deduction",
            "points": "5",
        },
    )
    assert response.status_code == 302
    entry = NegativeListEntry.objects.get()
    assert (entry.unit, entry.effect, entry.points, entry.plan) == (
        world["unit_b"],
        "deduction",
        Decimal("5.00"),
        plan,
    )


def test_deduction_needs_points(client, world, committee, plan):
    client.force_login(committee)
    confirm_password(client)
    response = client.post(
        "/negative-list/", {"unit": world["unit_b"].pk, "reason": "问题", "effect": "deduction"}
    )
    assert response.context["form"].errors["points"] == ["扣分处理须填写扣分分值。"]


def test_veto_has_no_points(client, world, committee, plan):
    client.force_login(committee)
    confirm_password(client)
    client.post(
        "/negative-list/",
        {"unit": world["unit_b"].pk, "reason": "发生严重违纪案件", "effect": "veto", "points": "3"},
    )
    assert NegativeListEntry.objects.get().points == 0


@pytest.fixture
def entry(world, committee, plan):
    return NegativeListEntry.objects.create(
        plan=plan,
        unit=world["unit_a"],
        reason="重大舆情处置不力",
        effect="veto",
        created_by=committee,
    )


def test_the_unit_sees_its_entry_and_others_do_not(client, unit_admin, outsider, entry):
    client.force_login(unit_admin)
    assert "重大舆情处置不力" in client.get("/negative-list/").content.decode()
    client.force_login(outsider)
    assert "重大舆情处置不力" not in client.get("/negative-list/").content.decode()


@pytest.mark.parametrize("actor", ["leader", "unit_admin"])
def test_only_committee_may_add(client, world, request, plan, actor):
    client.force_login(request.getfixturevalue(actor))
    response = client.post(
        "/negative-list/", {"unit": world["unit_a"].pk, "reason": "x", "effect": "veto"}
    )
    assert response.status_code == 403
