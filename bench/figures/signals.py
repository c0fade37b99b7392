"""形式主义预警 at province scale: all five signals for one quarter, one new submission, one
branch's submission; against the naive all-pairs comparison of narratives on a sample,
extrapolated, and the share of the naive pairs the MinHash bands find (recall).

Its own dataset (``build``): 1,500 branches, twelve quarterly items (one of them for two
of the three categories: about 11.3 per branch, about 17,000 submissions a quarter), Q2–Q4
filed; narratives of four sentences drawn from a pool, with planted copies (of another
branch's answer, of the branch's own last answer, one sentence changed), files shared by
a few branches, branches filing in a burst at the deadline, branches at full marks.

    python -m bench.figures.signals --scale 1.0      # after bench.run's --fresh database
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count

from bench.measure import figure
from demo.narratives import narrative, one_sentence_changed

ITEMS = 12
def build(scale: float = 1.0, *, seed: int = 19, log=print) -> dict:
    """The signals dataset into the default database (replacing the bench dataset)."""
    from assessment.models import (
        AnnualPlan,
        Cycle,
        Evidence,
        Indicator,
        IndicatorSystem,
        Period,
        Submission,
        SubmissionEvent,
    )
    from bench import dataset

    rng = random.Random(seed)
    t0 = time.perf_counter()
    dataset.reset()
    info = dataset.Dataset(scale=scale)
    with transaction.atomic():
        units, branches, committee_id = dataset._organisation(scale, rng, info, 10)
        cycle = Cycle.objects.create(title="基准", start_year=dataset.YEAR)
        plan = AnnualPlan.objects.create(cycle=cycle, year=dataset.YEAR, phase="benchmark")
        system = IndicatorSystem.objects.create(plan=plan)
        dim = Indicator.objects.create(
            system=system, code="D", name="组织夯实", kind="dimension", weight=100
        )
        items = Indicator.objects.bulk_create(
            Indicator(
                system=system,
                parent=dim,
                code=f"S{k + 1}",
                name=f"季度指标{k + 1}",
                kind="graded",
                max_score=Decimal("10"),
                weight=Decimal(100) / ITEMS,
                position=k,
            )
            for k in range(ITEMS)
        )
        categories = sorted({u.category_id for u in units})
        items[-1].categories.set(categories[:2])
        y = dataset.YEAR
        windows = {
            "q2": (dt.date(y, 6, 15), dt.date(y, 7, 10)),
            "q3": (dt.date(y, 9, 15), dt.date(y, 10, 10)),
            "q4": (dt.date(y, 11, 15), dt.date(y, 12, 10)),
        }
        periods = {
            kind: Period.objects.create(
                plan=plan, kind=kind, opens_on=o, deadline=d, status="closed", system=system
            )
            for kind, (o, d) in windows.items()
        }
        category_of = {u.pk: u.category_id for u in units}
        burst = {b.pk for b in branches if rng.random() < 0.01}
        full = {b.pk for b in branches if rng.random() < 0.01}
        texts = {}
        rows = []
        for kind, period in periods.items():
            opens, deadline = windows[kind]
            for b in branches:
                for item in items:
                    if item is items[-1] and category_of[b.unit_id] not in categories[:2]:
                        continue
                    roll = rng.random()
                    previous = texts.get((b.pk, item.pk))
                    if previous and roll < 0.03:
                        text = one_sentence_changed(rng, previous)  # its own last answer
                    elif roll < 0.04 and (b.unit_id, item.pk, kind) in texts:
                        text = one_sentence_changed(rng, texts[(b.unit_id, item.pk, kind)])
                    else:
                        text = narrative(rng)
                    texts[(b.pk, item.pk)] = text
                    texts[(b.unit_id, item.pk, kind)] = text  # the unit's last, to copy
                    if b.pk in burst and kind == "q4":
                        at = dt.datetime.combine(deadline, dt.time(9), tzinfo=dataset.TZ)
                        at -= dt.timedelta(days=1, minutes=rng.randint(0, 300))
                    else:
                        at = dt.datetime.combine(opens, dt.time(9), tzinfo=dataset.TZ)
                        at += dt.timedelta(days=rng.randint(0, 20), minutes=rng.randint(0, 600))
                    score = Decimal("10") if b.pk in full else Decimal(rng.randint(6, 10))
                    rows.append(
                        (
                            period.pk,
                            item.pk,
                            b.unit_id,
                            b.pk,
                            "submitted",
                            text,
                            score,
                            False,
                            at,
                            1,
                            at,
                            "",
                            "",
                            "",
                        )
                    )
        columns = [
            "period_id",
            "indicator_id",
            "unit_id",
            "branch_id",
            "status",
            "narrative",
            "self_score",
            "is_late",
            "submitted_at",
            "version",
            "updated_at",
            "grade",
            "reviewer_comment",
            "answer",
        ]
        dataset.bulk_insert(Submission, columns, rows)
        subs = list(
            Submission.objects.filter(period__plan=plan).values_list(
                "pk", "submitted_at", "period_id", "branch_id", "unit_id"
            )
        )
        dataset.bulk_insert(
            SubmissionEvent,
            [
                "submission_id",
                "by_id",
                "at",
                "action",
                "from_status",
                "to_status",
                "changes",
                "reason",
            ],
            (
                (pk, committee_id, at, "submit", "draft", "submitted", "{}", "")
                for pk, at, *_r in subs
            ),
        )
        # One file per branch in Q4, a few shared by three branches each.
        q4 = periods["q4"].pk
        first_of = {}
        for pk, _at, period_id, branch_id, _u in subs:
            if period_id == q4:
                first_of.setdefault(branch_id, pk)
        unit_of = {b.pk: b.unit_id for b in branches}
        evidence = Evidence.objects.bulk_create(
            Evidence(
                unit_id=unit_of[branch_id],
                branch_id=branch_id,
                period_id=q4,
                file="evidence/bench.pdf",
                original_name="会议记录.pdf",
                content_type="application/pdf",
                size=100,
                sha256=f"{(branch_id // 3 if n % 100 == 0 else branch_id):064x}",
                uploaded_by_id=committee_id,
            )
            for n, branch_id in enumerate(first_of)
        )
        through = Submission.evidence.through
        through.objects.bulk_create(
            through(submission_id=first_of[e.branch_id], evidence_id=e.pk) for e in evidence
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    q4_count = sum(1 for _pk, _a, p, _b, _u in subs if p == periods["q4"].pk)
    seconds = time.perf_counter() - t0
    log(f"  signals dataset: {len(subs)} submissions, {q4_count} in Q4, {seconds:.1f} s")
    return {
        "period_id": periods["q4"].pk,
        "branches": len(branches),
        "submissions": q4_count,
        "seconds": seconds,
    }


def naive_pairs_per_second(narratives: list[str]) -> tuple[float, set]:
    """All pairs of a sample compared with the exact Jaccard index: pairs per second, and
    the pairs at or above the threshold."""
    from assessment import formalism as rules

    t0 = time.perf_counter()
    grams = [rules.shingles(t) for t in narratives]
    found = set()
    n = 0
    for i in range(len(grams)):
        for j in range(i + 1, len(grams)):
            n += 1
            if rules.is_copy(rules.jaccard(grams[i], grams[j])):
                found.add((i, j))
    return n / (time.perf_counter() - t0), found


def signal_figures(scale: float = 1.0, *, sample: int = 700, singles: int = 15, log=print):
    from assessment import formalism as rules
    from assessment.models import FormalismSignal, NarrativeFingerprint, Period, Submission
    from assessment.services import signals

    data = build(scale, log=log)
    period = Period.objects.select_related("plan").get(pk=data["period_id"])
    t0 = time.perf_counter()
    opened = signals.compute_period(period)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    signals.compute_period(period)
    again = time.perf_counter() - t0
    counts = dict(
        FormalismSignal.objects.filter(period=period).values_list("kind").annotate(n=Count("pk"))
    )

    # The naive baseline: every pair of narratives of the same item compared exactly.
    per_item = {}
    for item_id, text in Submission.objects.filter(period=period).values_list(
        "indicator_id", "narrative"
    ):
        per_item.setdefault(item_id, []).append(text)
    pairs_total = sum(len(v) * (len(v) - 1) // 2 for v in per_item.values())
    biggest = max(per_item.values(), key=len)
    rng = random.Random(7)
    drawn = rng.sample(biggest, min(sample, len(biggest)))
    rate, naive_found = naive_pairs_per_second(drawn)
    naive_seconds = pairs_total / rate
    # Recall on copies made the way a secretary makes them: one sentence of four changed.
    copies = []
    for text in drawn[:400]:
        copy = one_sentence_changed(rng, text)
        if rules.is_copy(rules.similarity(text, copy)):
            copies.append((text, copy))
    caught = sum(
        1
        for text, copy in copies
        if set(enumerate(rules.bands(rules.shingles(text))))
        & set(enumerate(rules.bands(rules.shingles(copy))))
    )
    recall = caught / len(copies) if copies else 1.0
    keyed = {i: rules.bands(rules.shingles(t)) for i, t in enumerate(drawn)}
    lsh_found = {p for p in rules.candidate_pairs(keyed) if p in naive_found}

    yield figure(
        "signals.period_all",
        first,
        "s",
        baseline="naive all-pairs of each item's narratives, extrapolated from a sample",
        baseline_value=naive_seconds,
        target="< 30 s for one quarter at province scale",
        met=first < 30,
        submissions=data["submissions"],
        branches=data["branches"],
        open_signals=opened,
        by_kind=counts,
        recompute_s=round(again, 2),
        naive_pairs=pairs_total,
        naive_pairs_per_s=round(rate),
    )
    yield figure(
        "signals.minhash_recall",
        recall,
        "share",
        target="the bands find the copies the exact comparison finds",
        met=recall >= 0.95,
        copies=len(copies),
        sample=len(drawn),
        naive_pairs_found=len(naive_found),
        lsh_pairs_found=len(lsh_found),
    )

    # One new submission: its fingerprint is not stored yet; the period's others are.
    ids = list(
        Submission.objects.filter(period=period)
        .order_by("?")
        .values_list("pk", "branch_id")[:singles]
    )
    one, branch = [], []
    for pk, branch_id in ids:
        NarrativeFingerprint.objects.filter(submission_id=pk).delete()
        submission = Submission.objects.select_related("period__plan").get(pk=pk)
        t0 = time.perf_counter()
        signals.check_submission(submission)
        one.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        signals.check_submissions(period, branch_id)
        branch.append(time.perf_counter() - t0)
    per_item_n = statistics.mean(len(v) for v in per_item.values())
    yield figure(
        "signals.one_submission",
        statistics.median(one) * 1000,
        "ms",
        baseline="naive: the new narrative against every other of its item",
        baseline_value=per_item_n / rate * 1000,
        target="< 200 ms",
        met=statistics.median(one) < 0.2,
        p95_ms=round(sorted(one)[int(0.95 * (len(one) - 1))] * 1000, 1),
        runs=len(one),
    )
    yield figure(
        "signals.one_branch_submits",
        statistics.median(branch) * 1000,
        "ms",
        target="after the 提交 button, in the worker",
        items=round(data["submissions"] / data["branches"], 1),
        runs=len(branch),
    )


def main(argv=None):
    import argparse
    import json

    from bench.run import bench_database_url, fresh_database, setup_django

    parser = argparse.ArgumentParser(description="Signals of formalism at province scale.")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args(argv)
    if args.fresh:
        fresh_database(bench_database_url())
    setup_django()
    for line in signal_figures(args.scale):
        print(json.dumps(line, ensure_ascii=False, default=str), flush=True)


if __name__ == "__main__":
    main()
