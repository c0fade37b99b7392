"""The joint inspection API: the same services and selectors as the pages."""

import pytest

from assessment.models import InspectionRound, InspectionVerdict
from assessment.services import inspection as service
from tests.assessment.inspection_world import *  # noqa: F403
from tests.factories import UserFactory


@pytest.fixture
def published(committee, round_):
    service.draw_round(by=committee, round_=round_, seed=21)
    service.publish_round(round_, by=committee)
    return round_


def test_staff_create_draw_and_publish_a_round(as_user, committee, period, world, groups, items):
    client = as_user(committee)
    zhang, li = UserFactory(full_name="张"), UserFactory(full_name="李")
    response = client.post(
        "/api/v1/inspection-rounds/",
        {
            "name": "接口建的轮次",
            "period": period.pk,
            "units": [world["unit_a"].pk, world["unit_b"].pk],
            "agreed_rule": "median",
            "inspectors": [
                {"user": zhang.pk, "unit": groups["unit_c"].pk},
                {"user": li.pk, "unit": groups["unit_d"].pk},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["agreed_rule"] == "median"
    not_drawn = client.post(f"/api/v1/inspection-rounds/{pk}/publish/")
    assert (not_drawn.status_code, not_drawn.json()["error"]["code"]) == (409, "invalid_transition")
    drawn = client.post(f"/api/v1/inspection-rounds/{pk}/draw/", {"seed": 9}, format="json")
    assert drawn.json()["seed"] == 9
    assert client.post(f"/api/v1/inspection-rounds/{pk}/publish/").json()["status"] == "published"
    assert InspectionRound.objects.get(pk=pk).assignments.count() == 6


def test_only_staff_reach_rounds_and_verdicts(as_user, unit_admin, leader, published):
    for user in (unit_admin, leader, published.inspectors.first().user):
        client = as_user(user)
        assert client.get("/api/v1/inspection-rounds/").status_code == 403
        assert client.get("/api/v1/inspection-verdicts/").status_code == 403
        assert client.post(f"/api/v1/inspection-rounds/{published.pk}/close/").status_code == 403


def test_inspector_scores_blind_and_staff_settle_and_arbitrate(as_user, committee, published):
    zhang = published.inspectors.get(user__full_name="丙委张三")
    li = published.inspectors.get(user__full_name="丁办李四")
    mine = as_user(zhang.user).get("/api/v1/inspection-assignments/").json()
    assert mine["count"] == 3
    first = mine["results"][0]
    assert (first["own_score"], first["team_scores"]) == (None, None)
    for inspector, grade in ((li, "D"), (zhang, "A")):
        client = as_user(inspector.user)
        for row in client.get("/api/v1/inspection-assignments/").json()["results"]:
            answer = client.post(
                f"/api/v1/inspection-assignments/{row['id']}/score/",
                {"grade": grade, "comment": grade},
                format="json",
            )
            assert answer.status_code == 200
    answer = as_user(zhang.user).get(f"/api/v1/inspection-assignments/{first['id']}/").json()
    assert answer["own_score"]["grade"] == "A"
    assert [s["grade"] for s in answer["team_scores"]] == ["D"]
    others = li.assignments.first()
    assert (
        as_user(zhang.user).get(f"/api/v1/inspection-assignments/{others.pk}/").status_code == 404
    )
    staff = as_user(committee)
    settled = staff.post(f"/api/v1/inspection-rounds/{published.pk}/settle/").json()
    assert settled == {"agreed": 0, "pending": 3, "skipped": 0}
    figures = staff.get(f"/api/v1/inspection-rounds/{published.pk}/figures/").json()
    assert figures["overall"]["items"] == 3
    assert figures["overall"]["mean_abs_diff"] == 60.0
    assert [row["flag"] for row in figures["leniency"]] == ["lenient", "severe"]
    pending = staff.get(f"/api/v1/inspection-verdicts/?round={published.pk}&outcome=pending")
    verdict = pending.json()["results"][0]
    assert sorted(s["grade"] for s in verdict["scores"]) == ["A", "D"]
    refused = staff.post(
        f"/api/v1/inspection-verdicts/{verdict['id']}/arbitrate/", {"grade": "B"}, format="json"
    )
    assert refused.status_code == 400
    done = staff.post(
        f"/api/v1/inspection-verdicts/{verdict['id']}/arbitrate/",
        {"grade": "B", "comment": "折中"},
        format="json",
    )
    assert done.json()["outcome"] == InspectionVerdict.Outcome.ARBITRATED
    assert done.json()["score"] == "8.00"


def test_closing_ends_an_inspectors_access(as_user, committee, published):
    zhang = published.inspectors.get(user__full_name="丙委张三")
    own = zhang.assignments.first()
    service.close_round(published, by=committee)
    client = as_user(zhang.user)
    assert client.get("/api/v1/inspection-assignments/").json()["count"] == 0
    answer = client.post(
        f"/api/v1/inspection-assignments/{own.pk}/findings/", {"text": "x"}, format="json"
    )
    assert answer.status_code == 404


def test_the_assignment_list_keeps_its_queries_as_items_grow(as_user, committee, published):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    zhang = published.inspectors.get(user__full_name="丙委张三")
    for assignment in published.assignments.select_related("inspector__user"):
        service.score_item(assignment, by=assignment.inspector.user, grade="B")
    client = as_user(zhang.user)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/v1/inspection-assignments/").json()["count"] == 3
    again = service.create_round(
        by=committee,
        period=published.period,
        name="第二轮",
        units=list(published.units.all()),
        inspectors=[(i.user, i.unit) for i in published.inspectors.all()],
    )
    service.draw_round(by=committee, round_=again, seed=2)
    service.publish_round(again, by=committee)
    for assignment in again.assignments.select_related("inspector__user"):
        service.score_item(assignment, by=assignment.inspector.user, grade="A")
    with CaptureQueriesContext(connection) as large:
        assert client.get("/api/v1/inspection-assignments/").json()["count"] == 6
    assert len(large) == len(small)
