"""Charts as SVG made on the server with pygal, embedded in the PDF as data URIs."""

import base64

import pygal
from pygal.style import Style

from units.fonts import FONT_STACK

# The document's @font-face family (units/fonts.py): WeasyPrint draws SVG text with it.
FONT = FONT_STACK
RED = "#b71c1c"

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#8a94a3",
    colors=(RED, "#5f6b7a", "#1c4f8a"),
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    value_font_family=FONT,
    value_label_font_family=FONT,
    title_font_family=FONT,
    legend_font_family=FONT,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=15,
    value_font_size=12,
    opacity=".35",
    opacity_hover=".5",
)

COMMON = {
    "style": STYLE,
    "js": [],  # no scripts inside a PDF
    "disable_xml_declaration": True,
    "show_legend": False,
    "width": 520,
    "height": 360,
    "margin": 16,
}


def radar_svg(labels: list[str], percents: list[float], title: str = "") -> str:
    """The six standards (or four goals) as a radar of score rates, 0–100."""
    chart = pygal.Radar(fill=True, range=(0, 100), dots_size=3, title=title or None, **COMMON)
    chart.x_labels = labels
    chart.add("", [float(v) for v in percents])
    return chart.render(is_unicode=True)


def line_svg(labels: list[str], values: list[float | None], title: str = "") -> str:
    """A unit's total over the year's periods; gaps where a period has no score."""
    chart = pygal.Line(
        title=title or None,
        dots_size=4,
        print_values=True,
        allow_interruptions=True,
        include_x_axis=False,
        **{**COMMON, "height": 280},
    )
    chart.x_labels = labels
    chart.add("", [None if v is None else float(v) for v in values])
    return chart.render(is_unicode=True)


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
