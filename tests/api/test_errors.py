"""The API always answers JSON in the documented error shape: unknown paths, deletes of
records still in use, server errors, and the 409 of an item that can no longer change."""

import logging

import pytest
from rest_framework.test import APIClient

from assessment.models import Evidence, Submission
from tests.assessment.quarter_world import store, submitted_world
from units.models import CoordinationGroup, Unit


def test_an_unknown_api_path_is_a_json_404(as_user, committee):
    response = as_user(committee).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {
            "status": 404,
            "code": "not_found",
            "message": "对象不存在，或您无权查看。",
            "fields": {},
        }
    }


def test_an_unknown_page_outside_the_api_stays_html(client, committee):
    client.force_login(committee)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_deleting_a_unit_with_evidence_is_a_409_naming_it(
    as_user, committee, world, secretary, period
):
    unit = world["unit_a"]
    evidence = store(world["a1"], period, secretary)
    response = as_user(committee).delete(f"/api/v1/units/{unit.pk}/")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "in_use"
    label = str(Evidence._meta.verbose_name)
    assert error["message"] == f"该记录仍被 1 条数据引用（{label}），不能删除；可改为停用。"
    assert error["references"] == [{"type": label, "id": str(evidence.pk), "name": str(evidence)}]
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_deleting_a_category_in_use_is_a_409(as_user, committee, world):
    category = world["unit_a"].category
    response = as_user(committee).delete(f"/api/v1/categories/{category.pk}/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "in_use"


def test_deleting_a_branch_with_evidence_is_a_409(as_user, committee, world, secretary, period):
    store(world["a1"], period, secretary)
    response = as_user(committee).delete(f"/api/v1/branches/{world['a1'].pk}/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "in_use"


def test_a_server_error_is_json_with_a_reference_logged(committee, world, monkeypatch, caplog):
    from units import api

    def explode(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(api.UnitViewSet, "get_queryset", explode)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(committee)
    with caplog.at_level(logging.ERROR, logger="config.api"):
        response = client.get("/api/v1/units/")
    assert response.status_code == 500
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (500, "server_error")
    assert len(error["reference"]) == 12
    assert f"API error {error['reference']}" in caplog.text


def test_a_locked_item_answers_with_its_current_state(world, secretary, as_user, period, items):
    submitted_world(period, world["a1"], secretary, items)
    submission = Submission.objects.get(indicator=items["graded"], branch=world["a1"])
    response = as_user(secretary).patch(
        f"/api/v1/submissions/{submission.pk}/",
        {"version": submission.version, "narrative": "改"},
        format="json",
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "locked"
    assert (error["current"]["id"], error["current"]["status"]) == (submission.pk, "submitted")


def test_deleting_a_group_with_units_is_a_409_and_keeps_them(as_user, committee, world):
    group = CoordinationGroup.objects.create(name="第一协作组")
    Unit.objects.filter(pk=world["unit_a"].pk).update(group=group)
    response = as_user(committee).delete(f"/api/v1/groups/{group.pk}/")
    assert response.status_code == 409
    assert response.json()["error"]["references"] == [
        {"type": "机关单位", "id": str(world["unit_a"].pk), "name": world["unit_a"].name}
    ]
    assert Unit.objects.get(pk=world["unit_a"].pk).group == group


@pytest.mark.parametrize("body", ["[1]", '"x"', "5", "null", "[]"])
def test_a_json_body_that_is_not_an_object_is_a_parse_error(as_user, unit_admin, notice, body):
    response = as_user(unit_admin).post(
        f"/api/v1/rectifications/{notice.pk}/answer/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert response.json()["error"]["message"] == "请求体应为 JSON 对象（{…}）。"


def test_json_nested_beyond_the_parsers_depth_is_a_parse_error(as_user, secretary):
    body = '{"a":' * 5000 + "1" + "}" * 5000
    response = as_user(secretary).post(
        "/api/v1/submissions/submit/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "JSON 嵌套层数过多。"


def test_a_number_beyond_what_the_database_stores_is_a_400(as_user, committee, world, period):
    response = as_user(committee).post(
        "/api/v1/inspection-rounds/",
        {
            "name": "第一轮",
            "period": period.pk,
            "units": [world["unit_a"].pk],
            "inspectors": [{"user": 2**63, "unit": world["unit_b"].pk}],
        },
        format="json",
    )
    # SQLite overflows on the lookup (OutOfRange); PostgreSQL compares it and finds no one.
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_a_narrowed_leader_answering_a_notice_is_403_not_a_field_error(
    with_token, leader, world, notice
):
    client = with_token(leader, unit=world["unit_a"])
    response = client.post(
        f"/api/v1/rectifications/{notice.pk}/answer/", {"measures": "x"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("actor", ["leader", "unit_admin", "secretary"])
def test_an_organisation_write_by_someone_who_may_not_is_403_before_validation(
    request, as_user, actor
):
    response = as_user(request.getfixturevalue(actor)).post(
        "/api/v1/categories/", {}, format="json"
    )
    assert response.json()["error"] == {
        "status": 403,
        "code": "permission_denied",
        "message": "只有工委工作人员可以修改组织数据。",
        "fields": {},
    }


def test_a_sample_beyond_any_round_is_a_field_error(as_user, committee, world, period):
    response = as_user(committee).post(
        "/api/v1/inspection-rounds/",
        {
            "name": "第一轮",
            "period": period.pk,
            "units": [world["unit_a"].pk],
            "item_selection": "count",
            "sample_count": 2**63,
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["sample_count"]


def test_a_second_branch_of_the_same_name_is_refused_in_plain_words(as_user, committee, world):
    response = as_user(committee).post(
        "/api/v1/branches/",
        {"unit": world["unit_a"].pk, "name": world["a1"].name, "secretary_name": "王"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "该单位已有同名的党支部。"
    assert response.json()["error"]["fields"] == {}
