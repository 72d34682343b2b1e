"""Server-drawn SVG for the dashboard (no JavaScript, no inline styles: the CSP forbids them).

A bar chart of amounts per month and a map of the range countries with incidents as points. Both are plain
data here; ``oversight/_bars.svg.html`` and ``oversight/_map.svg.html`` draw them with SVG presentation attributes
and classes from the stylesheet. Every number drawn also appears as text (bar titles, the tables beside them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

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


def project(lon: float, lat: float) -> tuple[float, float]:
    """Equirectangular, scaled to the map's box (lat stretched by 1/cos 40° so shapes look right mid-range)."""
    west, south, east, north = MAP_BOUNDS
    scale = MAP_WIDTH / (east - west)
    return round((lon - west) * scale, 1), round((north - lat) * scale * 1.3, 1)


def map_height() -> float:
    return project(MAP_BOUNDS[0], MAP_BOUNDS[1])[1]


def _ring(coords) -> str:
    points = [project(lon, lat) for lon, lat in coords]
    return "M" + "L".join(f"{x},{y}" for x, y in points) + "Z"


@cache
def countries() -> tuple[dict, ...]:
    """The range countries as SVG paths, with a label position (the centre of their largest ring's box)."""
    data = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    out = []
    for feature in data["features"]:
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        path = "".join(_ring(ring) for polygon in polygons for ring in polygon)
        largest = max((polygon[0] for polygon in polygons), key=len)
        lons, lats = [p[0] for p in largest], [p[1] for p in largest]
        x, y = project((min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2)
        out.append({"iso": feature["properties"]["iso"], "name": feature["properties"]["name"], "path": path,
                    "x": x, "y": y})
    return tuple(out)


def incident_points(rows) -> list[dict]:
    """Incidents inside the map's box, projected; ``rows`` carry id, number, lat, lon, status."""
    west, south, east, north = MAP_BOUNDS
    out = []
    for row in rows:
        if row["lat"] is None or not (west <= row["lon"] <= east and south <= row["lat"] <= north):
            continue
        x, y = project(row["lon"], row["lat"])
        out.append({**row, "x": x, "y": y})
    return out
