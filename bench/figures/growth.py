"""How cost grows with the data: recompute and dashboard at scale/10, scale/3 and scale.

The figure is the log-log slope between the smallest and the largest scale: 1.0 is linear,
below 1 better than linear (fixed costs dominate), above 1 worse. Target ≤ 1.1.
"""

from __future__ import annotations

import math

from bench.measure import figure, skipped

SLOPE_TARGET = 1.1


def _slope(points, key, size_key):
    usable = [p for p in points if p.get(key)]
    if len(usable) < 2:
        return None, usable
    small, big = usable[0], usable[-1]
    if big[size_key] == small[size_key]:
        return None, usable
    slope = math.log(big[key] / small[key]) / math.log(big[size_key] / small[size_key])
    return slope, usable


def growth_figures(per_scale: list[dict]) -> list[dict]:
    lines = []
    for name, key, size_key in (
        ("growth.recompute_plan", "recompute_s", "submissions"),
        ("growth.dashboard", "dashboard_s", "submissions"),
    ):
        slope, usable = _slope(per_scale, key, size_key)
        if slope is None:
            lines.append(skipped(name, f"needs two scales with a {key} figure"))
            continue
        lines.append(
            figure(
                name,
                # a slope can be ≤ 0 when fixed costs dominate: report it floored for the
                # "positive value" check, the raw slope beside it
                max(slope, 0.001),
                "log-log slope",
                baseline="linear growth (slope 1)",
                baseline_value=1.0,
                target=f"≤ {SLOPE_TARGET} (linear or better)",
                met=slope <= SLOPE_TARGET,
                raw_slope=round(slope, 3),
                points=[
                    {"scale": round(p["scale"], 4), size_key: p[size_key], key: round(p[key], 4)}
                    for p in usable
                ],
            )
        )
    return lines
