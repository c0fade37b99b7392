"""Redis stopped (issue 10 §5): the public form and evidence submission still work; report
jobs asked for meanwhile stay queued and run once Redis is back (the reports sweep).

The app's cache and Celery broker point at a private redis-server that the test stops."""

import time

import pytest
from django.core.cache import cache
from django.test import override_settings

from feedback.models import Rating
from reports import services
from reports.models import ReportJob
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import fill, item_url, pdf
from tests.faults.conftest import (
    BASE_DIR,
    celery_broker,
    needs_postgres_test_database,
    site_environment,
)
from tests.faults.worker import celery_worker

pytestmark = [pytest.mark.redis, pytest.mark.faults]


def redis_cache(url):
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }
    )


@pytest.fixture
def redis_down(private_redis):
    """Cache and broker on the private Redis, which is then stopped."""
    with redis_cache(private_redis.url), celery_broker(private_redis.url):
        cache.set("probe", 1)
        assert cache.get("probe") == 1  # really on the private server
        private_redis.stop()
        yield private_redis


def test_public_rating_is_stored_while_redis_is_down(
    client, unit_a, redis_down, caplog, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/rate/{unit_a.slug}/", {"level": "satisfied", "comment": "好"})
    assert response.status_code == 302
    assert time.monotonic() - started < 5
    rating = Rating.objects.get()
    assert response["Location"] == f"/rate/receipt/{rating.receipt}/?new=1"
    assert "cache unavailable, accepting" in caplog.text
    assert client.get(response["Location"]).status_code == 200


def test_evidence_upload_and_submission_work_while_redis_is_down(
    client, world, secretary, period, items, redis_down, django_capture_on_commit_callbacks
):
    from assessment.models import Submission

    client.force_login(secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            item_url(period, world["a1"], items["with_file"]),
            {"narrative": "见附件", "version": "0", "files": [pdf()]},
        )
    assert response.status_code == 302
    fill(period, world["a1"], items["graded"], secretary, narrative="按月召开支委会")
    fill(period, world["a1"], items["quantitative"], secretary, value=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/quarter/{period.pk}/{world['a1'].pk}/submit/")
    assert response.status_code == 302
    assert Submission.objects.filter(status="submitted").count() == 3


@pytest.mark.parametrize(("action", "status"), [("accept", "accepted"), ("return", "returned")])
def test_committee_review_works_while_redis_is_down(
    action,
    status,
    client,
    world,
    secretary,
    committee,
    period,
    items,
    redis_down,
    django_capture_on_commit_callbacks,
):
    """Accepting enqueues a score recompute after commit; a dead broker must not turn the
    accepted review into a server error."""
    from assessment.models import Submission
    from assessment.services.submissions import submit_branch
    from tests.helpers import confirm_password

    fill(period, world["a1"], items["graded"], secretary, narrative="按月召开支委会")
    submit_branch(period, world["a1"], by=secretary)
    submission = Submission.objects.get(indicator=items["graded"])
    client.force_login(committee)
    confirm_password(client)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            f"/review/{submission.pk}/act/",
            {
                "action": action,
                "grade": "A",
                "comment": "请补充会议记录",
                "version": submission.version,
            },
        )
    assert len(callbacks) >= 1  # the recompute was really handed to the (dead) broker
    assert response.status_code in (200, 302)
    submission.refresh_from_db()
    assert submission.status == status


@pytest.mark.postgres
def test_report_jobs_wait_for_redis_and_run_when_it_is_back(
    transactional_db, private_redis, committee, tmp_path, settings
):
    from assessment.models import Period
    from tests.factories import PeriodFactory

    database_url = needs_postgres_test_database()
    settings.REPORTS_ROOT = str(tmp_path / "reports")
    period = PeriodFactory()
    Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    period.refresh_from_db()
    with celery_broker(private_redis.url):
        private_redis.stop()
        started = time.monotonic()
        job = services.request_report(
            kind=ReportJob.Kind.BULLETIN_XLSX, period=period, by=committee
        ).job
        assert time.monotonic() - started < 10
        job.refresh_from_db()
        assert (job.status, job.enqueued_at) == (ReportJob.Status.QUEUED, None)

        private_redis.start()
        later = job.requested_at + __import__("datetime").timedelta(hours=1)
        assert services.sweep_stale(now=later) == {"jobs": 1, "parts": 0}
        env = site_environment(
            database_url,
            CELERY_BROKER_URL=private_redis.url,
            CELERY_TASK_ALWAYS_EAGER="false",
            REPORTS_ROOT=settings.REPORTS_ROOT,
        )
        with celery_worker(env, BASE_DIR, tmp_path / "worker.log"):
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if job.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED):
                    break
                time.sleep(0.2)
    assert job.status == ReportJob.Status.DONE, (
        job.error,
        (tmp_path / "worker.log").read_text(errors="replace")[-2000:],
    )
    assert job.attempts == 1
