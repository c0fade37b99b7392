"""The problem ledger through the API: scoped like the web, actions through the services,
figures at a constant query count."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment.models import Problem
from assessment.services import ledger
from tests.api.conftest import ids
from tests.assessment.quarter_world import pdf


@pytest.fixture
def problems(world, committee):
    return [
        ledger.raise_problem(
            committee,
            unit=world[unit],
            source=Problem.Source.SUPERVISION,
            description=f"问题{i}",
            found_on=timezone.localdate() - dt.timedelta(days=20),
            deadline=timezone.localdate() - dt.timedelta(days=1),
        )
        for i, unit in enumerate(["unit_a", "unit_a", "unit_b"])
    ]


def test_a_unit_lists_only_its_own(unit_admin, as_user, problems):
    assert ids(as_user(unit_admin).get("/api/v1/problems/")) == [p.pk for p in problems[:2]]
    assert as_user(unit_admin).get(f"/api/v1/problems/{problems[2].pk}/").status_code == 404


def test_answer_then_verify_through_the_services(committee, unit_admin, as_user, problems):
    own = problems[0]
    response = as_user(unit_admin).post(
        f"/api/v1/problems/{own.pk}/answer/", {"answer": "已整改"}, format="json"
    )
    assert response.json()["status"] == "answered"
    refused = as_user(unit_admin).post(f"/api/v1/problems/{own.pk}/verify/", {}, format="json")
    assert refused.status_code == 403
    response = as_user(committee).post(f"/api/v1/problems/{own.pk}/verify/", {}, format="json")
    assert response.json()["status"] == "verified"
    again = as_user(committee).post(f"/api/v1/problems/{own.pk}/verify/", {}, format="json")
    assert again.status_code == 409
    events = as_user(unit_admin).get(f"/api/v1/problems/{own.pk}/events/").json()
    assert [e["to_status"] for e in events] == ["open", "answered", "verified"]


def test_read_only_token_cannot_verify(committee, with_token, problems):
    client = with_token(committee, read_only=True)
    assert client.get("/api/v1/problems/").status_code == 200
    response = client.post(f"/api/v1/problems/{problems[0].pk}/verify/", {}, format="json")
    assert response.status_code == 403


def test_unit_admin_raises_only_self_found(world, unit_admin, as_user):
    body = {"unit": world["unit_a"].pk, "source": "audit", "description": "x"}
    assert as_user(unit_admin).post("/api/v1/problems/", body, format="json").status_code == 403
    body["source"] = "self_found"
    response = as_user(unit_admin).post("/api/v1/problems/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["source_label"] == "自查发现"


def test_figures_constant_queries(world, committee, as_user, problems):
    client = as_user(committee)
    with CaptureQueriesContext(connection) as small:
        first = client.get("/api/v1/problems/figures/").json()
    for i in range(30):
        ledger.raise_problem(
            committee, unit=world["unit_b"], source=Problem.Source.TOUR, description=f"再{i}"
        )
    with CaptureQueriesContext(connection) as large:
        second = client.get("/api/v1/problems/figures/").json()
    assert len(small) == len(large)
    assert (first["total"]["found"], first["total"]["due"], first["total"]["rate"]) == (
        3,
        3,
        "0.0",
    )
    assert first["total"]["line"] == "整改问题 3 个，整改措施 0 条，整改率 0.0%"
    assert second["total"]["found"] == 33
    assert [row["label"] for row in second["by_source"]] == ["巡视巡察发现", "督查发现"]


def test_a_measure_marked_done_with_evidence(committee, unit_admin, as_user, with_token, problems):
    measure = ledger.add_measure(
        by=unit_admin,
        problems=[problems[0]],
        description="修订制度",
        owner="李四",
        due_on=dt.date.today() + dt.timedelta(days=5),
    )
    url = f"/api/v1/problems/{problems[0].pk}/measure-done/"
    day = dt.date.today().isoformat()
    read_only = with_token(committee, read_only=True)
    assert (
        read_only.post(url, {"measure": measure.pk, "done_on": day}, format="json").status_code
        == 403
    )
    assert (
        as_user(committee)
        .post(
            f"/api/v1/problems/{problems[2].pk}/measure-done/",
            {"measure": measure.pk, "done_on": day},
            format="json",
        )
        .status_code
        == 404
    )
    response = as_user(unit_admin).post(
        url, {"measure": measure.pk, "done_on": day, "files": [pdf("措施.pdf")]}, format="multipart"
    )
    body = response.json()
    assert (response.status_code, body["done_on"], body["done_late"], len(body["evidence"])) == (
        200,
        day,
        False,
        1,
    )


def test_a_deadline_given_is_kept_and_checked(world, committee, as_user):
    found = timezone.localdate() - dt.timedelta(days=10)
    client = as_user(committee)
    body = {"unit": world["unit_a"].pk, "source": "audit", "description": "账目问题"}
    kept = client.post(
        "/api/v1/problems/",
        {
            **body,
            "found_on": found.isoformat(),
            "deadline": (found + dt.timedelta(days=40)).isoformat(),
        },
        format="json",
    )
    assert kept.status_code == 201, kept.content
    assert kept.json()["deadline"] == (found + dt.timedelta(days=40)).isoformat()
    backwards = client.post(
        "/api/v1/problems/",
        {
            **body,
            "found_on": found.isoformat(),
            "deadline": (found - dt.timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert backwards.status_code == 400
    assert list(backwards.json()["error"]["fields"]) == ["deadline"]
