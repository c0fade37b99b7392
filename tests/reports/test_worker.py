"""A real Celery worker (prefork, 2 processes) against Redis and the test database."""

import io
import os
import signal
import subprocess
import sys
import time
import zipfile

import pytest
from django.conf import settings

from assessment.models import Period
from reports import services
from reports.models import ReportJob
from units.models import Unit

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


@pytest.fixture
def worker(transactional_db, tmp_path, settings):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs a real Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/14)")
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): a worker cannot share an in-memory SQLite")
    from config.celery import app

    reports_root = tmp_path / "reports"
    settings.REPORTS_ROOT = str(reports_root)
    user = db.get("USER") or "postgres"
    auth = f"{user}:{db['PASSWORD']}" if db.get("PASSWORD") else user
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # the worker must use pytest-django's test database, not the configured one
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
        "REPORTS_ROOT": str(reports_root),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            "-c",
            "2",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=open(tmp_path / "worker.log", "wb"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    app.conf.task_always_eager = False
    try:
        yield tmp_path / "worker.log"
    finally:
        app.conf.task_always_eager = True
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_a_real_worker_builds_the_batch_for_all_demo_units(worker, committee):
    from demo import organisation
    from tests.factories import PeriodFactory

    organisation.load()
    period = PeriodFactory()
    Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    period.refresh_from_db()
    units = Unit.objects.filter(active=True).count()
    assert units == 8

    job = services.request_report(
        kind=ReportJob.Kind.SCORECARD_BATCH, period=period, by=committee
    ).job  # transactional_db: committed at once, sent on commit
    seen = set()
    started = time.monotonic()
    deadline = started + 120
    while time.monotonic() < deadline:
        job.refresh_from_db()
        seen.add((job.status, job.progress_done))
        if job.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED):
            break
        time.sleep(0.2)
    print(f"batch of {units} units: {job.status} after {time.monotonic() - started:.1f} s")
    log = worker.read_text(errors="replace")[-3000:]
    assert job.status == ReportJob.Status.DONE, (job.status, job.error, log)
    assert (job.progress_done, job.progress_total) == (8, 8)
    assert job.attempts == 1
    with zipfile.ZipFile(io.BytesIO(job.file.read())) as archive:
        names = archive.namelist()
    assert len(names) == 8 and "省发展和改革委员会.pdf" in names
    assert job.events.filter(to_status="done").count() == 1
    assert settings.REPORTS_ROOT in job.file.path
