"""PostgreSQL restarted under load (issue 10 §5): gunicorn with persistent connections
(CONN_MAX_AGE, CONN_HEALTH_CHECKS) against a private cluster, ratings sent in a loop while
the cluster stops and starts. Requests fail cleanly while it is down (a 5xx answer or a
refused connection, each within a bound), the site recovers by itself, and every rating that
got a receipt is in the database."""

import threading
import time

import pytest
import requests

from tests.faults.conftest import gunicorn
from tests.faults.ratings import Citizen

pytestmark = [pytest.mark.postgres, pytest.mark.faults]

REQUEST_BOUND = 10.0  # seconds: no request may hang longer, down or up


def test_site_survives_a_postgres_restart_and_loses_no_receipt(
    private_cluster, site_database, tmp_path
):
    private_cluster.psql("TRUNCATE feedback_rating CASCADE", db="faults")
    receipts, failures, slowest = [], [], [0.0]
    stop = threading.Event()

    def citizen_loop(base_url):
        citizen = Citizen(base_url, timeout=REQUEST_BOUND)
        while not stop.is_set():
            started = time.monotonic()
            try:
                receipts.append(citizen.rate())
            except (requests.RequestException, RuntimeError) as exc:
                failures.append(type(exc).__name__ + ": " + str(exc)[:80])
                time.sleep(0.05)
            slowest[0] = max(slowest[0], time.monotonic() - started)

    with gunicorn(site_database, workers=2, log=tmp_path / "gunicorn.log") as base_url:
        Citizen(base_url, timeout=60).rate()  # warm: both workers hold a connection afterwards
        threads = [threading.Thread(target=citizen_loop, args=(base_url,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        before_restart = len(receipts)
        private_cluster.stop(mode="fast")
        time.sleep(2)
        failures_while_down = len(failures)
        private_cluster.start()
        time.sleep(3)
        stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_BOUND + 5)
        after = len(receipts)
        # after the restart a fresh client is served straight away
        recovered = Citizen(base_url, timeout=REQUEST_BOUND).rate()
    log = (tmp_path / "gunicorn.log").read_text(errors="replace")[-2000:]

    assert before_restart > 0
    assert failures_while_down > 0, "the loop never saw the outage"
    assert after > before_restart + 1, ("site did not recover", failures[-5:], log)
    assert slowest[0] < REQUEST_BOUND + 1
    clean = ("RuntimeError: rating refused: 5", "RuntimeError: form refused: 5", "ConnectionError")
    assert [f for f in failures if not f.startswith(clean)] == []
    stored = set(private_cluster.psql("SELECT receipt FROM feedback_rating", db="faults").split())
    given = {*receipts, recovered}
    assert given - stored == set()
    assert len(stored) >= len(given)
