"""Reminder e-mails: before a deadline to secretaries with unsubmitted items; each once."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail

from assessment.models import Reminder
from assessment.services.reminders import send_deadline_reminders, send_return_reminder
from assessment.tasks import send_deadline_reminders as deadline_task
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import submitted_world, today


@pytest.fixture
def with_emails(secretary, outsider):
    secretary.email = "a1@example.org"
    secretary.save()
    outsider.email = "b1@example.org"
    outsider.save()


@pytest.fixture
def near_deadline(period):
    period.deadline = today() + dt.timedelta(days=settings.REMINDER_DAYS_BEFORE)
    period.save()
    return period


def test_deadline_reminder_goes_to_secretaries_with_unsubmitted_items(
    world, with_emails, near_deadline, items
):
    assert send_deadline_reminders() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a1@example.org", "b1@example.org"]
    body = next(m.body for m in mail.outbox if m.to == ["a1@example.org"])
    assert "还有 3 项未提交" in body


def test_deadline_reminder_is_sent_once(world, with_emails, near_deadline, items):
    deadline_task.delay()
    deadline_task.delay()
    assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 2


def test_branch_with_everything_submitted_gets_no_reminder(
    world, secretary, with_emails, near_deadline, items
):
    submitted_world(near_deadline, world["a1"], secretary, items)
    send_deadline_reminders()
    assert [m.to for m in mail.outbox] == [["b1@example.org"]]


def test_no_reminder_before_the_window(world, with_emails, period, items):
    period.deadline = today() + dt.timedelta(days=settings.REMINDER_DAYS_BEFORE + 1)
    period.save()
    assert send_deadline_reminders() == 0


def test_reminder_days_are_configurable(world, with_emails, period, items, settings):
    settings.REMINDER_DAYS_BEFORE = 10
    assert send_deadline_reminders() == 2


def test_return_reminder_is_sent_once_per_return(
    world, secretary, committee, with_emails, period, items
):
    from assessment.models import Submission
    from assessment.services.review import return_submission

    submitted_world(period, world["a1"], secretary, items)
    submission = Submission.objects.select_related("period").get(indicator=items["graded"])
    return_submission(submission, by=committee, read_version=submission.version, reason="请补充")
    assert send_return_reminder(submission.pk, submission.version) is True
    assert send_return_reminder(submission.pk, submission.version) is False
    assert len(mail.outbox) == 1
    assert "请补充" in mail.outbox[0].body


def test_beat_runs_the_deadline_reminders_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["assessment-deadline-reminders"]
    assert entry["task"] == "assessment.tasks.send_deadline_reminders"
