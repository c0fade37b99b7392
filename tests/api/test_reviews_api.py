"""The committee's review through the API: the queue, accept with a grade or score, return."""

import pytest

from assessment.models import Submission
from tests.api.conftest import ids
from tests.assessment.quarter_world import submitted_world


@pytest.fixture
def submitted(world, secretary, period, items):
    submitted_world(period, world["a1"], secretary, items)
    return {
        key: Submission.objects.get(indicator=item, branch=world["a1"])
        for key, item in items.items()
    }


def test_queue_lists_what_awaits_the_committee(committee, as_user, submitted):
    assert ids(as_user(committee).get("/api/v1/reviews/")) == sorted(
        s.pk for s in submitted.values()
    )


@pytest.mark.parametrize("actor", ["secretary", "outsider", "nobody"])
def test_queue_is_empty_and_items_404_for_non_reviewers(request, as_user, submitted, actor):
    client = as_user(request.getfixturevalue(actor))
    assert client.get("/api/v1/reviews/").json()["count"] == 0
    assert client.get(f"/api/v1/reviews/{submitted['graded'].pk}/").status_code == 404


def test_committee_accepts_a_graded_item_with_its_grade(committee, as_user, submitted):
    item = submitted["graded"]
    response = as_user(committee).post(
        f"/api/v1/reviews/{item.pk}/accept/", {"version": item.version, "grade": "B"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["grade"], body["reviewer_score"]) == ("accepted", "B", "8.00")


def test_graded_item_without_a_grade_is_refused_with_the_services_message(
    committee, as_user, submitted
):
    item = submitted["graded"]
    response = as_user(committee).post(
        f"/api/v1/reviews/{item.pk}/accept/", {"version": item.version}
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "请先评档（A/B/C/D）再通过。"


def test_quantitative_item_takes_the_rules_score(committee, as_user, submitted):
    item = submitted["quantitative"]
    response = as_user(committee).post(
        f"/api/v1/reviews/{item.pk}/accept/", {"version": item.version}
    )
    assert response.json()["reviewer_score"] == "6.00"


def test_stale_version_is_a_409_with_the_current_item(committee, as_user, submitted):
    item = submitted["graded"]
    response = as_user(committee).post(
        f"/api/v1/reviews/{item.pk}/accept/", {"version": item.version - 1, "grade": "A"}
    )
    assert response.status_code == 409
    assert response.json()["error"]["current"]["status"] == "submitted"


def test_committee_returns_with_a_reason(committee, as_user, submitted):
    item = submitted["graded"]
    response = as_user(committee).post(
        f"/api/v1/reviews/{item.pk}/return/",
        {"version": item.version, "reason": "请补充会议记录原件。"},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["reviewer_comment"]) == ("returned", "请补充会议记录原件。")


def test_return_without_a_reason_is_refused(committee, as_user, submitted):
    item = submitted["graded"]
    response = as_user(committee).post(
        f"/api/v1/reviews/{item.pk}/return/", {"version": item.version, "reason": ""}
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "退回时请写明原因，支部书记会看到它。"


@pytest.mark.parametrize("actor", ["leader", "unit_admin"])
def test_only_committee_staff_accept(request, as_user, submitted, actor):
    item = submitted["graded"]
    response = as_user(request.getfixturevalue(actor)).post(
        f"/api/v1/reviews/{item.pk}/accept/", {"version": item.version, "grade": "A"}
    )
    assert response.status_code == 403
    assert Submission.objects.get(pk=item.pk).status == Submission.Status.SUBMITTED


def test_unit_admin_may_return_an_item_of_the_unit(unit_admin, as_user, submitted, plan):
    plan.require_unit_check = True
    plan.save()
    item = submitted["graded"]
    client = as_user(unit_admin)
    assert ids(client.get("/api/v1/reviews/")) == sorted(s.pk for s in submitted.values())
    response = client.post(
        f"/api/v1/reviews/{item.pk}/return/", {"version": item.version, "reason": "请补充。"}
    )
    assert response.json()["status"] == "returned"


def test_leader_reads_the_queue_but_cannot_return(leader, as_user, submitted):
    client = as_user(leader)
    assert client.get("/api/v1/reviews/").json()["count"] == 3
    item = submitted["graded"]
    response = client.post(
        f"/api/v1/reviews/{item.pk}/return/", {"version": item.version, "reason": "x"}
    )
    assert response.status_code == 403


def test_queue_filters_by_status_and_standard(committee, as_user, submitted):
    client = as_user(committee)
    item = submitted["graded"]
    client.post(f"/api/v1/reviews/{item.pk}/accept/", {"version": item.version, "grade": "A"})
    assert ids(client.get("/api/v1/reviews/", {"status": "accepted"})) == [item.pk]
    assert ids(client.get("/api/v1/reviews/", {"standard": "theory"})) == [
        submitted["with_file"].pk
    ]
    assert client.get("/api/v1/reviews/", {"status": "bogus"}).status_code == 400
