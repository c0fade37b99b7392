"""Unit list and detail: each role sees exactly its scope."""

import pytest


def visible_unit_names(client):
    response = client.get("/units/")
    assert response.status_code == 200
    return sorted(u.name for u in response.context["page"].object_list)


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("committee", ["省乙局", "省甲厅"]),
        ("leader", ["省乙局", "省甲厅"]),
        ("unit_admin", ["省甲厅"]),
        ("secretary", ["省甲厅"]),
        ("nobody", []),
    ],
)
def test_unit_list_shows_exactly_the_role_scope(client, world, request, actor, expected):
    client.force_login(request.getfixturevalue(actor))
    assert visible_unit_names(client) == expected


def test_unit_list_requires_login(client, world):
    response = client.get("/units/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unit_list_filters_by_category(client, world, committee):
    client.force_login(committee)
    category = world["unit_b"].category
    response = client.get("/units/", {"category": category.pk})
    assert [u.name for u in response.context["page"].object_list] == ["省乙局"]


def test_unit_list_searches_by_short_name(client, world, committee):
    client.force_login(committee)
    response = client.get("/units/", {"q": "甲厅"})
    assert [u.name for u in response.context["page"].object_list] == ["省甲厅"]


def test_unit_list_counts_only_visible_branches(client, world, secretary):
    client.force_login(secretary)
    unit = client.get("/units/").context["page"].object_list[0]
    assert (unit.branch_count, unit.member_total) == (1, 40)


def test_unit_list_shows_empty_state_when_nothing_matches(client, world, committee):
    client.force_login(committee)
    response = client.get("/units/", {"q": "不存在的单位"})
    assert "没有符合条件的单位" in response.content.decode()


def test_unit_detail_lists_branches_with_health_signal(client, world, committee):
    client.force_login(committee)
    response = client.get("/units/jia/")
    body = response.content.decode()
    assert [b.name for b in response.context["branches"]] == ["甲厅第一党支部", "甲厅第二党支部"]
    assert "党员超过100人，宜拆分" in body


def test_unit_detail_shows_party_staff_ratio(client, world, committee):
    client.force_login(committee)
    body = client.get("/units/jia/").content.decode()
    assert "占在编人数 1.50%" in body
    assert "党务干部配备达标" in body


def test_secretary_sees_only_own_branch_in_unit_detail(client, world, secretary):
    client.force_login(secretary)
    response = client.get("/units/jia/")
    assert [b.name for b in response.context["branches"]] == ["甲厅第一党支部"]


@pytest.mark.parametrize("actor", ["unit_admin", "secretary", "nobody"])
def test_unit_outside_scope_is_404(client, world, request, actor):
    client.force_login(request.getfixturevalue(actor))
    assert client.get("/units/yi/").status_code == 404


def test_unit_list_query_count_does_not_grow_with_units(
    client, world, committee, django_assert_num_queries
):
    from tests.factories import BranchFactory, UnitFactory

    client.force_login(committee)
    client.get("/units/")  # warm the session
    with django_assert_num_queries(8) as ctx:
        client.get("/units/")
    for _ in range(10):
        BranchFactory(unit=UnitFactory())
    with django_assert_num_queries(len(ctx.captured_queries)):
        client.get("/units/")
