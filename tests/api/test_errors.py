"""The API always answers JSON in the documented error shape: unknown paths, deletes of
records still in use, server errors, and the 409 of an item that can no longer change."""

import logging

from rest_framework.test import APIClient

from assessment.models import Evidence, Submission
from tests.assessment.quarter_world import store, submitted_world
from units.models import Unit


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
