#!/usr/bin/env python3
"""Build oversight/data/range_countries.geojson: the leopard range countries, simplified, for the incident map.

Source: Natural Earth 1:110m admin-0 countries (public domain, https://www.naturalearthdata.com/about/terms-of-use/),
as shipped in older geopandas wheels (geopandas < 1.0, ``geopandas/datasets/naturalearth_lowres``):

    pip download --no-deps "geopandas<1.0" -d /tmp/ne && cd /tmp/ne && unzip -o geopandas-*.whl 'geopandas/datasets/*'
    .venv/bin/python scripts/build_range_map.py /tmp/ne/geopandas/datasets/naturalearth_lowres

The shapefile is read with the standard library (the format is simple), so no GIS package is needed; shapely
clips Russia to the Caucasus and simplifies the outlines.
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

from shapely.geometry import MultiPolygon, Polygon, box, mapping, shape

# ISO 3166-1 alpha-3 of Natural Earth -> the alpha-2 codes the service uses.
COUNTRIES = {"IRN": "IR", "AFG": "AF", "PAK": "PK", "IRQ": "IQ", "TUR": "TR", "ARM": "AM", "AZE": "AZ",
             "GEO": "GE", "RUS": "RU", "TKM": "TM", "UZB": "UZ", "TJK": "TJ", "KAZ": "KZ", "KGZ": "KG"}
RUSSIA_CAUCASUS = box(36.0, 41.0, 49.0, 46.5)  # lon/lat: the North Caucasus only
TOLERANCE = 0.05  # degrees; keeps outlines recognisable at dashboard size and the file small
OUT = Path(__file__).resolve().parent.parent / "oversight" / "data" / "range_countries.geojson"


def read_dbf(path: Path) -> list[dict]:
    data = path.read_bytes()
    count, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields, pos = [], 32
    while data[pos] != 0x0D:
        name = data[pos:pos + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    records = []
    for i in range(count):
        start = header_len + i * record_len + 1  # the first byte flags deleted records
        row, offset = {}, start
        for name, length in fields:
            row[name] = data[offset:offset + length].decode("utf-8", "replace").strip()
            offset += length
        records.append(row)
    return records


def read_shp(path: Path) -> list[Polygon | MultiPolygon | None]:
    data = path.read_bytes()
    pos, shapes = 100, []
    while pos < len(data):
        _number, length = struct.unpack(">II", data[pos:pos + 8])
        content = data[pos + 8:pos + 8 + length * 2]
        pos += 8 + length * 2
        if struct.unpack("<i", content[:4])[0] != 5:  # 5: polygon
            shapes.append(None)
            continue
        num_parts, num_points = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack(f"<{num_parts}i", content[44:44 + 4 * num_parts])) + [num_points]
        base = 44 + 4 * num_parts
        points = [struct.unpack("<2d", content[base + 16 * i:base + 16 * (i + 1)]) for i in range(num_points)]
        rings = [points[parts[i]:parts[i + 1]] for i in range(num_parts)]
        shapes.append(_polygons(rings))
    return shapes


def _polygons(rings):
    """Shapefile rings: clockwise ones are outer rings, the counter-clockwise ones after them their holes."""
    polys: list[list] = []
    for ring in rings:
        area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))
        if area <= 0 or not polys:
            polys.append([ring])
        else:
            polys[-1].append(ring)
    geoms = [Polygon(p[0], p[1:]) for p in polys]
    return geoms[0] if len(geoms) == 1 else MultiPolygon(geoms)


def build(source: Path) -> dict:
    stem = source / source.name
    features = []
    for record, geom in zip(read_dbf(stem.with_suffix(".dbf")), read_shp(stem.with_suffix(".shp")), strict=True):
        code = COUNTRIES.get(record.get("iso_a3", ""))
        if code is None or geom is None:
            continue
        if code == "RU":
            geom = geom.intersection(RUSSIA_CAUCASUS)
        geom = shape(mapping(geom.simplify(TOLERANCE, preserve_topology=True)))
        features.append({"type": "Feature", "properties": {"iso": code, "name": record["name"]},
                         "geometry": _rounded(mapping(geom))})
    features.sort(key=lambda f: f["properties"]["iso"])
    return {"type": "FeatureCollection",
            "source": "Natural Earth 1:110m Cultural Vectors, Admin 0 - Countries (naturalearth_lowres)",
            "licence": "Public domain (Natural Earth terms of use: https://www.naturalearthdata.com/about/terms-of-use/)",
            "note": "Built by scripts/build_range_map.py; Russia clipped to the North Caucasus; simplified.",
            "features": features}


def _rounded(geometry: dict) -> dict:
    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], float):
                return [round(v, 3) for v in value]
            return [walk(v) for v in value]
        return value
    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    collection = build(Path(sys.argv[1]))
    missing = set(COUNTRIES.values()) - {f["properties"]["iso"] for f in collection["features"]}
    if missing:
        sys.exit(f"Countries not found in the source: {sorted(missing)}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(collection['features'])} countries, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
