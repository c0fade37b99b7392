"""Start a real Celery worker for the fault tests (a subprocess against the test database).

``python -m tests.faults.worker`` runs a prefork worker with one child. With
``SLOW_REPORT_DIR`` set, the first render of each report job writes a marker file holding
the child's pid and then sleeps, so a test can SIGKILL that child mid-report; the next
attempt renders at once.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path


def _slow_down_first_render(marker_dir: Path):
    from reports import services

    original = services.render_job

    def render_job(job):
        marker = marker_dir / f"job-{job.pk}"
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            time.sleep(120)
        return original(job)

    services.render_job = render_job


def main():
    import django

    django.setup()
    if os.environ.get("SLOW_REPORT_DIR"):
        _slow_down_first_render(Path(os.environ["SLOW_REPORT_DIR"]))
    from config.celery import app

    app.worker_main(
        [
            "worker",
            "--pool=prefork",
            "-c",
            "1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )


@contextmanager
def celery_worker(env: dict, cwd, log: Path):
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.worker"],
        cwd=cwd,
        env=env,
        stdout=open(log, "wb"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass


if __name__ == "__main__":
    main()
