"""Reports: unit scorecard PDFs per second vs WeasyPrint alone rendering the same HTML saved
to a file; the all-units batch through a real Celery worker with 2 and 4 processes and the
worker's peak memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.measure import figure, skipped

ROOT = Path(__file__).resolve().parent.parent.parent
MEMORY_TARGET_MB = 500


def _reports():
    try:
        from reports import services
        from reports.pdf import html_to_pdf  # noqa: F401
    except ImportError as exc:
        return None, f"reports app not importable: {exc}"
    if not hasattr(services, "render_scorecard_pdf") or not hasattr(services, "scorecard_html"):
        return None, "reports.services.render_scorecard_pdf / scorecard_html missing"
    return services, None


def pdf_figures(ds, count: int = 20) -> list[dict]:
    name = "reports.scorecard_pdf_rate"
    services, reason = _reports()
    if reason:
        return [skipped(name, reason)]
    from weasyprint import HTML

    from assessment.models import Period
    from units.models import Unit

    period = Period.objects.select_related("plan").get(pk=ds.period_ids["q3"])
    units = list(Unit.objects.filter(active=True).order_by("name")[:count])
    services.render_scorecard_pdf(period, units[0])  # warm: fonts, templates, imports
    start = time.perf_counter()
    pages = 0
    for unit in units:
        pages += services.render_scorecard_pdf(period, unit).count(b"/Type /Page\n")
    full = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for unit in units:
            path = Path(tmp) / f"{unit.pk}.html"
            path.write_text(services.scorecard_html(period, unit), encoding="utf-8")
            files.append(path)
        HTML(filename=str(files[0]), base_url=str(ROOT)).write_pdf()
        start = time.perf_counter()
        for path in files:
            HTML(filename=str(path), base_url=str(ROOT)).write_pdf()
        weasy = time.perf_counter() - start
    rate, floor = len(units) / full, len(units) / weasy
    return [
        figure(
            name,
            rate,
            "PDFs/s",
            baseline="WeasyPrint alone rendering the same saved HTML files",
            baseline_value=floor,
            target="≥ 60%",
            met=rate >= 0.6 * floor,
            pdfs=len(units),
            ms_per_pdf=round(1000 * full / len(units), 1),
            ms_per_pdf_weasyprint_only=round(1000 * weasy / len(units), 1),
        )
    ]


def celery_figures(ds, processes=(2, 4)) -> list[dict]:
    """The all-units scorecard batch through a real worker; skipped without REDIS_URL."""
    names = [f"reports.batch_celery_{n}proc" for n in processes] + ["reports.worker_peak_memory"]
    services, reason = _reports()
    if reason:
        return [skipped(n, reason) for n in names]
    redis_url = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL")
    if not redis_url:
        return [skipped(n, "no REDIS_URL: a real Celery worker needs Redis") for n in names]
    from units.models import Unit

    # A scorecard takes seconds: the batch runs over the first BENCH_CELERY_UNITS units
    # (the others made inactive for its duration, then restored); the time for all units
    # is extrapolated in the figure.
    limit = int(os.environ.get("BENCH_CELERY_UNITS", "8"))
    all_units = Unit.objects.filter(active=True).count()
    keep = list(
        Unit.objects.filter(active=True).order_by("name")[:limit].values_list("pk", flat=True)
    )
    hidden = list(
        Unit.objects.filter(active=True).exclude(pk__in=keep).values_list("pk", flat=True)
    )
    Unit.objects.filter(pk__in=hidden).update(active=False)
    try:
        return _celery_lines(ds, processes, redis_url, all_units)
    finally:
        Unit.objects.filter(pk__in=hidden).update(active=True)


def _celery_lines(ds, processes, redis_url, all_units) -> list[dict]:
    lines, peaks = [], []
    for n in processes:
        result = run_batch_in_worker(ds, n, redis_url)
        if "error" in result:
            lines.append(skipped(f"reports.batch_celery_{n}proc", result["error"]))
            continue
        peaks.append((result["peak_rss_mb"], n))
        lines.append(
            figure(
                f"reports.batch_celery_{n}proc",
                result["pdfs"] / result["seconds"],
                "PDFs/s",
                baseline="the same batch with 2 processes" if n != processes[0] else None,
                baseline_value=lines[0]["value"] if n != processes[0] and lines else None,
                target="scales with processes (≤ nproc)",
                met=None,
                seconds=round(result["seconds"], 2),
                pdfs=result["pdfs"],
                all_units=all_units,
                all_units_estimate_s=round(result["seconds"] * all_units / result["pdfs"]),
                nproc=os.cpu_count(),
            )
        )
    if peaks:
        peak, n = max(peaks)
        lines.append(
            figure(
                "reports.worker_peak_memory",
                peak,
                "MB",
                target=f"≤ {MEMORY_TARGET_MB} MB",
                met=peak <= MEMORY_TARGET_MB,
                measured="VmHWM of the busiest worker process (/proc/<pid>/status)",
                processes=n,
            )
        )
    else:
        lines.append(skipped("reports.worker_peak_memory", "no batch finished"))
    return lines


def run_batch_in_worker(ds, processes: int, redis_url: str, timeout: float = 900) -> dict:
    """Start a worker, ask for the batch (in a child process that talks to the broker),
    wait for the job, read the worker processes' peak memory, stop the worker."""
    from bench.run import bench_environment
    from reports.models import ReportJob

    env = {
        **os.environ,
        "DATABASE_URL": bench_environment()["DATABASE_URL"],
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local"),
    }
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "purge", "-f"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(processes),
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"bench{processes}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(4)  # the worker's boot (Django setup) is not part of the batch
        if worker.poll() is not None:
            return {"error": f"worker exited: {worker.stderr.read()[-400:]}"}
        request = subprocess.run(
            [sys.executable, "-m", "bench.figures.reports", "request", str(ds.period_ids["q3"])],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if request.returncode:
            return {"error": f"request failed: {request.stderr[-400:]}"}
        job_id = int(json.loads(request.stdout.strip().splitlines()[-1])["job"])
        started = time.perf_counter()
        peak = 0.0
        while time.perf_counter() - started < timeout:
            peak = max(peak, _peak_rss_mb(worker.pid))
            job = ReportJob.objects.filter(pk=job_id).values("status", "progress_total").first()
            if job and job["status"] in ("done", "failed"):
                break
            time.sleep(0.25)
        seconds = time.perf_counter() - started
        peak = max(peak, _peak_rss_mb(worker.pid))
        if not job or job["status"] != "done":
            return {"error": f"batch job {job_id} ended as {job and job['status']}"}
        return {"seconds": seconds, "pdfs": job["progress_total"], "peak_rss_mb": peak}
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def _peak_rss_mb(pid: int) -> float:
    """The largest VmHWM (peak resident set) among the worker and its pool processes."""
    peak = 0.0
    for p in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{p}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return peak


def _request(period_id: int):
    """Child process: ask for the all-units scorecard batch through the broker."""
    from bench.run import setup_django

    setup_django()
    from django.db import transaction

    from assessment.models import Period
    from reports.models import ReportJob
    from reports.services import request_report

    period = Period.objects.get(pk=period_id)
    ReportJob.objects.filter(kind=ReportJob.Kind.SCORECARD_BATCH, period=period).delete()
    with transaction.atomic():
        outcome = request_report(kind=ReportJob.Kind.SCORECARD_BATCH, period=period, by=None)
    print(json.dumps({"job": outcome.job.pk}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["request"]:
        _request(int(sys.argv[2]))
