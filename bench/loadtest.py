"""The public rating form under load: gunicorn with the production settings, wrk on loopback.

One gunicorn (config.settings.production, SECURE_SSL_REDIRECT=false, BENCH_BARE_VIEW=1) on a
free port of 127.0.0.1 against the bench database. wrk, bounded (30 s, 32 connections),
runs bench/rate.lua twice in the same run: against the real form (/rate/<slug>/, a random
unit per request) and against the bare view (/bench/bare/<unit id>/, validates a small
form and inserts one row). Each wrk thread GETs a form once for its CSRF cookie and token,
then POSTs; a 302 is a stored rating with its receipt.

Both paths are first warmed up, unmeasured, for a tenth of the duration each (the workers'
start-up must not fall into the first measured run). Figures: throughput of the form vs the
bare view (target ≥ 70%), p99 latency, errors (target 0), ratings stored = receipts.

    python -m bench.loadtest [--duration 30] [--connections 32]
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.measure import figure, skipped

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "rate.lua"
RATIO_TARGET = 0.70


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_environment(port: int) -> dict:
    from bench.run import bench_environment

    env = {**os.environ, **bench_environment()}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": env.get("BENCH_SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "BENCH_BARE_VIEW": "1",
            # Every request comes from one address (127.0.0.1): without this the limiter
            # (30 per hour per source) would refuse all but the first 30 ratings.
            "FEEDBACK_RATE_LIMIT": "1000000000",
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def collectstatic(env: dict) -> None:
    if (ROOT / "staticfiles" / "staticfiles.json").exists():
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {server.stderr.read()[-600:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 30 s")


def run_wrk(port: int, paths: list[str], duration: int, connections: int) -> dict:
    threads = min(connections, max(2, os.cpu_count() or 2))
    result = subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            f"http://127.0.0.1:{port}",
        ],
        env={**os.environ, "BENCH_PATHS": ",".join(paths)},
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    )
    for line in result.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[len("BENCH ") :])
    raise RuntimeError(f"wrk printed no summary: {result.stdout[-600:]} {result.stderr[-300:]}")


def loadtest_figures(ds, *, duration: int = 30, connections: int = 32) -> list[dict]:
    names = ["loadtest.form_vs_bare", "loadtest.p99", "loadtest.errors", "loadtest.stored"]
    if not shutil.which("wrk"):
        return [skipped(n, "wrk is not installed (apt-get install wrk)") for n in names]
    from django.db import connection

    if connection.vendor != "postgresql":
        return [skipped(n, "the load test needs PostgreSQL (BENCH_DATABASE_URL)") for n in names]
    from feedback.models import Rating
    from units.models import Unit

    units = list(Unit.objects.filter(active=True).order_by("pk").values_list("pk", "slug"))
    form_paths = [f"/rate/{slug}/" for _pk, slug in units]
    bare_paths = [f"/bench/bare/{pk}/" for pk, _slug in units]
    port = free_port()
    env = server_environment(port)
    collectstatic(env)
    workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
    server = start_gunicorn(env, port, workers)
    try:
        # Unmeasured: each worker's first requests import the URLconf, compile templates and
        # open its database connection. Measured cold, the run that comes first (the form)
        # would pay that start-up alone, in its throughput and most of all in its p99.
        warmup = max(1, duration // 10)
        run_wrk(port, form_paths, warmup, connections)
        run_wrk(port, bare_paths, warmup, connections)
        before = Rating.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        form = run_wrk(port, form_paths, duration, connections)
        stored = Rating.objects.filter(pk__gt=before).exclude(survey_batch="bench-bare").count()
        middle = Rating.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        bare = run_wrk(port, bare_paths, duration, connections)
        bare_stored = Rating.objects.filter(pk__gt=middle, survey_batch="bench-bare").count()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    form_rate = form["receipts"] / form["duration_s"]
    bare_rate = bare["receipts"] / bare["duration_s"]
    errors = form["status_errors"] + form["socket_errors"]
    common = {"workers": workers, "connections": connections, "duration_s": duration}
    return [
        figure(
            "loadtest.form_vs_bare",
            form_rate,
            "ratings/s",
            baseline="bare Django view inserting one row (same server, database, run)",
            baseline_value=bare_rate,
            target="≥ 70%",
            met=form_rate >= RATIO_TARGET * bare_rate,
            form=form,
            bare=bare,
            **common,
        ),
        figure(
            "loadtest.p99",
            form["p99_ms"],
            "ms",
            baseline="bare view p99",
            baseline_value=bare["p99_ms"],
            target=None,
            met=None,
            p50_ms=form["p50_ms"],
            **common,
        ),
        figure(
            "loadtest.errors",
            # 0 errors is the target; +1 keeps the value positive for the line checks
            errors + 1,
            "errors + 1",
            target="= 1 (0 errors)",
            met=errors == 0,
            errors=errors,
            status_errors=form["status_errors"],
            socket_errors=form["socket_errors"],
        ),
        figure(
            "loadtest.stored",
            stored,
            "ratings stored",
            baseline="receipts (302 answers)",
            baseline_value=form["receipts"],
            # wrk stops with up to one request per connection in flight: those are stored
            # but their 302 is never read, so stored may exceed receipts by that much.
            target="receipts ≤ stored ≤ receipts + connections",
            met=form["receipts"] <= stored <= form["receipts"] + connections,
            bare_stored=bare_stored,
            bare_receipts=bare["receipts"],
        ),
    ]


def main(argv=None):
    import argparse

    from bench.dataset import Dataset
    from bench.run import setup_django

    parser = argparse.ArgumentParser(description="Load test of the public rating form.")
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args(argv)
    setup_django()
    for line in loadtest_figures(
        Dataset(scale=0), duration=args.duration, connections=args.connections
    ):
        print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
