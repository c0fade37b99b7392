"""Organisation endpoints, token authentication and the error shape."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from units.models import Unit
from units.tokens import create_token


@pytest.fixture
def api():
    return APIClient()


def bearer(api, key):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


def names(response):
    return sorted(item["name"] for item in response.json()["results"])


def test_anonymous_request_gets_a_chinese_json_error(api, world):
    response = api.get("/api/v1/units/")
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "status": 401,
            "code": "not_authenticated",
            "message": "身份认证信息未提供。",
            "fields": {},
        }
    }


def test_token_scoped_to_one_unit_lists_only_that_units_branches(api, world, committee):
    _token, key = create_token(
        name="对接", user=committee, unit=world["unit_a"], created_by=committee
    )
    response = bearer(api, key).get("/api/v1/branches/")
    assert names(response) == ["甲厅第一党支部", "甲厅第二党支部"]
    assert response.json()["count"] == 2


def test_token_scoped_to_one_unit_gets_404_for_another_unit(api, world, committee):
    _token, key = create_token(
        name="对接", user=committee, unit=world["unit_a"], created_by=committee
    )
    response = bearer(api, key).get(f"/api/v1/units/{world['unit_b'].pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "对象不存在，或您无权查看。"


def test_token_acts_with_its_users_scope(api, world, secretary, committee):
    _token, key = create_token(name="工具", user=secretary, created_by=committee)
    assert names(bearer(api, key).get("/api/v1/branches/")) == ["甲厅第一党支部"]


def test_read_only_token_cannot_write(api, world, committee):
    _token, key = create_token(name="只读", user=committee, created_by=committee)
    response = bearer(api, key).patch(f"/api/v1/units/{world['unit_a'].pk}/", {"headcount": 1})
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "该令牌为只读令牌。"


def test_committee_token_with_write_access_updates_a_unit(api, world, committee):
    _token, key = create_token(name="写", user=committee, created_by=committee, read_only=False)
    response = bearer(api, key).patch(
        f"/api/v1/units/{world['unit_a'].pk}/", {"headcount": 250}, format="json"
    )
    assert response.status_code == 200
    assert Unit.objects.get(pk=world["unit_a"].pk).headcount == 250


def test_unit_scoped_committee_token_cannot_manage(api, world, committee):
    _token, key = create_token(
        name="写", user=committee, created_by=committee, unit=world["unit_a"], read_only=False
    )
    response = bearer(api, key).patch(
        f"/api/v1/units/{world['unit_a'].pk}/", {"headcount": 1}, format="json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize("change", ["revoked", "expired"])
def test_revoked_or_expired_token_is_refused(api, world, committee, change):
    token, key = create_token(name="x", user=committee, created_by=committee)
    if change == "revoked":
        token.revoked_at = timezone.now()
    else:
        token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save()
    response = bearer(api, key).get("/api/v1/units/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "令牌无效、已过期或已撤销。"


def test_token_is_stored_only_as_a_hash(world, committee):
    token, key = create_token(name="x", user=committee, created_by=committee)
    assert key not in (token.key_hash, token.prefix)
    assert len(token.key_hash) == 64


def test_validation_errors_name_the_field(api, world, committee):
    api.force_authenticate(committee)
    response = api.post("/api/v1/categories/", {"code": "", "name": ""}, format="json")
    body = response.json()["error"]
    assert response.status_code == 400
    assert set(body["fields"]) == {"code", "name"}
    assert body["fields"]["name"] == ["该字段不能为空。"]


def test_unit_list_filters_and_orders(api, world, leader):
    api.force_authenticate(leader)
    category = world["unit_b"].category.pk
    assert names(api.get("/api/v1/units/", {"category": category})) == ["省乙局"]
    ordered = api.get("/api/v1/units/", {"ordering": "-name"}).json()["results"]
    assert [u["name"] for u in ordered] == sorted([u["name"] for u in ordered], reverse=True)


def test_list_is_paginated(api, world, leader):
    api.force_authenticate(leader)
    body = api.get("/api/v1/branches/", {"page_size": 2}).json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert body["next"].endswith("page=2&page_size=2")


def test_leader_session_cannot_write(api, world, leader):
    api.force_authenticate(leader)
    assert api.delete(f"/api/v1/branches/{world['a1'].pk}/").status_code == 403


def test_schema_is_served(api, db):
    response = api.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/units/" in response.content
