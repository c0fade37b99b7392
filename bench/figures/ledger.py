"""整改台账 at province scale: the ledger's figures (totals, by source, by standard, by unit,
by coordination group, the Changchun line) for 20,000 problems in one request, at a query
count that does not grow with the data, p95 through Django's test client.

    python -m bench.run --scale 1.0          # runs it after the import figure
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bench.measure import figure, percentile

PROBLEMS_AT_FULL = 20_000
MEASURES_PER_PROBLEM = 540 / 2414  # Changchun's ratio (source 003)
P95_TARGET_MS = 300
URL = "/rectification/"
API_URL = "/api/v1/problems/figures/"


def add_problems(n: int, *, seed: int, today: dt.date) -> int:
    """n problems over every unit of the dataset, every source, a third tied to an indicator
    of each standard, about 95% verified, some overdue; measures at Changchun's ratio."""
    from assessment.models import Indicator, Measure, Problem
    from units.models import Branch, Unit, User

    rng = random.Random(seed)
    units = list(Unit.objects.values_list("pk", flat=True))
    branches = {}
    for pk, unit_id in Branch.objects.values_list("pk", "unit_id"):
        branches.setdefault(unit_id, []).append(pk)
    indicators = list(
        Indicator.objects.exclude(standard="").order_by("pk").values_list("pk", flat=True)[:60]
    )
    author = User.objects.order_by("pk").values_list("pk", flat=True).first()
    sources = Problem.Source.values
    with transaction.atomic():
        rows = []
        for i in range(n):
            unit = rng.choice(units)
            found = today - dt.timedelta(days=rng.randrange(0, 360))
            deadline = found + dt.timedelta(days=rng.choice((14, 28, 42)))
            verified = rng.random() < 0.95
            rows.append(
                Problem(
                    unit_id=unit,
                    branch_id=rng.choice(branches[unit]) if branches.get(unit) else None,
                    source=sources[i % len(sources)],
                    description=f"基准问题 {seed}-{i}",
                    severity=rng.choice(Problem.Severity.values),
                    found_on=found,
                    deadline=deadline,
                    status=Problem.Status.VERIFIED if verified else Problem.Status.OPEN,
                )
            )
        problems = Problem.objects.bulk_create(rows, batch_size=2000)
        if indicators:
            Problem.indicators.through.objects.bulk_create(
                (
                    Problem.indicators.through(problem_id=p.pk, indicator_id=rng.choice(indicators))
                    for p in problems[::3]
                ),
                batch_size=5000,
            )
        served = [
            problems[int(k / MEASURES_PER_PROBLEM)]
            for k in range(int(len(problems) * MEASURES_PER_PROBLEM))
        ]
        made = Measure.objects.bulk_create(
            (
                Measure(
                    unit_id=p.unit_id,
                    description=f"措施 {p.pk}",
                    owner="责任人",
                    due_on=p.deadline,
                    created_by_id=author,
                )
                for p in served
            ),
            batch_size=2000,
        )
        links = [
            Measure.problems.through(measure_id=m.pk, problem_id=p.pk)
            for m, p in zip(made, served, strict=True)
        ]
        Measure.problems.through.objects.bulk_create(links, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE assessment_problem")
            cursor.execute("ANALYZE assessment_problem_indicators")
            cursor.execute("ANALYZE assessment_measure_problems")
    return len(problems)


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return len(queries)


def ledger_figures(ds, scale: float, requests: int = 30):
    """The ledger page and the figures API for the whole province, committee view."""
    from assessment.models import Measure, Problem
    from bench.figures.pages import client_for

    Measure.objects.all().delete()
    Problem.objects.all().delete()
    total = max(200, round(PROBLEMS_AT_FULL * scale))
    today = dt.date.today()
    client = client_for(ds)
    started = time.perf_counter()
    add_problems(total // 10, seed=1, today=today)
    small = {url: _queries(client, url) for url in (URL, API_URL)}
    add_problems(total - total // 10, seed=2, today=today)
    built = time.perf_counter() - started
    lines = []
    for name, url in (("page", URL), ("api", API_URL)):
        large = _queries(client, url)
        samples = []
        for _i in range(requests):
            start = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - start)
        p50, p95 = percentile(samples, 50) * 1000, percentile(samples, 95) * 1000
        lines.append(
            figure(
                f"ledger.figures_{name}.queries",
                large,
                "queries",
                baseline=f"the same request at {total // 10} problems",
                baseline_value=small[url],
                target="= at a tenth of the problems",
                met=large == small[url],
                url=url,
                problems=total,
            )
        )
        lines.append(
            figure(
                f"ledger.figures_{name}.latency",
                p95,
                "ms p95",
                target=f"p95 ≤ {P95_TARGET_MS} ms",
                met=p95 <= P95_TARGET_MS,
                p50_ms=round(p50, 1),
                requests=requests,
                problems=total,
                measures=Measure.objects.count(),
                build_s=round(built, 1),
                url=url,
            )
        )
    return lines
