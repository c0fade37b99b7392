"""No lost updates: optimistic locking for reviewers and for the secretary's autosave."""

from decimal import Decimal

import pytest

from assessment.models import Submission
from assessment.services import review
from assessment.services.submissions import VersionConflict
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import fill, item_url, submitted_world
from tests.factories import user_with_role
from units.models import Role


@pytest.fixture
def second_reviewer(db):
    return user_with_role(Role.Kind.COMMITTEE, username="reviewer2", full_name="李审核")


def test_second_reviewer_scoring_at_once_gets_a_conflict(
    world, secretary, committee, second_reviewer, period, items
):
    submitted_world(period, world["a1"], secretary, items)
    first = Submission.objects.select_related("indicator", "period__plan").get(
        indicator=items["graded"]
    )
    second = Submission.objects.select_related("indicator", "period__plan").get(pk=first.pk)
    read = first.version
    review.accept(first, by=committee, read_version=read, grade="A")
    with pytest.raises(VersionConflict) as caught:
        review.accept(second, by=second_reviewer, read_version=read, grade="D")
    assert caught.value.current.reviewer_score == Decimal("10.00")
    second.refresh_from_db()
    assert (second.grade, second.reviewer_score) == ("A", Decimal("10.00"))


def test_second_reviewer_is_shown_the_first_score(
    client, world, secretary, committee, second_reviewer, period, items
):
    submitted_world(period, world["a1"], secretary, items)
    submission = Submission.objects.get(indicator=items["graded"])
    read = submission.version
    client.force_login(committee)
    client.post(
        f"/review/{submission.pk}/act/", {"action": "accept", "grade": "B", "version": read}
    )
    client.force_login(second_reviewer)
    response = client.post(
        f"/review/{submission.pk}/act/",
        {"action": "accept", "grade": "D", "version": read},
        follow=True,
    )
    text = str(list(response.context["messages"])[-1])
    assert text.startswith("此项已被 用户")
    assert text.endswith("当前状态：已通过；评档：B；得分：8.00。")
    assert response.context["selected"].pk == submission.pk


def test_autosave_with_a_stale_version_answers_409_with_current_text(
    client, world, secretary, period, items
):
    fill(period, world["a1"], items["graded"], secretary, narrative="另一处保存的内容")
    client.force_login(secretary)
    response = client.post(
        item_url(period, world["a1"], items["graded"], "autosave/"),
        {"narrative": "旧页面的内容", "version": "0"},
    )
    assert response.status_code == 409
    assert response.json()["values"]["narrative"] == "另一处保存的内容"
    assert Submission.objects.get().narrative == "另一处保存的内容"


def test_autosave_saves_and_returns_the_new_version(client, world, secretary, period, items):
    client.force_login(secretary)
    url = item_url(period, world["a1"], items["graded"], "autosave/")
    first = client.post(url, {"narrative": "草稿一", "version": "0"}).json()
    second = client.post(url, {"narrative": "草稿二", "version": first["version"]}).json()
    assert (first["version"], second["version"]) == (2, 3)
    assert Submission.objects.get().narrative == "草稿二"


def test_autosave_answers_json_401_when_the_session_expired(client, world, period, items):
    response = client.post(
        item_url(period, world["a1"], items["graded"], "autosave/"),
        {"narrative": "长长的说明", "version": "0"},
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "login_required"
    assert not Submission.objects.exists()


def test_upload_answers_json_401_when_the_session_expired(client, world, period, items):
    response = client.post(item_url(period, world["a1"], items["graded"], "upload/"), {})
    assert response.status_code == 401


def test_autosave_in_a_closed_period_answers_423(
    client, world, secretary, committee, period, items
):
    from assessment.services.periods import close_period

    close_period(period, by=committee)
    client.force_login(secretary)
    response = client.post(
        item_url(period, world["a1"], items["graded"], "autosave/"),
        {"narrative": "x", "version": "0"},
    )
    assert response.status_code == 423
    assert "已截止" in response.json()["message"]
