"""Rectification notices through the API: issued by the committee, answered by the unit
administrator (with files), verified or sent back; scoped as on the web."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessment.models import Evidence, Rectification
from tests.api.conftest import ids
from tests.assessment.quarter_world import EXE_BYTES, PDF_BYTES

DEADLINE = (timezone.localdate() + dt.timedelta(days=60)).isoformat()


def test_committee_issues_a_notice(world, committee, as_user, plan):
    response = as_user(committee).post(
        "/api/v1/rectifications/",
        {
            "plan": plan.pk,
            "unit": world["unit_a"].pk,
            "branch": world["a2"].pk,
            "problem": "党员人数超过 100 人，需拆分支部。",
            "deadline": DEADLINE,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["branch"]) == ("issued", world["a2"].pk)


def test_branch_of_another_unit_is_refused_by_the_service(world, committee, as_user, plan):
    response = as_user(committee).post(
        "/api/v1/rectifications/",
        {
            "plan": plan.pk,
            "unit": world["unit_a"].pk,
            "branch": world["b1"].pk,
            "problem": "x",
            "deadline": DEADLINE,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"branch": ["所选党支部不属于该单位。"]}


@pytest.mark.parametrize("actor", ["leader", "unit_admin"])
def test_only_committee_staff_issue(request, world, as_user, plan, actor):
    response = as_user(request.getfixturevalue(actor)).post(
        "/api/v1/rectifications/",
        {"plan": plan.pk, "unit": world["unit_a"].pk, "problem": "x", "deadline": DEADLINE},
        format="json",
    )
    assert response.status_code == 403


def test_unit_admin_answers_with_a_file(unit_admin, as_user, notice):
    response = as_user(unit_admin).post(
        f"/api/v1/rectifications/{notice.pk}/answer/",
        {
            "measures": "已补齐 2025 年组织生活会记录。",
            "files": [SimpleUploadedFile("整改报告.pdf", PDF_BYTES)],
        },
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["measures"]) == ("answered", "已补齐 2025 年组织生活会记录。")
    assert len(body["evidence"]) == 1


def test_answer_without_measures_is_refused(unit_admin, as_user, notice):
    response = as_user(unit_admin).post(
        f"/api/v1/rectifications/{notice.pk}/answer/", {"measures": "  "}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"measures": ["请填写整改措施。"]}


def test_answer_with_a_refused_file_stores_nothing(unit_admin, as_user, notice):
    response = as_user(unit_admin).post(
        f"/api/v1/rectifications/{notice.pk}/answer/",
        {"measures": "已整改。", "files": [SimpleUploadedFile("a.pdf", EXE_BYTES)]},
        format="multipart",
    )
    assert response.status_code == 400
    assert Evidence.objects.count() == 0
    assert Rectification.objects.get(pk=notice.pk).status == Rectification.Status.ISSUED


def test_answering_twice_is_a_409(unit_admin, as_user, notice):
    client = as_user(unit_admin)
    client.post(f"/api/v1/rectifications/{notice.pk}/answer/", {"measures": "已整改。"})
    again = client.post(f"/api/v1/rectifications/{notice.pk}/answer/", {"measures": "再次"})
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "此通知已反馈，不能再填写反馈。"


@pytest.mark.parametrize("actor", ["secretary", "leader", "committee"])
def test_only_the_units_administrator_answers(request, as_user, notice, actor):
    response = as_user(request.getfixturevalue(actor)).post(
        f"/api/v1/rectifications/{notice.pk}/answer/", {"measures": "代答"}
    )
    assert response.status_code == 403


def test_outsider_never_sees_the_notice(outsider, as_user, notice):
    client = as_user(outsider)
    assert client.get("/api/v1/rectifications/").json()["count"] == 0
    assert client.get(f"/api/v1/rectifications/{notice.pk}/").status_code == 404


@pytest.mark.parametrize("actor", ["secretary", "unit_admin", "leader", "committee"])
def test_roles_covering_the_branch_see_the_notice(request, as_user, notice, actor):
    assert ids(as_user(request.getfixturevalue(actor)).get("/api/v1/rectifications/")) == [
        notice.pk
    ]


def test_committee_verifies_an_answered_notice(committee, unit_admin, as_user, notice):
    as_user(unit_admin).post(f"/api/v1/rectifications/{notice.pk}/answer/", {"measures": "已改"})
    response = as_user(committee).post(
        f"/api/v1/rectifications/{notice.pk}/verify/", {"comment": "核验属实"}
    )
    assert response.json()["status"] == "verified"
    events = as_user(committee).get(f"/api/v1/rectifications/{notice.pk}/events/").json()
    assert [e["to_status"] for e in events] == ["issued", "answered", "verified"]


def test_send_back_needs_a_reason(committee, unit_admin, as_user, notice):
    as_user(unit_admin).post(f"/api/v1/rectifications/{notice.pk}/answer/", {"measures": "已改"})
    response = as_user(committee).post(f"/api/v1/rectifications/{notice.pk}/send-back/", {})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"comment": ["退回时请写明还需整改的内容。"]}


def test_verifying_an_unanswered_notice_is_a_409(committee, as_user, notice):
    response = as_user(committee).post(f"/api/v1/rectifications/{notice.pk}/verify/", {})
    assert response.status_code == 409


def test_list_filters_by_status(committee, as_user, notice):
    client = as_user(committee)
    assert ids(client.get("/api/v1/rectifications/", {"status": "issued"})) == [notice.pk]
    assert ids(client.get("/api/v1/rectifications/", {"status": "verified"})) == []
