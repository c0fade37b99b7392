"""An inspector's work: only their own items while the round is open, blind scoring."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from assessment.selectors.inspection import assignments_of, team_scores
from assessment.services import inspection as service
from tests.assessment.inspection_world import *  # noqa: F403


@pytest.fixture
def published(committee, round_):
    service.draw_round(by=committee, round_=round_, seed=21)
    return round_


def inspector(round_, name):
    return round_.inspectors.get(user__full_name=name)


def test_an_inspector_sees_only_own_items_and_only_while_the_round_is_open(committee, published):
    zhang = inspector(published, "丙委张三")
    assert not assignments_of(zhang.user).exists()  # not yet published
    service.publish_round(published, by=committee)
    assert set(assignments_of(zhang.user)) == set(zhang.assignments.all())
    assert assignments_of(zhang.user).count() == 3
    service.close_round(published, by=committee)
    assert not assignments_of(zhang.user).exists()


def test_others_scores_stay_hidden_until_ones_own_is_saved(committee, published):
    service.publish_round(published, by=committee)
    zhang, li = inspector(published, "丙委张三"), inspector(published, "丁办李四")
    mine = zhang.assignments.order_by("submission_id").first()
    theirs = li.assignments.get(submission=mine.submission)
    service.score_item(theirs, by=li.user, grade="B", comment="记录基本完整")
    assert team_scores(mine) is None
    saved = service.score_item(mine, by=zhang.user, grade="A")
    assert saved.score == Decimal("10.00")
    assert [(s.grade, s.score, s.comment) for s in team_scores(mine)] == [
        ("B", Decimal("8.00"), "记录基本完整")
    ]


def test_an_inspector_cannot_score_another_inspectors_item_nor_after_closing(committee, published):
    service.publish_round(published, by=committee)
    zhang, li = inspector(published, "丙委张三"), inspector(published, "丁办李四")
    theirs = li.assignments.first()
    with pytest.raises(PermissionDenied):
        service.score_item(theirs, by=zhang.user, grade="A")
    with pytest.raises(service.InspectionError):
        service.score_item(theirs, by=li.user, grade="")
    service.close_round(published, by=committee)
    with pytest.raises(service.InspectionError):
        service.score_item(theirs, by=li.user, grade="A")
    assert not theirs.__class__.objects.filter(score__isnull=False).exists()


def test_the_worklist_page_scores_blind_and_hides_others_items(client, committee, published):
    service.publish_round(published, by=committee)
    zhang, li = inspector(published, "丙委张三"), inspector(published, "丁办李四")
    mine = zhang.assignments.order_by("submission_id").first()
    theirs = li.assignments.get(submission=mine.submission)
    service.score_item(theirs, by=li.user, grade="C", comment="会议记录缺失")
    client.force_login(zhang.user)
    page = client.get("/inspection/mine/")
    assert [row["assignment"] for row in page.context["rows"]] == list(
        zhang.assignments.order_by("submission__unit__name", "submission__indicator__position")
    )
    assert "会议记录缺失" not in client.get(f"/inspection/mine/?s={mine.pk}").content.decode()
    response = client.post(f"/inspection/items/{mine.pk}/score/", {"grade": "B"})
    assert response["Location"] == f"/inspection/mine/?s={mine.pk}"
    assert "会议记录缺失" in client.get(f"/inspection/mine/?s={mine.pk}").content.decode()
    assert client.post(f"/inspection/items/{theirs.pk}/score/", {"grade": "A"}).status_code == 404
    theirs.score.refresh_from_db()
    assert theirs.score.grade == "C"
