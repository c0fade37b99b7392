"""Charts legible on screen and in print (issue 18 §7): text at WCAG AA contrast, values on
bars, the PDF radar's labels outside its grid and the trend's values clear of the axis
labels."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal as D
from types import SimpleNamespace

from assessment.views import score_charts
from reports import charts

SVG = "{http://www.w3.org/2000/svg}"


def contrast(colour: str, background: str = "#ffffff") -> float:
    def luminance(hex_colour):
        channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted([luminance(colour), luminance(background)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def row(name, total):
    return SimpleNamespace(unit_short_name=name, name=name, total=D(total))


def test_screen_charts_write_axis_and_radar_labels_at_aa_contrast():
    options = [
        score_charts.ranking_chart([row("甲厅", "80.5"), row("乙局", "70.25")]),
        score_charts.distribution_chart([("60–70", 1), ("70–80", 2)]),
        score_charts.trend_chart(["第一季度"], [("得分率", [D("80")])]),
        score_charts.bar_compare_chart(["讲政治"], [("甲厅", [D("90")])]),
    ]
    for option in options:
        for key in ("xAxis", "yAxis"):
            assert contrast(option[key]["axisLabel"]["color"]) >= 4.5
            assert contrast(option[key]["nameTextStyle"]["color"]) >= 4.5
        assert contrast(option["legend"]["textStyle"]["color"]) >= 4.5
    radar = score_charts.radar_chart([("甲厅", [80] * 6)])
    assert contrast(radar["radar"]["axisName"]["color"]) >= 4.5
    assert contrast(radar["legend"]["textStyle"]["color"]) >= 4.5


def test_bars_carry_their_values():
    ranking = score_charts.ranking_chart([row("甲厅", "80.5"), row("乙局", "70.25")])
    [series] = ranking["series"]
    assert series["label"]["show"] is True and series["label"]["position"] == "right"
    assert contrast(series["label"]["color"]) >= 4.5
    assert series["data"] == [70.25, 80.5]
    [bars] = score_charts.distribution_chart([("60–70", 1)])["series"]
    assert bars["label"]["show"] is True and bars["label"]["position"] == "top"


def texts(svg: str):
    root = ET.fromstring(svg)
    return [
        (float(t.get("x")), float(t.get("y")), t.text, t.get("fill"))
        for t in root.iter(f"{SVG}text")
    ]


def test_pdf_radar_labels_sit_outside_the_grid_with_their_rates():
    labels = ["信念坚实", "理论扎实", "组织夯实", "作风务实", "纪律压实", "服务求实"]
    svg = charts.radar_svg(labels, [D("77.5"), 76, 77.3, 44.4, 87.6, 78.8])
    root = ET.fromstring(svg)
    outer = max(
        (p for p in root.iter(f"{SVG}polygon") if p.get("fill") == "none"),
        key=lambda p: len(p.get("points")),
    )
    xs = [float(pt.split(",")[0]) for pt in outer.get("points").split()]
    ys = [float(pt.split(",")[1]) for pt in outer.get("points").split()]
    found = texts(svg)
    rates = ["77.5", "76.0", "77.3", "44.4", "87.6", "78.8"]
    expected = [part for label, r in zip(labels, rates, strict=True) for part in (label, f"{r}%")]
    assert [t for _x, _y, t, _f in found] == expected
    for x, y, text, fill in found:
        assert contrast(fill) >= 4.5, text
        # outside the grid's bounding box horizontally or vertically: never across its lines
        assert not (min(xs) < x < max(xs) and min(ys) < y < max(ys)), text
    assert "transform" not in svg and "rotate" not in svg  # level, not turned along spokes


def test_pdf_trend_prints_values_above_dots_and_clear_of_axis_labels():
    svg = charts.line_svg(["第一季度", "第二季度", "第三季度"], [D("64.3"), None, D("2.5")])
    found = texts(svg)
    axis_labels = [(x, y) for x, y, t, _f in found if t in {"0", "20", "40", "60", "80", "100"}]
    period_labels = [(x, y) for x, y, t, _f in found if t.endswith("季度")]
    values = [(x, y, t) for x, y, t, _f in found if re.fullmatch(r"\d+\.\d", t)]
    assert [t for _x, _y, t in values] == ["64.3", "2.5"]  # the gap prints nothing
    circles = [
        (float(c.get("cx")), float(c.get("cy"))) for c in ET.fromstring(svg).iter(f"{SVG}circle")
    ]
    for (x, y, _t), (cx, cy) in zip(values, circles, strict=True):
        assert x == cx and y < cy  # above its dot
        assert all(abs(y - ay) > 12 or abs(x - ax) > 30 for ax, ay in axis_labels)
        assert all(py - y > 16 for _px, py in period_labels)
    assert all(contrast(f) >= 4.5 for _x, _y, _t, f in found)
