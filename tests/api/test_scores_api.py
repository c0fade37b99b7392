"""Scores and rankings, read from assessment.selectors.scores and narrowed to the scope."""

import pytest

from assessment.models import Submission
from assessment.scoring import engine
from assessment.services.review import accept
from tests.api.conftest import results
from tests.assessment.quarter_world import fill_all, submitted_world


@pytest.fixture
def scored(world, secretary, outsider, committee, period, items):
    """Branches A1 and B1 submit the quarter; everything is accepted and scored."""
    submitted_world(period, world["a1"], secretary, items)
    fill_all(period, world["b1"], outsider, items)
    from assessment.services.submissions import submit_branch

    submit_branch(period, world["b1"], by=outsider)
    for submission in Submission.objects.select_related("indicator", "period__plan"):
        accept(submission, by=committee, read_version=submission.version, grade="A")
    engine.recompute_period(period)
    return period


def test_committee_sees_every_units_score_by_rank(committee, as_user, scored, world):
    rows = results(as_user(committee).get("/api/v1/scores/", {"period": scored.pk}))
    assert sorted(r["unit_name"] for r in rows) == ["省乙局", "省甲厅"]
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)


@pytest.mark.parametrize("actor,units", [("unit_admin", ["省甲厅"]), ("outsider", ["省乙局"])])
def test_others_see_only_their_units(request, as_user, scored, actor, units):
    client = as_user(request.getfixturevalue(actor))
    rows = results(client.get("/api/v1/scores/", {"period": scored.pk}))
    assert [r["unit_name"] for r in rows] == units
    assert client.get("/api/v1/scores/", {"period": scored.pk}).json()["count"] == 1


def test_branch_level_is_narrowed_to_visible_branches(secretary, as_user, scored):
    rows = results(
        as_user(secretary).get("/api/v1/scores/", {"period": scored.pk, "level": "branch"})
    )
    assert [r["branch_name"] for r in rows] == ["甲厅第一党支部"]


def test_scores_filter_by_category_and_order_by_name(leader, as_user, scored, world):
    client = as_user(leader)
    category = world["unit_b"].category_id
    rows = results(client.get("/api/v1/scores/", {"period": scored.pk, "category": category}))
    assert [r["unit_name"] for r in rows] == ["省乙局"]
    rows = results(client.get("/api/v1/scores/", {"period": scored.pk, "ordering": "-name"}))
    assert [r["unit_name"] for r in rows] == ["省甲厅", "省乙局"]


def test_account_without_a_role_sees_no_score(nobody, as_user, scored):
    assert as_user(nobody).get("/api/v1/scores/", {"period": scored.pk}).json()["count"] == 0


def test_unknown_period_is_a_field_error(leader, as_user, scored):
    response = as_user(leader).get("/api/v1/scores/", {"period": 99999})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["period"]
