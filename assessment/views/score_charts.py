"""ECharts options built from selector rows: plain data (no functions), rendered by
static/js/assessment-charts.js from the page's ``chart-data`` JSON. Every chart shown also
has its numbers in a table on the same page."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from units.numbers import rounded

from ..models import Standard

RED = "#b71c1c"
PALETTE = ["#b71c1c", "#1c4f8a", "#8a4b00", "#1d6b3f", "#6b3fa0", "#4b5563", "#c2185b"]
# Text colours at WCAG AA (4.5:1) or better on white: ECharts' defaults are paler (the
# radar's names #bbb, 1.9:1).
INK = "#1f2933"  # 15.9:1
MUTED = "#4b5563"  # 7.6:1
AXIS_TEXT = {"color": MUTED, "fontSize": 12}
VALUE_LABEL = {"show": True, "color": INK, "fontSize": 12}


def _f(value):
    return None if value is None else float(value)


def _axis(axis):
    return {
        **axis,
        "axisLabel": {**AXIS_TEXT, **axis.get("axisLabel", {})},
        "nameTextStyle": AXIS_TEXT,
    }


def _base(**extra):
    option = {
        "color": PALETTE,
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 48, "right": 16, "top": 36, "bottom": 56},
        "animationDuration": 300,
        "legend": {"textStyle": {"color": INK}},
    }
    if "legend" in extra:
        extra["legend"] = {**option["legend"], **extra["legend"]}
    option.update(extra)
    for key in ("xAxis", "yAxis"):
        if key in option:
            option[key] = _axis(option[key])
    return option


def progress_chart(rows):
    """Stacked bars per unit (or branch): on time, late, missing."""
    names = [r.label for r in rows]
    return _base(
        legend={"top": 0},
        xAxis={"type": "category", "data": names, "axisLabel": {"rotate": 30, "interval": 0}},
        yAxis={"type": "value", "name": _("项")},
        series=[
            {
                "name": _("按时"),
                "type": "bar",
                "stack": "s",
                "color": "#1d6b3f",
                "data": [r.on_time for r in rows],
            },
            {
                "name": _("逾期"),
                "type": "bar",
                "stack": "s",
                "color": "#f5a524",
                "data": [r.late for r in rows],
            },
            {
                "name": _("未报"),
                "type": "bar",
                "stack": "s",
                "color": "#d5dae0",
                "data": [r.missing for r in rows],
            },
        ],
    )


def distribution_chart(buckets):
    return _base(
        xAxis={"type": "category", "data": [label for label, _n in buckets], "name": _("得分率")},
        yAxis={"type": "value", "name": _("单位数"), "minInterval": 1},
        series=[
            {
                "name": _("单位数"),
                "type": "bar",
                "color": RED,
                "label": {**VALUE_LABEL, "position": "top"},
                "data": [n for _l, n in buckets],
            }
        ],
    )


def ranking_chart(rows, limit=20):
    top = list(rows)[:limit][::-1]
    return _base(
        tooltip={"trigger": "axis", "axisPointer": {"type": "shadow"}},
        grid={"left": 96, "right": 56, "top": 16, "bottom": 24},
        xAxis={"type": "value"},
        yAxis={"type": "category", "data": [r.unit_short_name or r.name for r in top]},
        series=[
            {
                "name": _("总分"),
                "type": "bar",
                "color": RED,
                "label": {**VALUE_LABEL, "position": "right"},
                "data": [_f(r.total) for r in top],
            }
        ],
    )


def radar_indicators():
    return [{"name": str(label), "max": 100} for _code, label in Standard.choices]


def standard_percents(row):
    by_code = {p.code: p for p in row.standards}
    return [
        _f(by_code[code].percent) if code in by_code and by_code[code].max_points else 0
        for code, _label in Standard.choices
    ]


def radar_chart(series):
    """series: [(name, [six percents])]; the first is drawn, the others for comparison."""
    return {
        "color": PALETTE,
        "animationDuration": 300,
        "tooltip": {},
        "legend": {"bottom": 0, "textStyle": {"color": INK}},
        "radar": {
            "indicator": radar_indicators(),
            "radius": "62%",
            "axisName": {"color": INK, "fontSize": 13},
        },
        "series": [
            {
                "type": "radar",
                "data": [{"name": name, "value": values} for name, values in series],
            }
        ],
    }


def trend_chart(labels, lines):
    """lines: [(name, [value or None per label])]."""
    return _base(
        legend={"top": 0},
        xAxis={"type": "category", "data": labels},
        yAxis={"type": "value", "name": _("得分率 %")},
        series=[
            {"name": name, "type": "line", "connectNulls": True, "data": [_f(v) for v in values]}
            for name, values in lines
        ],
    )


def category_trends(quarters, rows_by_period):
    """Average score rate per unit category per quarter: (labels, lines, table rows)."""
    labels = [p.get_kind_display() for p in quarters]
    sums = defaultdict(lambda: [[Decimal(0), 0] for _q in quarters])
    for i, period in enumerate(quarters):
        for row in rows_by_period.get(period.pk, []):
            cell = sums[row.category_name][i]
            cell[0] += row.rate
            cell[1] += 1
    lines = []
    for name, cells in sorted(sums.items()):
        lines.append((name, [rounded(s / n) if n else None for s, n in cells]))
    return labels, lines


def bar_compare_chart(labels, series):
    return _base(
        legend={"top": 0},
        xAxis={"type": "category", "data": labels, "axisLabel": {"interval": 0}},
        yAxis={"type": "value", "max": 100, "name": "%"},
        series=[
            {
                "name": name,
                "type": "bar",
                "label": {**VALUE_LABEL, "position": "top"},
                "data": [_f(v) for v in values],
            }
            for name, values in series
        ],
    )
