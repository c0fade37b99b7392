"""Charts as SVG made on the server, embedded in the PDF as data URIs. Drawn by hand, not
by a chart library, to keep them legible in print: labels at 13–14 px of a 520 px wide
chart that prints about 80 mm wide, text at WCAG AA contrast or better (INK, MUTED, RED
are 15.9, 7.6 and 6.6 to 1 on white)."""

import base64
import math
from xml.sax.saxutils import escape

from units.fonts import FONT_STACK

RED = "#b71c1c"
INK = "#1f2933"
MUTED = "#4b5563"
GRID = "#c5cad3"  # lines only, never text


def _svg_open(width, height) -> str:
    font = escape(FONT_STACK, {'"': "&quot;"})
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{font}">'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>'
    )


def _text(x, y, text, *, size, anchor="start", fill=INK, bold=False) -> str:
    weight = ' font-weight="bold"' if bold or fill == RED else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}"{weight}>{escape(str(text))}</text>'
    )


def radar_svg(labels: list[str], percents: list[float], title: str = "") -> str:
    """The six standards (or four goals) as a radar of score rates, 0–100.

    pygal, used before, turned the labels along the spokes, where they crossed the grid at
    print size, and wrote the ring values over the top label. Here each label sits outside
    the outermost ring, level, with its rate beneath it; the font is the document's
    @font-face family (units/fonts.py), which WeasyPrint uses for SVG text too."""
    width, height, radius = 520, 360, 118
    cx, cy = width / 2, height / 2 + 4
    n = len(labels)
    values = [max(0.0, min(100.0, float(v or 0))) for v in percents]

    def point(i, r):
        angle = math.radians(-90 + 360 * i / n)
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    def polygon(r):
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, r) for i in range(n)))

    parts = [_svg_open(width, height)]
    if title:
        parts.append(_text(cx, 18, title, size=15, anchor="middle"))
    for ring in (20, 40, 60, 80, 100):
        dash = "" if ring == 100 else ' stroke-dasharray="3 3"'
        parts.append(
            f'<polygon points="{polygon(radius * ring / 100)}" fill="none" '
            f'stroke="{GRID}" stroke-width="1"{dash}/>'
        )
    for i in range(n):
        x, y = point(i, radius)
        parts.append(
            f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}" '
            'stroke-width="1"/>'
        )
    shape = " ".join(
        f"{x:.1f},{y:.1f}" for x, y in (point(i, radius * v / 100) for i, v in enumerate(values))
    )
    parts.append(
        f'<polygon points="{shape}" fill="{RED}" fill-opacity=".22" stroke="{RED}" '
        'stroke-width="2"/>'
    )
    for i, v in enumerate(values):
        x, y = point(i, radius * v / 100)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{RED}"/>')
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x, y = point(i, radius + 16)
        dx = x - cx
        anchor = "middle" if abs(dx) < 1 else ("start" if dx > 0 else "end")
        # two lines: the name, then the rate; above the top spoke, below the bottom one
        top = y - 20 if y < cy - radius else (y + 4 if y > cy + radius else y - 6)
        parts.append(_text(x, top, label, size=14, anchor=anchor))
        parts.append(_text(x, top + 17, f"{value:.1f}%", size=13, anchor=anchor, fill=RED))
    parts.append("</svg>")
    return "".join(parts)


def line_svg(labels: list[str], values: list[float | None], title: str = "") -> str:
    """A unit's score rate over the year's finished periods; gaps where a period has no
    score. The whole 0–100 scale, so a small change does not look like a collapse; each
    value is printed above its dot, clear of the axis labels."""
    width, height = 520, 280
    left, right, top, bottom = 44, 20, 30 if title else 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(labels), 1)

    def x_of(i):
        return left + step * (i + 0.5)

    def y_of(v):
        return top + plot_h * (1 - max(0.0, min(100.0, float(v))) / 100)

    parts = [_svg_open(width, height)]
    if title:
        parts.append(_text(width / 2, 18, title, size=15, anchor="middle"))
    for tick in (0, 20, 40, 60, 80, 100):
        y = y_of(tick)
        dash = "" if tick == 0 else ' stroke-dasharray="3 3"'
        stroke = MUTED if tick == 0 else GRID
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{stroke}" stroke-width="1"{dash}/>'
        )
        parts.append(_text(left - 6, y + 4, str(tick), size=12, anchor="end", fill=MUTED))
    for i, label in enumerate(labels):
        parts.append(_text(x_of(i), height - bottom + 20, label, size=13, anchor="middle"))
    run = []
    for i, v in enumerate([*values, None]):
        if v is not None:
            run.append((x_of(i), y_of(v)))
            continue
        if len(run) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{RED}" stroke-width="2"/>'
            )
        run = []
    for i, v in enumerate(values):
        if v is None:
            continue
        x, y = x_of(i), y_of(v)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{RED}"/>')
        parts.append(_text(x, y - 9, f"{float(v):.1f}", size=13, anchor="middle", fill=RED))
    parts.append("</svg>")
    return "".join(parts)


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
