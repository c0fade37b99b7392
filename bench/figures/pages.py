"""Pages at scale: the query count (must not grow with the data) and p50/p95 latency through
Django's test client, in process (no HTTP, no network: the view, its queries, the template).
"""

from __future__ import annotations

import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from bench.measure import figure, percentile, skipped
from config.startup import settle

PAGES = ("dashboard", "ranking", "review_queue", "unit_explanation")
P95_TARGET_MS = 300


def client_for(ds) -> Client:
    from units.models import User

    client = Client(SERVER_NAME="localhost")
    client.force_login(User.objects.get(username=ds.committee))
    return client


def urls(ds) -> dict:
    """The four pages for the committee: the dashboard of its default period, the Q3 ranking,
    the open quarter's review queue, the first unit's score explanation in Q3."""
    from units.models import Unit

    period = ds.period_ids["q3"]
    unit = Unit.objects.order_by("pk").values_list("pk", flat=True).first()
    out = {}
    for name, route, args in (
        ("dashboard", "dashboard", []),
        ("ranking", "score_ranking", [period]),
        ("review_queue", "review_queue", []),
        ("unit_explanation", "score_unit", [period, unit]),
    ):
        try:
            out[name] = reverse(route, args=args)
        except NoReverseMatch as exc:
            out[name] = exc
    return out


def query_counts(ds) -> dict:
    """{page: (status, queries)} for one warm request each."""
    client = client_for(ds)
    out = {}
    for name, url in urls(ds).items():
        if isinstance(url, Exception):
            out[name] = (None, None, str(url))
            continue
        client.get(url)  # warm: templates, caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        out[name] = (response.status_code, len(queries), "")
    return out


def latencies(ds, url: str, requests: int = 30) -> list[float]:
    """Seconds per request, after one warm request and the web process's own start-up step
    (``config.startup.settle``, which config/wsgi.py runs in every gunicorn worker)."""
    client = client_for(ds)
    client.get(url)
    settle()
    samples = []
    for _i in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return samples


def page_figures(ds, demo_counts: dict, demo_scale: float, requests: int = 30) -> list[dict]:
    counts = query_counts(ds)
    lines = []
    for name, url in urls(ds).items():
        status, n, problem = counts[name]
        if problem or status != 200:
            reason = problem or f"answered HTTP {status}"
            lines.append(skipped(f"pages.{name}.queries", reason))
            lines.append(skipped(f"pages.{name}.latency", reason))
            continue
        demo_status, demo_n, _p = demo_counts.get(name, (None, None, ""))
        lines.append(
            figure(
                f"pages.{name}.queries",
                n,
                "queries",
                baseline=f"the same page at demo scale ({demo_scale})",
                baseline_value=demo_n,
                target="= demo scale",
                met=demo_n is not None and n == demo_n,
                url=url,
            )
        )
        samples = latencies(ds, url, requests)
        p50, p95 = percentile(samples, 50) * 1000, percentile(samples, 95) * 1000
        lines.append(
            figure(
                f"pages.{name}.latency",
                p95,
                "ms p95",
                target=f"p95 ≤ {P95_TARGET_MS} ms",
                met=p95 <= P95_TARGET_MS,
                p50_ms=round(p50, 1),
                requests=requests,
                url=url,
            )
        )
    return lines


def dashboard_p50(ds, requests: int = 10) -> float | None:
    url = urls(ds)["dashboard"]
    if isinstance(url, Exception):
        return None
    return percentile(latencies(ds, url, requests), 50)


__all__ = ["PAGES", "page_figures", "query_counts", "dashboard_p50", "skipped"]
