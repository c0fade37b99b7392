import pytest


def visible_branch_names(client, **params):
    response = client.get("/branches/", params)
    assert response.status_code == 200
    return sorted(b.name for b in response.context["page"].object_list)


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("committee", ["乙局第一党支部", "甲厅第一党支部", "甲厅第二党支部"]),
        ("leader", ["乙局第一党支部", "甲厅第一党支部", "甲厅第二党支部"]),
        ("unit_admin", ["甲厅第一党支部", "甲厅第二党支部"]),
        ("secretary", ["甲厅第一党支部"]),
        ("outsider", ["乙局第一党支部"]),
        ("nobody", []),
    ],
)
def test_branch_list_shows_exactly_the_role_scope(client, world, request, actor, expected):
    client.force_login(request.getfixturevalue(actor))
    assert visible_branch_names(client) == expected


def test_branch_list_filters_oversized_branches(client, world, committee):
    client.force_login(committee)
    assert visible_branch_names(client, oversized="on") == ["甲厅第二党支部"]


def test_branch_detail_shows_secretary_account(client, world, secretary):
    client.force_login(secretary)
    body = client.get(f"/branches/{world['a1'].pk}/").content.decode()
    assert "甲厅第一党支部" in body
    assert "secretary" in body


@pytest.mark.parametrize(
    ("actor", "branch", "status"),
    [
        ("secretary", "a1", 200),
        ("secretary", "a2", 404),
        ("secretary", "b1", 404),
        ("outsider", "a1", 404),
        ("unit_admin", "a2", 200),
        ("unit_admin", "b1", 404),
        ("leader", "b1", 200),
        ("committee", "b1", 200),
    ],
)
def test_branch_detail_respects_scope(client, world, request, actor, branch, status):
    client.force_login(request.getfixturevalue(actor))
    assert client.get(f"/branches/{world[branch].pk}/").status_code == status
