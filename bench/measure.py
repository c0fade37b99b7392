"""Figure lines and small timing helpers shared by every figure module."""

from __future__ import annotations

import math
import time
from contextlib import contextmanager

KEYS = ("name", "value", "unit", "baseline", "baseline_value", "ratio", "target", "met")


def figure(
    name: str,
    value: float,
    unit: str,
    *,
    baseline: str | None = None,
    baseline_value: float | None = None,
    ratio: float | None = None,
    target: str | None = None,
    met: bool | None = None,
    **extra,
) -> dict:
    """One figure line. ``ratio`` defaults to value / baseline_value when both are given."""
    if ratio is None and baseline_value:
        ratio = value / baseline_value
    line = {
        "name": name,
        "value": _round(value),
        "unit": unit,
        "baseline": baseline,
        "baseline_value": _round(baseline_value),
        "ratio": _round(ratio),
        "target": target,
        "met": met,
    }
    line.update(extra)
    return line


def skipped(name: str, reason: str) -> dict:
    return {"name": name, "skipped": reason}


def _round(value):
    if value is None:
        return None
    if isinstance(value, float):
        if value == 0 or not math.isfinite(value):
            return value
        digits = max(2, 3 - int(math.floor(math.log10(abs(value)))))
        return round(value, digits)
    return value


@contextmanager
def stopwatch():
    """``with stopwatch() as t: ...``; then ``t()`` is the elapsed seconds."""
    start = time.perf_counter()
    end = None

    def elapsed():
        return (end if end is not None else time.perf_counter()) - start

    try:
        yield elapsed
    finally:
        end = time.perf_counter()


def best_of(fn, repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs, in seconds (noise on a shared machine only adds)."""
    best = math.inf
    for _i in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def percentile(samples, p: float) -> float:
    """Nearest-rank percentile of a list of numbers."""
    ordered = sorted(samples)
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]
