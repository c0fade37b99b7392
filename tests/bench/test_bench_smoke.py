"""`make bench` in miniature (scale 0.01 on the test database) so the benchmarks cannot rot.

The load test runs only when wrk is installed and the test database is PostgreSQL; the
Celery figures only when REDIS_URL is set. Otherwise their lines say why they were skipped.
"""

import os
import shutil
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client

from bench import loadtest
from bench.figures import reports
from bench.measure import KEYS
from bench.run import run_all


def _test_database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def small_servers(monkeypatch):
    """Point the bench's child processes (gunicorn, Celery) at the test database and keep
    their runs short."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        monkeypatch.setenv("BENCH_DATABASE_URL", _test_database_url())
    monkeypatch.setenv("BENCH_CELERY_UNITS", "1")
    original = loadtest.loadtest_figures
    monkeypatch.setattr(
        loadtest,
        "loadtest_figures",
        lambda ds: original(ds, duration=3, connections=4),
    )
    return {
        "loadtest": postgres and shutil.which("wrk") is not None,
        "celery": postgres and bool(os.environ.get("REDIS_URL")),
    }


@pytest.mark.django_db(transaction=True)
def test_every_figure_line_has_the_keys_and_a_positive_value(small_servers):
    lines = list(
        run_all(
            0.01,
            growth=False,
            demo_scale=0.01,
            loadtest=small_servers["loadtest"],
            celery=small_servers["celery"],
            page_requests=3,
            pdfs=1,
            import_rows=50,
            branches_per_unit=2,
            signal_sample=60,
            celery_processes=(1,),
            log=lambda message: None,
        )
    )

    names = [line["name"] for line in lines]
    for expected in (
        "scoring.recompute_plan_vs_sql",
        "scoring.recompute_plan_vs_naive",
        "scoring.update_after_one_review",
        "pages.dashboard.queries",
        "pages.unit_explanation.latency",
        "reports.scorecard_pdf_rate",
        "import.survey_xlsx",
        "inspection.draw_province",
        "inspection.agreement_province",
        "ledger.figures_page.latency",
        "ledger.figures_api.queries",
    ):
        assert expected in names
    measured = [line for line in lines if "skipped" not in line]
    for line in measured:
        assert set(KEYS) <= set(line), line
        assert line["value"] > 0, line
    skipped = {line["name"] for line in lines if "skipped" in line}
    if not small_servers["loadtest"]:
        assert "loadtest.rating_form" in skipped
    assert not skipped - {"loadtest.rating_form", "reports.batch_celery"}, skipped


def test_the_bare_view_is_not_reachable_by_default(db):
    assert Client().get("/bench/bare/1/").status_code == 404


def test_peak_memory_reads_this_process():
    assert reports._peak_rss_mb(os.getpid()) > 10
