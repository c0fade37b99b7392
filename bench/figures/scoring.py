"""Score recompute: the whole plan vs one hand-written SQL aggregation of the same rows and
vs a naive per-row Python loop; the time to update scores after one review."""

from __future__ import annotations

import time
from collections import defaultdict
from decimal import Decimal

from django.db import connection

from bench.measure import best_of, figure, skipped

# The floor: read and aggregate the plan's accepted submissions in ONE statement, the
# points clamped per item kind exactly as the engine clamps them.
SQL_AGGREGATION = """
SELECT s.period_id, s.unit_id, s.branch_id, i.standard, i.goal,
  SUM(CASE WHEN i.kind IN ('quantitative', 'graded', 'yes_no') THEN
        CASE WHEN s.reviewer_score < 0 THEN 0
             WHEN s.reviewer_score > i.max_score THEN i.max_score
             ELSE s.reviewer_score END
      ELSE 0 END) AS regular,
  SUM(CASE WHEN i.kind = 'deduction' THEN
        CASE WHEN ABS(s.reviewer_score) > i.max_score THEN i.max_score
             ELSE ABS(s.reviewer_score) END
      ELSE 0 END) AS deductions,
  SUM(CASE WHEN i.kind = 'bonus' AND s.reviewer_score > 0 THEN s.reviewer_score ELSE 0 END)
      AS bonus,
  COUNT(*) AS items
FROM assessment_submission s
JOIN assessment_indicator i ON i.id = s.indicator_id
JOIN assessment_period p ON p.id = s.period_id
WHERE p.plan_id = %s AND s.status = 'accepted'
GROUP BY s.period_id, s.unit_id, s.branch_id, i.standard, i.goal
"""

NAIVE_BUDGET_SECONDS = 90.0


def scoring_available():
    try:
        from assessment.scoring import engine
    except ImportError as exc:
        return f"assessment.scoring.engine not importable: {exc}"
    if not hasattr(engine, "recompute_plan"):
        return "assessment.scoring.engine.recompute_plan missing"
    return None


def time_recompute(plan_id: int, repeat: int = 2) -> tuple[float, float, int]:
    """(first run, best of ``repeat`` further runs, rows written)."""
    from assessment.models import AnnualPlan
    from assessment.scoring.engine import recompute_plan

    plan = AnnualPlan.objects.get(pk=plan_id)
    start = time.perf_counter()
    written = recompute_plan(plan)
    first = time.perf_counter() - start
    best = best_of(lambda: recompute_plan(plan), repeat)
    return first, best, written


def sql_aggregation(plan_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(SQL_AGGREGATION, [plan_id])
        return len(cursor.fetchall())


def engine_reads(plan_id: int) -> float:
    """The engine's own grouped read of a plan (per period: the points aggregate with the
    completeness counts), without the arithmetic and writing around them: how much of the
    recompute is reading, against the same rows as the SQL baseline."""
    from assessment.models import Period
    from assessment.scoring import engine

    periods = list(Period.objects.filter(plan_id=plan_id).select_related("plan"))
    catalogues = [(p, engine.catalogue_for(p)) for p in periods]

    def run():
        for period, catalogue in catalogues:
            if catalogue.items:
                engine.load_submissions(period, catalogue)

    return best_of(run, 3)


def naive_loop(plan_id: int, budget: float = NAIVE_BUDGET_SECONDS) -> tuple[float, int, int]:
    """Model instances, the indicator fetched per row (a query each), sums in Python.
    Stops at ``budget`` seconds; returns (seconds, rows done, rows in total)."""
    from assessment.models import Submission

    rows = Submission.objects.filter(period__plan_id=plan_id, status="accepted")
    total = rows.count()
    sums: dict = defaultdict(lambda: Decimal(0))
    start = time.perf_counter()
    done = 0
    for submission in rows.iterator(chunk_size=2000):
        indicator = submission.indicator  # one query per row
        score = submission.reviewer_score or Decimal(0)
        if indicator.kind in ("quantitative", "graded", "yes_no"):
            points = min(max(score, Decimal(0)), indicator.max_score)
        elif indicator.kind == "deduction":
            points = -min(abs(score), indicator.max_score)
        elif indicator.kind == "bonus":
            points = max(score, Decimal(0))
        else:
            points = Decimal(0)
        sums[(submission.period_id, submission.unit_id, submission.branch_id)] += points
        done += 1
        if done % 500 == 0 and time.perf_counter() - start > budget:
            break
    return time.perf_counter() - start, done, total


def recompute_figures(ds, *, naive: bool = True) -> list[dict]:
    reason = scoring_available()
    if reason:
        return [
            skipped("scoring.recompute_plan_vs_sql", reason),
            skipped("scoring.recompute_plan_vs_naive", reason),
        ]
    first, best, written = time_recompute(ds.plan_id)
    sql_best = best_of(lambda: sql_aggregation(ds.plan_id), 3)
    groups = sql_aggregation(ds.plan_id)
    reads = engine_reads(ds.plan_id)
    lines = [
        figure(
            "scoring.recompute_plan_vs_sql",
            best,
            "s",
            baseline="one hand-written SQL aggregation of the same accepted submissions",
            baseline_value=sql_best,
            target="≤ 2×",
            met=best <= 2 * sql_best,
            first_run_s=round(first, 3),
            engine_reads_s=round(reads, 3),
            engine_reads_ratio=round(reads / sql_best, 2),
            score_rows_written=written,
            submissions=ds.submissions,
            sql_groups=groups,
        )
    ]
    if naive:
        seconds, done, total = naive_loop(ds.plan_id)
        estimate = seconds * total / done if done else seconds
        lines.append(
            figure(
                "scoring.recompute_plan_vs_naive",
                estimate / best,
                "× faster",
                baseline="naive per-row Python loop (model instances, indicator fetched per row)",
                baseline_value=estimate,
                ratio=estimate / best,
                target="≥ 20×",
                met=estimate / best >= 20,
                recompute_s=round(best, 3),
                naive_rows_timed=done,
                naive_rows_total=total,
                naive_extrapolated=done < total,
            )
        )
    return lines


def one_review_figure(ds) -> list[dict]:
    """Accept one submission waiting in the open quarter's queue; Celery runs inline, so
    the recompute the review schedules runs when the accept commits."""
    name = "scoring.update_after_one_review"
    reason = scoring_available()
    if reason:
        return [skipped(name, reason)]
    try:
        from assessment.scoring.engine import recompute_for_submission
        from assessment.services import review
    except ImportError as exc:
        return [skipped(name, f"review service not importable: {exc}")]
    from assessment.models import Submission
    from units.models import User

    user = User.objects.get(username=ds.committee)
    pending = (
        Submission.objects.filter(period_id=ds.period_ids["q4"], status="submitted")
        .exclude(indicator__kind="graded")
        .select_related("period__plan", "indicator")
        .order_by("pk")
    )
    submission = pending.first()
    if submission is None:
        return [skipped(name, "no submission waiting for review in the open quarter")]
    start = time.perf_counter()
    review.accept(
        submission,
        by=user,
        read_version=submission.version,
        score=submission.indicator.max_score,
        comment="基准测试",
    )
    accept_total = time.perf_counter() - start
    recompute = best_of(lambda: recompute_for_submission(submission.pk), 3)
    row_update = best_of(
        lambda: Submission.objects.filter(pk=submission.pk).update(reviewer_comment="基准测试"),
        3,
    )
    return [
        figure(
            name,
            recompute * 1000,
            "ms",
            baseline="one UPDATE of the reviewed row",
            baseline_value=row_update * 1000,
            target="≤ 50 ms",
            met=recompute <= 0.050,
            accept_with_inline_recompute_ms=round(accept_total * 1000, 1),
        )
    ]
