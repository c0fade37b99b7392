"""Cycles, plans, periods (with the committee's transitions), indicator systems and items."""

import pytest

from assessment.models import Period, PeriodTransition
from tests.api.conftest import ids, results


@pytest.mark.parametrize("actor", ["committee", "leader"])
def test_committee_and_leaders_read_cycles_plans_and_systems(request, as_user, plan, system, actor):
    client = as_user(request.getfixturevalue(actor))
    assert ids(client.get("/api/v1/cycles/")) == [plan.cycle.pk]
    assert ids(client.get("/api/v1/plans/")) == [plan.pk]
    assert ids(client.get("/api/v1/indicator-systems/")) == [system.pk]


@pytest.mark.parametrize("actor", ["secretary", "unit_admin", "nobody"])
def test_others_never_see_plans_or_systems(request, as_user, plan, system, actor):
    client = as_user(request.getfixturevalue(actor))
    assert client.get("/api/v1/plans/").json()["count"] == 0
    assert client.get(f"/api/v1/plans/{plan.pk}/").status_code == 404
    assert client.get(f"/api/v1/indicator-systems/{system.pk}/").status_code == 404


def test_secretary_reads_periods_and_items_to_fill_in(secretary, as_user, period, items):
    client = as_user(secretary)
    assert ids(client.get("/api/v1/periods/")) == [period.pk]
    assert client.get("/api/v1/indicators/", {"system": period.system_id}).json()["count"] == 4


def test_account_without_a_role_sees_no_period(nobody, as_user, period):
    assert as_user(nobody).get("/api/v1/periods/").json()["count"] == 0


def test_items_filter_by_standard_goal_and_kind(leader, as_user, items):
    client = as_user(leader)
    codes = lambda r: sorted(i["code"] for i in results(r))  # noqa: E731
    assert codes(client.get("/api/v1/indicators/", {"standard": "theory"})) == ["B3"]
    assert codes(client.get("/api/v1/indicators/", {"goal": "politics"})) == ["B2", "B3"]
    assert codes(client.get("/api/v1/indicators/", {"kind": "quantitative"})) == ["B2"]
    assert codes(client.get("/api/v1/indicators/", {"search": "学习"})) == ["B3"]
    ordered = results(client.get("/api/v1/indicators/", {"kind": "graded", "ordering": "-code"}))
    assert [i["code"] for i in ordered] == ["B3", "B1"]


def test_periods_filter_by_year_and_status(leader, as_user, period, previous_period):
    client = as_user(leader)
    assert ids(client.get("/api/v1/periods/", {"status": "open"})) == [period.pk]
    assert len(ids(client.get("/api/v1/periods/", {"year": period.plan.year}))) == 2


def test_committee_closes_and_publishes_a_period_through_the_service(committee, as_user, period):
    client = as_user(committee)
    closed = client.post(f"/api/v1/periods/{period.pk}/close/")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    published = client.post(f"/api/v1/periods/{period.pk}/publish/")
    assert published.json()["status"] == "published"
    moves = list(PeriodTransition.objects.values_list("from_status", "to_status"))
    assert moves == [("open", "closed"), ("closed", "published")]
    history = client.get(f"/api/v1/periods/{period.pk}/transitions/").json()
    assert [h["to_status"] for h in history] == ["closed", "published"]


def test_reopening_needs_a_reason(committee, as_user, period):
    Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    client = as_user(committee)
    refused = client.post(f"/api/v1/periods/{period.pk}/reopen/", {"reason": " "})
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"reason": ["重新开放已截止的节点必须写明原因。"]}
    reopened = client.post(f"/api/v1/periods/{period.pk}/reopen/", {"reason": "系统故障补报"})
    assert reopened.json()["status"] == "open"


def test_a_move_the_workflow_forbids_is_a_409(committee, as_user, period):
    response = as_user(committee).post(f"/api/v1/periods/{period.pk}/publish/")
    assert response.status_code == 409
    assert response.json()["error"] == {
        "status": 409,
        "code": "invalid_transition",
        "message": "不能从“报送中”变为“已发布”。",
        "fields": {},
    }


def test_opening_a_period_with_a_faulty_system_gives_the_services_reason(
    committee, as_user, plan, system, items
):
    from tests.factories import PeriodFactory

    draft = PeriodFactory(plan=plan, kind=Period.Kind.Q1)
    response = as_user(committee).post(f"/api/v1/periods/{draft.pk}/open/")
    assert response.status_code == 409
    assert response.json()["error"]["message"].startswith("指标体系第 1 版有")
    assert Period.objects.get(pk=draft.pk).status == Period.Status.DRAFT


@pytest.mark.parametrize("actor", ["leader", "secretary", "unit_admin"])
def test_only_committee_staff_move_periods(request, as_user, period, actor):
    response = as_user(request.getfixturevalue(actor)).post(f"/api/v1/periods/{period.pk}/close/")
    assert response.status_code == 403
    assert Period.objects.get(pk=period.pk).status == Period.Status.OPEN


def test_read_only_committee_token_cannot_move_periods(committee, with_token, period):
    response = with_token(committee, read_only=True).post(f"/api/v1/periods/{period.pk}/close/")
    assert response.status_code == 403


def test_committee_token_with_write_access_moves_periods(committee, with_token, period):
    response = with_token(committee).post(f"/api/v1/periods/{period.pk}/close/")
    assert response.json()["status"] == "closed"


def test_publishing_through_the_api_freezes_the_scores(committee, as_user, period):
    from assessment.models import ScoreSnapshot

    client = as_user(committee)
    client.post(f"/api/v1/periods/{period.pk}/close/")
    client.post(f"/api/v1/periods/{period.pk}/publish/")
    assert list(ScoreSnapshot.objects.filter(period=period).values_list("revision", flat=True)) == [
        1
    ]
