"""A Celery worker process killed in the middle of a report (issue 10 §5): the message comes
back (acks_late + task_reject_on_worker_lost), the job runs again and ends with one file."""

import os
import signal
import time

import pytest

from reports import services
from reports.models import ReportJob
from tests.faults.conftest import (
    BASE_DIR,
    celery_broker,
    needs_postgres_test_database,
    site_environment,
)
from tests.faults.worker import celery_worker

pytestmark = [pytest.mark.postgres, pytest.mark.faults]


def wait_for(predicate, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


def test_report_survives_its_worker_being_killed(
    transactional_db, private_redis, tmp_path, settings, committee, unit_a
):
    from tests.factories import PeriodFactory

    database_url = needs_postgres_test_database()
    reports_root = tmp_path / "reports"
    settings.REPORTS_ROOT = str(reports_root)
    markers = tmp_path / "markers"
    markers.mkdir()
    period = PeriodFactory()
    # A report is asked of a period that is open at least (reports.services.check_request).
    type(period).objects.filter(pk=period.pk).update(status="closed")
    period.refresh_from_db()
    env = site_environment(
        database_url,
        CELERY_BROKER_URL=private_redis.url,
        CELERY_TASK_ALWAYS_EAGER="false",
        REPORTS_ROOT=str(reports_root),
        SLOW_REPORT_DIR=str(markers),
    )
    log = tmp_path / "worker.log"
    with celery_broker(private_redis.url), celery_worker(env, BASE_DIR, log):
        job = services.request_report(
            kind=ReportJob.Kind.SCORECARD, period=period, unit=unit_a, by=committee
        ).job
        marker = markers / f"job-{job.pk}"
        assert wait_for(marker.exists, 60), log.read_text(errors="replace")[-3000:]
        child = int(marker.read_text())
        os.kill(child, signal.SIGKILL)  # the worker process dies mid-render

        def finished():
            job.refresh_from_db()
            return job.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED)

        assert wait_for(finished, 90), (job.status, log.read_text(errors="replace")[-3000:])

    assert job.status == ReportJob.Status.DONE, (job.error, log.read_text(errors="replace"))
    assert job.attempts == 2
    assert job.events.filter(to_status=ReportJob.Status.DONE).count() == 1
    files = [p for p in reports_root.rglob("*") if p.is_file()]
    assert [p.name for p in files] == [os.path.basename(job.file.name)]
    assert job.file.read().startswith(b"%PDF")
