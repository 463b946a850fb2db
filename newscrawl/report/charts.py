"""Small SVG bar charts, written as strings: no JavaScript or network needed to see them.

Each function returns one ``<svg class="chart" data-chart="NAME">`` element whose bars
carry ``class="mark"`` and a ``<title>`` (the browser's tooltip), so the report's script
and its test can count what was drawn.

>>> svg = hbar_chart("coverage", [("title", 8, "100%")], max_value=8)
>>> svg.count('class="mark"')
1
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

#: Series colours (colour-blind-safe Okabe–Ito, then Tableau); sites beyond are "other".
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#4E79A7", "#9C755F", "#BAB0AC")
OTHER_COLOR = "#777777"
_FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def nice_ticks(max_value: float, count: int = 5) -> list[float]:
    """Round axis ticks from 0 to at least ``max_value`` (steps of 1, 2 or 5 × 10^k).

    >>> nice_ticks(7)
    [0, 2, 4, 6, 8]
    """
    if max_value <= 0:
        return [0, 1]
    raw = max_value / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(step, 1)
    top = math.ceil(max_value / step) * step
    return [round(i * step, 10) for i in range(round(top / step) + 1)]


def stacked_bar_chart(name: str, categories: list[str], series: dict[str, list[int]],
                      colors: dict[str, str], *, width: int = 760, height: int = 300,
                      label: str = "") -> str:
    """Vertical bars, one per category, stacked by series (e.g. days × sites)."""
    left, right, top, bottom = 44, 10, 10, 70
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for values in series.values()) for i in range(len(categories))]
    ticks = nice_ticks(max(totals, default=0))
    scale = plot_h / ticks[-1]
    band = plot_w / max(len(categories), 1)
    bar_w = min(band * 0.8, 48)
    every = max(1, math.ceil(len(categories) / 16))
    parts = [_open(name, width, height, label), _y_axis(ticks, scale, left, top, plot_w, plot_h)]
    for i, category in enumerate(categories):
        x = left + i * band + (band - bar_w) / 2
        y: float = top + plot_h
        for serie, values in series.items():
            value = values[i]
            if not value:
                continue
            h = value * scale
            y -= h
            parts.append(_rect(x, y, bar_w, h, colors.get(serie, OTHER_COLOR),
                               f"{category} · {serie}: {value}", serie))
        if i % every == 0:
            tx, ty = x + bar_w / 2, top + plot_h + 12
            parts.append(f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="end" '
                         f'transform="rotate(-40 {tx:.1f} {ty:.1f})">{escape(category)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def vbar_chart(name: str, rows: list[tuple[str, int]], *, width: int = 760, height: int = 240,
               color: str = PALETTE[0], label: str = "") -> str:
    """Vertical bars with their category below and their value above (a histogram)."""
    left, right, top, bottom = 44, 10, 18, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = nice_ticks(max((v for _, v in rows), default=0))
    scale = plot_h / ticks[-1]
    band = plot_w / max(len(rows), 1)
    bar_w = band * 0.7
    parts = [_open(name, width, height, label), _y_axis(ticks, scale, left, top, plot_w, plot_h)]
    for i, (category, value) in enumerate(rows):
        x = left + i * band + (band - bar_w) / 2
        h = value * scale
        y = top + plot_h - h
        parts.append(_rect(x, y, bar_w, h, color, f"{category}: {value}", category))
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">'
                     f'{value}</text>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16:.1f}" '
                     f'text-anchor="middle">{escape(category)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def hbar_chart(name: str, rows: Sequence[tuple[str, float, str]], *, max_value: float,
               width: int = 760, color: str = PALETTE[0], label: str = "") -> str:
    """Horizontal bars: ``(label, value, value text)`` per row, scaled to ``max_value``."""
    label_w, value_w, row_h = 230, 60, 22
    bar_area = width - label_w - value_w
    height = row_h * len(rows) + 8
    parts = [_open(name, width, height, label)]
    for i, (row_label, value, text) in enumerate(rows):
        y = 4 + i * row_h
        w = bar_area * (value / max_value) if max_value else 0
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">'
                     f'{escape(row_label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{bar_area}" height="{row_h - 6}" '
                     f'fill="#eef1f5"/>')
        parts.append(_rect(label_w, y + 2, w, row_h - 6, color, f"{row_label}: {text}", row_label))
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 15}">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def legend(colors: dict[str, str]) -> str:
    """An HTML legend: one swatch and name per series."""
    items = "".join(f'<li data-series="{escape(name)}"><span class="swatch" '
                    f'style="background:{color}"></span>{escape(name)}</li>'
                    for name, color in colors.items())
    return f'<ul class="legend">{items}</ul>'


def _open(name: str, width: int, height: int, label: str) -> str:
    return (f'<svg class="chart" data-chart="{escape(name)}" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'aria-label="{escape(label or name)}" {_FONT}>')


def _y_axis(ticks: list[float], scale: float, left: int, top: int, plot_w: int,
            plot_h: int) -> str:
    parts = []
    for tick in ticks:
        y = top + plot_h - tick * scale
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#e3e6ea"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:g}</text>')
    parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" '
                 f'y2="{top + plot_h}" stroke="#888"/>')
    return "".join(parts)


def _rect(x: float, y: float, w: float, h: float, color: str, title: str, series: str) -> str:
    return (f'<rect class="mark" data-series="{escape(series)}" x="{x:.1f}" y="{y:.1f}" '
            f'width="{w:.1f}" height="{h:.1f}" fill="{color}"><title>{escape(title)}</title>'
            f'</rect>')
