"""Server-drawn SVG for the dashboard and the bulletin (no JavaScript, no inline styles: the CSP forbids them).

Bar charts, and a map fitted to the reader's incidents with a hotspot grid. All are plain data here;
``oversight/_bars_svg.html``, ``_losses_svg.html`` and ``_map_svg.html`` draw them with SVG presentation attributes.
Every number drawn also appears as text (bar titles, the tables and the incident list beside them).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale

from conflict_service.i18n import cldr_locale, current_locale

MAP_FILE = Path(__file__).parent / "data" / "range_countries.geojson"
BAR_WIDTH, BAR_GAP, CHART_HEIGHT, LABEL_SPACE = 28, 8, 160, 34
MAP_WIDTH = 640
MAP_BOUNDS = (25.5, 23.0, 88.0, 56.0)  # lon/lat box of the range (Turkey to eastern Kazakhstan)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    x: int
    y: float
    height: float


def bars(points: list[tuple[str, Decimal]]) -> dict:
    """Bars of ``(label, value)`` scaled to the largest value; the drawing is as wide as it needs."""
    top = max((v for _l, v in points), default=Decimal(0)) or Decimal(1)
    out = []
    for i, (label, value) in enumerate(points):
        h = float(value / top) * CHART_HEIGHT
        out.append(Bar(label, value, BAR_GAP + i * (BAR_WIDTH + BAR_GAP), round(CHART_HEIGHT - h, 1), round(h, 1)))
    return {"bars": out, "width": BAR_GAP + len(points) * (BAR_WIDTH + BAR_GAP), "height": CHART_HEIGHT,
            "full_height": CHART_HEIGHT + LABEL_SPACE, "bar_width": BAR_WIDTH, "top": top}


# --- a map fitted to the reader's incidents, with a hotspot grid ----------------------------------------------

NICE_STEPS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0)
MIN_SPAN = 0.3  # degrees: a lone incident still shows its surroundings (a village, its valley)
HOTSPOT_CLASSES = ("#fde9c8", "#f7bf7d", "#e98a45", "#c8511f", "#8f2a0e")  # light to dark: few to many animals


@dataclass(frozen=True)
class Frame:
    """A lon/lat box drawn ``width`` units wide (equirectangular, longitudes shrunk by the cosine of the box's
    middle latitude so that shapes look right at any latitude)."""

    west: float
    south: float
    east: float
    north: float
    width: int = MAP_WIDTH

    @property
    def kx(self) -> float:
        return self.width / (self.east - self.west)

    @property
    def ky(self) -> float:
        return self.kx / math.cos(math.radians((self.south + self.north) / 2))

    @property
    def height(self) -> float:
        return round((self.north - self.south) * self.ky, 1)

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        return round((lon - self.west) * self.kx, 1), round((self.north - lat) * self.ky, 1)

    def contains(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north


RANGE_FRAME = Frame(*MAP_BOUNDS)


def fit(points: list[tuple[float, float]], pad: float = 0.1) -> Frame:
    """The smallest box around ``(lon, lat)`` points, padded, at least ``MIN_SPAN`` across, no wider than the
    range; the whole range when there is nothing to show."""
    if not points:
        return RANGE_FRAME
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    span = max(max(lons) - min(lons), max(lats) - min(lats), MIN_SPAN) * (1 + 2 * pad)
    cx, cy = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    half_x = max(span, (max(lons) - min(lons)) * (1 + 2 * pad)) / 2
    half_y = max(span * 0.75, (max(lats) - min(lats)) * (1 + 2 * pad)) / 2
    return Frame(cx - half_x, cy - half_y, cx + half_x, cy + half_y)


def _frame_ring(frame: Frame, coords) -> str:
    return "M" + "L".join("{},{}".format(*frame.project(lon, lat)) for lon, lat in coords) + "Z"


@cache
def _shapes() -> tuple[tuple[str, tuple], ...]:
    data = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    out = []
    for feature in data["features"]:
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        out.append((feature["properties"]["iso"], tuple(tuple(map(tuple, ring)) for p in polygons for ring in p)))
    return tuple(out)


@cache
def outlines(frame: Frame) -> tuple[dict, ...]:
    """The range countries' outlines in ``frame`` (the drawing clips what lies outside)."""
    out = []
    for iso, rings in _shapes():
        lons = [x for ring in rings for x, _y in ring]
        lats = [y for ring in rings for _x, y in ring]
        if max(lons) < frame.west or min(lons) > frame.east or max(lats) < frame.south or min(lats) > frame.north:
            continue
        largest = max(rings, key=len)
        cx = (min(x for x, _y in largest) + max(x for x, _y in largest)) / 2
        cy = (min(y for _x, y in largest) + max(y for _x, y in largest)) / 2
        x, y = frame.project(min(max(cx, frame.west), frame.east), min(max(cy, frame.south), frame.north))
        out.append({"iso": iso, "path": "".join(_frame_ring(frame, ring) for ring in rings), "x": x, "y": y})
    return tuple(out)


def country_name(iso: str) -> str:
    """A range country's name in the reader's language (CLDR), or its code if CLDR has none."""
    try:
        return Locale.parse(cldr_locale(current_locale())).territories.get(iso, iso)
    except (ValueError, LookupError):
        return iso


def grid_step(frame: Frame, cells_across: int = 14) -> float:
    """A round cell size giving about ``cells_across`` cells over the frame's width."""
    target = (frame.east - frame.west) / cells_across
    return min(NICE_STEPS, key=lambda s: abs(math.log(s / target)))


def hotspots(frame: Frame, losses: list[tuple[float, float, int]]) -> dict:
    """Grid cells coloured by verified animals lost (``(lon, lat, animals)`` per event), five classes up to
    the busiest cell; each cell is drawn as a square with its count."""
    step = grid_step(frame)
    cells: dict[tuple[int, int], int] = {}
    for lon, lat, animals in losses:
        if frame.contains(lon, lat) and animals:
            key = (math.floor(lon / step), math.floor(lat / step))
            cells[key] = cells.get(key, 0) + animals
    top = max(cells.values(), default=0)
    out = []
    for (i, j), animals in sorted(cells.items()):
        x0, y0 = frame.project(i * step, (j + 1) * step)
        x1, y1 = frame.project((i + 1) * step, j * step)
        level = min(len(HOTSPOT_CLASSES) - 1, int(len(HOTSPOT_CLASSES) * animals / (top + 1)))
        out.append({"x": x0, "y": y0, "w": round(x1 - x0, 1), "h": round(y1 - y0, 1), "animals": animals,
                    "fill": HOTSPOT_CLASSES[level]})
    limits = [math.ceil((top + 1) * (k + 1) / len(HOTSPOT_CLASSES)) - 1 for k in range(len(HOTSPOT_CLASSES))]
    return {"step": step, "cells": out, "top": top, "legend": list(zip(HOTSPOT_CLASSES, limits, strict=True))}


def place(frame: Frame, rows) -> list[dict]:
    """Rows with lat/lon inside the frame, with their drawing position added."""
    out = []
    for row in rows:
        if row["lat"] is None or not frame.contains(row["lon"], row["lat"]):
            continue
        x, y = frame.project(row["lon"], row["lat"])
        out.append({**row, "x": x, "y": y})
    return out


HBAR_HEIGHT, HBAR_GAP, HBAR_LABEL, HBAR_LENGTH = 18, 6, 230, 360


def hbars(rows: list[tuple]) -> dict:
    """Horizontal bars of ``(predator, species, value)``, longest for the largest value; the drawing is as tall as
    it needs and wider than a phone, so the page lets it scroll."""
    top = max((r[2] for r in rows), default=0) or 1
    out = []
    for i, (predator, species, value) in enumerate(rows):
        out.append({"predator": predator, "species": species, "value": value, "y": i * (HBAR_HEIGHT + HBAR_GAP),
                    "length": round(value / top * HBAR_LENGTH, 1)})
    return {"bars": out, "label_width": HBAR_LABEL, "bar_height": HBAR_HEIGHT,
            "width": HBAR_LABEL + HBAR_LENGTH + 50, "height": max(1, len(rows)) * (HBAR_HEIGHT + HBAR_GAP)}
