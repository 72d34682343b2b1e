"""Geometry of the effectiveness chart: a forest plot, drawn as SVG on the server (no JavaScript, no CDN).

One row per region and kind of measure: the estimated ratio as a square, its 95 % interval as a line, on a
log scale with a dashed line at 1 (no difference). The template ``mitigation/_forest_svg.html`` draws it; every
number also appears as text, and the table under the chart repeats them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import gettext as _

from conflict_service.i18n import format_number, format_percent

WIDTH = 360  # narrow, so the text stays readable when a phone scales the drawing down
LEFT, RIGHT = 14, 346
ROW_HEIGHT = 70
TOP = 8
AXIS_HEIGHT = 64
DOMAIN = (0.05, 20.0)
TICKS = (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20)  # a log axis: equal steps are equal factors
COLOURS = {"fewer": "#0b6e4f", "more": "#a1260d", "unclear": "#0a558c", "small_sample": "#6e7781"}


def x_of(value: float) -> float:
    """Position on the log axis, clamped to the drawn domain."""
    lo, hi = (math.log(v) for v in DOMAIN)
    v = math.log(min(max(value, DOMAIN[0]), DOMAIN[1]))
    return round(LEFT + (v - lo) / (hi - lo) * (RIGHT - LEFT), 1)


def ratio_text(value: float | None) -> str:
    return "—" if value is None else format_number(round(value, 2))


def caption(estimate) -> str:
    if estimate.verdict == "small_sample":
        return _("Small sample: no effect claimed")
    interval = _("{ratio} ({low} to {high})").format(
        ratio=ratio_text(estimate.ratio), low=ratio_text(estimate.low), high=ratio_text(estimate.high))
    if estimate.verdict == "fewer":
        return _("{interval}: losses lower by {pct}").format(interval=interval,
                                                          pct=format_percent(round(-estimate.change_pct)))
    if estimate.verdict == "more":
        return _("{interval}: {pct} more losses").format(interval=interval,
                                                         pct=format_percent(round(estimate.change_pct)))
    return _("{interval}: no clear difference").format(interval=interval)


@dataclass
class ChartRow:
    label: str
    caption: str
    y: float
    colour: str
    x_point: float | None
    x_low: float | None
    x_high: float | None


@dataclass
class Chart:
    rows: list[ChartRow]
    height: float
    axis_y: float
    ticks: list[tuple[float, str]]
    x_one: float
    left: int = LEFT
    right: int = RIGHT
    width: int = WIDTH


def forest(report_rows) -> Chart:
    rows = []
    for i, row in enumerate(report_rows):
        est = row.estimate
        # A small sample gets no interval drawn: the page says so instead of suggesting an effect.
        has_interval = est.verdict != "small_sample"
        rows.append(ChartRow(
            label=f"{row.region.name} · {row.kind.title}", caption=caption(est), y=TOP + i * ROW_HEIGHT,
            colour=COLOURS[est.verdict],
            x_point=x_of(est.ratio) if has_interval else None,
            x_low=x_of(est.low) if has_interval else None, x_high=x_of(est.high) if has_interval else None))
    axis_y = TOP + len(rows) * ROW_HEIGHT + 8
    return Chart(rows=rows, height=axis_y + AXIS_HEIGHT, axis_y=axis_y,
                 ticks=[(x_of(t), format_number(t)) for t in TICKS], x_one=x_of(1), left=LEFT, right=RIGHT)
