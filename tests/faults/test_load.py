"""Bounded load test (issue 10 §8): wrk, 30 s, 32 connections, POSTing the public form to
gunicorn + PostgreSQL (the private cluster of tests/faults/conftest.py). No 5xx, and the
ratings stored equal the receipts the server gave (302 answers in gunicorn's access log);
wrk's own count can only be lower, by the requests in flight when it stops.

wrk is driven by the benchmarks' own runner (bench/loadtest.py ``run_wrk`` and
bench/rate.lua), so this test and ``make bench`` measure the same thing; the benchmark
report carries the figures of ``make bench``, this test writes its run to
test-artifacts/load-public-form.json. Skipped with the reason without wrk or PostgreSQL."""

import json
import re
import shutil
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.faults.conftest import gunicorn

pytestmark = [pytest.mark.postgres, pytest.mark.faults]

SECONDS, CONNECTIONS = 30, 32


def test_public_form_under_32_connections_for_30_seconds(private_cluster, site_database, tmp_path):
    if not shutil.which("wrk"):
        pytest.skip("the load test needs wrk (apt-get install wrk)")
    from bench.loadtest import run_wrk

    private_cluster.psql("TRUNCATE feedback_rating CASCADE", db="faults")
    access = tmp_path / "access.log"
    with gunicorn(
        site_database, workers=4, log=tmp_path / "gunicorn.log", access_log=access
    ) as base_url:
        figures = run_wrk(urlsplit(base_url).port, ["/rate/fault-hall/"], SECONDS, CONNECTIONS)
    stored = int(private_cluster.psql("SELECT count(*) FROM feedback_rating", db="faults"))
    lines = access.read_text().splitlines()
    given = sum(1 for x in lines if '"POST /rate/fault-hall/ ' in x and '" 302 ' in x)
    figures.update(
        stored_ratings=stored,
        receipts_given_by_server=given,
        server_5xx=sum(1 for x in lines if re.search(r'" 5\d\d ', x)),
        ratings_per_second=round(given / figures["duration_s"], 1),
        connections=CONNECTIONS,
    )
    out = settings.BASE_DIR / "test-artifacts" / "load-public-form.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    print("public form load:", figures)

    assert figures["server_5xx"] == 0, figures
    assert figures["status_errors"] == 0 and figures["socket_errors"] == 0, figures
    assert figures["receipts"] > 0
    assert stored == given, figures
    assert given - CONNECTIONS <= figures["receipts"] <= given, figures
