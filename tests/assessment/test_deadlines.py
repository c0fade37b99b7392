"""Deadlines and locks: late submissions are marked, closed periods refuse every change."""

import datetime as dt

import pytest

from assessment.models import Period, Submission
from assessment.services.periods import close_period, reopen_period
from assessment.services.review import accept
from assessment.services.submissions import PeriodLocked, submit_branch
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import fill, fill_all, item_url, submitted_world, today


def test_item_submitted_after_the_deadline_is_accepted_and_marked_late(
    world, secretary, period, items
):
    period.deadline = today() - dt.timedelta(days=2)
    period.save()
    fill_all(period, world["a1"], secretary, items)
    outcome = submit_branch(period, world["a1"], by=secretary)
    assert outcome.late is True
    assert sorted(Submission.objects.values_list("status", "is_late")) == [("submitted", True)] * 3


def test_item_submitted_on_the_deadline_day_is_in_time(world, secretary, period, items):
    fill_all(period, world["a1"], secretary, items)
    outcome = submit_branch(period, world["a1"], by=secretary, today=period.deadline)
    assert outcome.late is False


def test_late_submission_message_tells_the_secretary(client, world, secretary, period, items):
    period.deadline = today() - dt.timedelta(days=1)
    period.save()
    fill_all(period, world["a1"], secretary, items)
    client.force_login(secretary)
    response = client.post(f"/quarter/{period.pk}/{world['a1'].pk}/submit/", follow=True)
    assert "已过截止日期，本次提交记为逾期。" in str(list(response.context["messages"])[0])


def test_closed_period_refuses_edits_with_a_clear_message(
    client, world, secretary, committee, period, items
):
    close_period(period, by=committee)
    client.force_login(secretary)
    response = client.post(
        item_url(period, world["a1"], items["graded"]), {"narrative": "补交", "version": "0"}
    )
    expected = f"{period}已截止，材料和评分都不能再修改。如确需修改，请联系机关工委重新开放。"
    assert response.context["form"].non_field_errors() == [expected]
    assert expected in response.content.decode()
    assert not Submission.objects.exists()


def test_closed_period_refuses_review_too(world, secretary, committee, period, items):
    submitted_world(period, world["a1"], secretary, items)
    close_period(period, by=committee)
    submission = Submission.objects.get(indicator=items["graded"])
    with pytest.raises(PeriodLocked):
        accept(submission, by=committee, read_version=submission.version, grade="A")


def test_published_period_refuses_submit(client, world, secretary, committee, period, items):
    fill_all(period, world["a1"], secretary, items)
    close_period(period, by=committee)
    Period.objects.filter(pk=period.pk).update(status=Period.Status.PUBLISHED)
    client.force_login(secretary)
    response = client.post(f"/quarter/{period.pk}/{world['a1'].pk}/submit/", follow=True)
    assert "已发布，材料和评分都不能再修改" in str(list(response.context["messages"])[0])
    assert Submission.objects.filter(status="submitted").count() == 0


def test_reopened_period_accepts_changes_again(world, secretary, committee, period, items):
    close_period(period, by=committee)
    reopen_period(period, by=committee, reason="系统故障，延长补报")
    submission = fill(period, world["a1"], items["graded"], secretary, narrative="补报")
    assert submission.narrative == "补报"
