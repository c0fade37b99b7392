# ruff: noqa: F811 - the fixtures imported below are parameters of the tests
"""系统取数 through the API: on-demand measuring of a period and the override of a measured
value, refused by the services to anyone but committee staff acting as such."""

from decimal import Decimal as D

import pytest

from assessment.models import Period, Submission, SubmissionEvent
from assessment.services.measures import override_measured, record_measures
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.test_measures import rectification_item, rectify  # noqa: F401
from units.errors import NotAllowed
from units.selectors import narrow_scope

pytestmark = pytest.mark.django_db


def measure(client, period):
    return client.post(f"/api/v1/periods/{period.pk}/measure/")


def test_committee_measures_a_period_on_demand(
    committee,
    as_user,
    period,
    rectification_item,
    world,
):
    rectify(period, world["a1"], committee, verified=True)
    rectify(period, world["a1"], committee, verified=False)
    response = measure(as_user(committee), period)
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 3, "updated": 0, "kept": []}
    rows = Submission.objects.filter(indicator=rectification_item, branch=world["a1"])
    assert [(r.status, r.value, r.measured_value) for r in rows] == [
        ("submitted", D("50.00"), D("50.00"))
    ]
    # Run twice, nothing changes.
    assert measure(as_user(committee), period).json() == {"created": 0, "updated": 0, "kept": []}


@pytest.mark.parametrize("actor", ["leader", "unit_admin", "secretary"])
def test_others_may_not_measure(request, as_user, period, rectification_item, actor):
    response = measure(as_user(request.getfixturevalue(actor)), period)
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "只有机关工委工作人员可以取数。"
    assert not Submission.objects.filter(indicator=rectification_item).exists()


@pytest.mark.parametrize("narrowed", [{"read_only": True}, {"unit": "unit_a"}])
def test_a_narrowed_committee_token_is_refused(
    request,
    committee,
    with_token,
    period,
    rectification_item,
    narrowed,
):
    if "unit" in narrowed:
        narrowed = {"unit": request.getfixturevalue("unit_a")}
    response = measure(with_token(committee, **narrowed), period)
    assert response.status_code == 403
    assert not Submission.objects.filter(indicator=rectification_item).exists()
    assert measure(with_token(committee), period).status_code == 200


def test_a_closed_period_is_not_measured(committee, as_user, period, rectification_item):
    Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    response = measure(as_user(committee), period)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "locked"


@pytest.fixture
def measured(committee, period, rectification_item, world):
    rectify(period, world["a1"], committee, verified=True)
    rectify(period, world["a1"], committee, verified=False)
    record_measures(period, by=committee)
    return Submission.objects.get(indicator=rectification_item, branch=world["a1"])


def override(client, row, **body):
    return client.post(
        f"/api/v1/reviews/{row.pk}/override/",
        {"version": row.version, "value": "75", "reason": "一件已整改待销号", **body},
        format="json",
    )


def test_committee_overrides_a_measured_value_with_a_reason(committee, as_user, measured):
    response = override(as_user(committee), measured)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["value"], body["measured_value"], body["override_reason"], body["status"]) == (
        "75.00",
        "50.00",
        "一件已整改待销号",
        "submitted",
    )
    event = SubmissionEvent.objects.get(submission=measured, action="override")
    assert (event.by, event.reason, event.changes) == (
        committee,
        "一件已整改待销号",
        {"value": ["50.00", "75.00"]},
    )


def test_an_override_needs_a_reason_and_a_possible_value(committee, as_user, measured):
    client = as_user(committee)
    response = override(client, measured, reason=" ")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "修正系统取数时请写明原因。"
    response = override(client, measured, value="120")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["value"] == [
        "“整改完成率（%）”填写了 120，应为 0 到 100 之间。"
    ]
    measured.refresh_from_db()
    assert (measured.value, measured.override_reason) == (D("50.00"), "")


def test_an_override_with_a_stale_version_conflicts(committee, as_user, measured):
    response = override(as_user(committee), measured, version=measured.version + 5)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "version_conflict"


@pytest.mark.parametrize("narrowed", [{"read_only": True}, {"unit": "unit_a"}])
def test_a_narrowed_token_may_not_override(request, committee, with_token, measured, narrowed):
    if "unit" in narrowed:
        narrowed = {"unit": request.getfixturevalue("unit_a")}
    response = override(with_token(committee, **narrowed), measured)
    assert response.status_code == 403
    measured.refresh_from_db()
    assert measured.override_reason == ""


@pytest.mark.parametrize("narrowed", [{"read_only": True}, {"unit": "unit_a"}])
def test_the_services_themselves_refuse_a_narrowed_scope(
    request, committee, period, measured, narrowed
):
    """Whatever door calls them: a committee member acting through a narrowed token."""
    if "unit" in narrowed:
        narrowed = {"unit_id": request.getfixturevalue("unit_a").pk}
    narrow_scope(committee, **narrowed)
    with pytest.raises(NotAllowed, match="只有机关工委工作人员可以取数。"):
        record_measures(period, by=committee)
    with pytest.raises(NotAllowed, match="只有机关工委工作人员可以修正系统取数。"):
        override_measured(
            measured, by=committee, read_version=measured.version, value=D("75"), reason="x"
        )


def test_a_leader_may_not_override(leader, as_user, measured):
    response = override(as_user(leader), measured)
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "只有机关工委工作人员可以修正系统取数。"
