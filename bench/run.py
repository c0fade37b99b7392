"""Run the benchmarks: ``python -m bench.run --scale 1.0`` (``make bench``).

Builds the dataset at the growth scales (scale/10, scale/3, scale) plus the demo scale,
measures at each, then measures every other figure at the full scale. Prints one JSON line
per figure and writes them to bench/results/<timestamp>.jsonl and bench/results/latest.jsonl.

The database is $BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/modelagency_bench); with ``--fresh`` it is dropped,
created and migrated first. Everything in it is replaced.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/modelagency_bench"
DEMO_SCALE = 0.05  # 8 units, 80 branches: the size of `manage.py load_demo`


def bench_database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)


def bench_environment() -> dict:
    """The environment every bench process (this one, gunicorn, Celery) runs with."""
    env = {
        "DATABASE_URL": bench_database_url(),
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        # Figures measured in process run Celery tasks inline (the review's recompute).
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    return env


def setup_django(settings: str = "config.settings.local") -> None:
    for key, value in bench_environment().items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fresh_database(url: str) -> None:
    """DROP and CREATE the bench database, then migrate it."""
    import environ

    config = environ.Env.db_url_config(url)
    name = config["NAME"]
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing an unusual database name: {name!r}")
    admin = {
        "PGHOST": config.get("HOST") or "127.0.0.1",
        "PGPORT": str(config.get("PORT") or 5432),
        "PGUSER": config.get("USER") or "postgres",
    }
    if config.get("PASSWORD"):
        admin["PGPASSWORD"] = config["PASSWORD"]
    env = {**os.environ, **admin}
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", "-q", "-d", "postgres", "-c", sql], check=True, env=env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        check=True,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local"},
    )


def machine() -> dict:
    from django.db import connection

    info = {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "database": connection.vendor,
    }
    try:
        with open("/proc/meminfo") as meminfo:
            info["memory_mb"] = int(meminfo.readline().split()[1]) // 1024
    except OSError:
        pass
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0]
            cursor.execute("SHOW autovacuum")
            info["autovacuum"] = cursor.fetchone()[0]
    return info


def run_all(
    scale: float,
    *,
    growth: bool = True,
    demo_scale: float = DEMO_SCALE,
    naive: bool = True,
    loadtest: bool = True,
    celery: bool = True,
    page_requests: int = 30,
    pdfs: int = 6,
    import_rows: int = 10_000,
    branches_per_unit: int = 10,
    signal_sample: int = 700,
    celery_processes: tuple = (2, 4),
    log=print,
):
    """Yield figure lines. Uses the configured default database; replaces its content.
    ``signal_sample``: narratives compared pair by pair for the signals' naive baseline;
    ``celery_processes``: the worker sizes the report batch is timed with."""
    from bench import dataset
    from bench.figures import growth as growth_figures
    from bench.figures import imports, inspection, ledger, pages, reports, scoring
    from bench.figures import signals as signal_figures
    from bench.measure import figure, skipped

    growth_scales = [scale / 10, scale / 3, scale] if growth else [scale]
    plan = [(demo_scale, "demo")] + [(s, "growth") for s in growth_scales]
    per_scale = []
    demo_counts: dict = {}
    ds = None
    for s, role in plan:
        log(f"building the dataset at scale {s:.3g} …")
        ds = dataset.build(s, branches_per_unit=branches_per_unit, log=log)
        yield figure(
            f"dataset.build@{s:.3g}",
            ds.seconds,
            "s",
            target="minutes, not hours",
            met=ds.seconds < 600,
            units=ds.units,
            branches=ds.branches,
            indicator_nodes=ds.indicator_nodes,
            leaf_items=ds.leaf_items,
            submissions=ds.submissions,
            pending_review=ds.pending,
            ratings=ds.ratings,
            steps=ds.steps,
        )
        reason = scoring.scoring_available()
        recompute = None
        if reason is None:
            _first, recompute, _written = scoring.time_recompute(ds.plan_id, repeat=1)
        counts = pages.query_counts(ds)
        if role == "demo":
            demo_counts = counts
            continue
        dashboard = pages.dashboard_p50(ds) if counts["dashboard"][0] == 200 else None
        per_scale.append(
            {
                "scale": s,
                "submissions": ds.submissions,
                "ratings": ds.ratings,
                "recompute_s": recompute,
                "dashboard_s": dashboard,
            }
        )
    if growth:
        yield from growth_figures.growth_figures(per_scale)

    # Everything else at the full scale, on the dataset built last.
    log("scoring …")
    yield from scoring.recompute_figures(ds, naive=naive)
    # The recomputes above replaced every score row several times over. In service
    # autovacuum clears such dead rows within a minute (test machines often run with it off):
    # the figures below are taken in that steady state.
    dataset.vacuum(["assessment_periodscore"])
    yield from scoring.one_review_figure(ds)
    log("pages …")
    yield from pages.page_figures(ds, demo_counts, demo_scale, requests=page_requests)
    log("reports …")
    yield from reports.pdf_figures(ds, count=pdfs)
    if celery:
        yield from reports.celery_figures(ds, processes=celery_processes)
    else:
        yield skipped("reports.batch_celery", "not requested (--no-celery)")
    log("import …")
    yield from imports.import_figures(ds, rows=import_rows)
    log("ledger …")
    yield from ledger.ledger_figures(ds, scale, requests=page_requests)
    log("inspection …")
    yield from inspection.draw_figures(scale)
    if loadtest:
        log("load test …")
        from bench import loadtest as lt

        yield from lt.loadtest_figures(ds)
    else:
        yield skipped("loadtest.rating_form", "not requested (--no-loadtest)")
    # Last: it replaces the dataset with its own (issue 19).
    log("signals of formalism …")
    yield from signal_figures.signal_figures(scale, sample=signal_sample, log=log)


def run_import(scale: float, *, import_rows: int = 10_000, log=print):
    """Only the survey import figure, on a dataset built once at `scale`."""
    from bench import dataset
    from bench.figures import imports

    log(f"building the dataset at scale {scale:.3g} …")
    ds = dataset.build(scale, log=log)
    log("import …")
    yield from imports.import_figures(ds, rows=import_rows)


def run_ledger(scale: float, *, requests: int = 30, log=print):
    """Only the ledger's figures, on a dataset built once at `scale`."""
    from bench import dataset
    from bench.figures import ledger

    log(f"building the dataset at scale {scale:.3g} …")
    ds = dataset.build(scale, log=log)
    log("ledger …")
    yield from ledger.ledger_figures(ds, scale, requests=requests)


def run_scoring(scale: float, *, log=print):
    """Only the whole-plan recompute figure (and the one review's), on a dataset built once
    at `scale`."""
    from bench import dataset
    from bench.figures import scoring

    log(f"building the dataset at scale {scale:.3g} …")
    ds = dataset.build(scale, log=log)
    log("scoring …")
    yield from scoring.recompute_figures(ds, naive=False)
    dataset.vacuum(["assessment_periodscore"])
    yield from scoring.one_review_figure(ds)


def run_pages(scale: float, *, requests: int = 30, log=print):
    """Only the pages' query counts and latencies: the demo-scale dataset for the counts to
    compare with, then the dataset at `scale`, its plan computed once."""
    from bench import dataset
    from bench.figures import pages, scoring

    def built(at):
        log(f"building the dataset at scale {at:.3g} …")
        ds = dataset.build(at, log=log)
        scoring.time_recompute(ds.plan_id, repeat=1)  # as the whole run leaves it
        dataset.vacuum(["assessment_periodscore"])
        return ds

    demo_counts = pages.query_counts(built(DEMO_SCALE))
    ds = built(scale)
    log("pages …")
    yield from pages.page_figures(ds, demo_counts, DEMO_SCALE, requests=requests)


ONLY = {
    "import": run_import,
    "ledger": run_ledger,
    "pages": run_pages,
    "scoring": run_scoring,
}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Province-scale benchmarks (issue 9).")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = province scale")
    parser.add_argument("--fresh", action="store_true", help="drop, create, migrate the DB")
    parser.add_argument("--no-growth", action="store_true")
    parser.add_argument("--no-naive", action="store_true")
    parser.add_argument("--no-loadtest", action="store_true")
    parser.add_argument("--no-celery", action="store_true")
    parser.add_argument("--requests", type=int, default=30, help="requests per page")
    parser.add_argument("--pdfs", type=int, default=6, help="scorecards to time")
    parser.add_argument(
        "--only",
        choices=sorted(ONLY),
        help="build the dataset once at --scale and take only these figures",
    )
    args = parser.parse_args(argv)

    if args.fresh:
        fresh_database(bench_database_url())
    setup_django()
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    path = RESULTS / f"{stamp}.jsonl"
    started = time.perf_counter()
    lines = [{"name": "machine", **machine(), "scale": args.scale, "started": stamp}]
    print(json.dumps(lines[0], ensure_ascii=False), flush=True)

    def log(message):
        print(message, file=sys.stderr, flush=True)

    with path.open("w") as out:
        out.write(json.dumps(lines[0], ensure_ascii=False) + "\n")
        figures = (
            ONLY[args.only](args.scale, requests=args.requests, log=log)
            if args.only in ("ledger", "pages")
            else ONLY[args.only](args.scale, log=log)
            if args.only
            else run_all(
                args.scale,
                growth=not args.no_growth,
                naive=not args.no_naive,
                loadtest=not args.no_loadtest,
                celery=not args.no_celery,
                page_requests=args.requests,
                pdfs=args.pdfs,
                log=log,
            )
        )
        for line in figures:
            text = json.dumps(line, ensure_ascii=False, default=str)
            print(text, flush=True)
            out.write(text + "\n")
            out.flush()
            lines.append(line)
    if args.only is None:  # latest.jsonl holds a whole run's figures
        (RESULTS / "latest.jsonl").write_text(path.read_text())
    missed = [x["name"] for x in lines if x.get("met") is False]
    log(f"done in {time.perf_counter() - started:.0f} s; results in {path}")
    if missed:
        log("targets missed: " + ", ".join(missed))


if __name__ == "__main__":
    main()
