"""Exclusion zones of a programme: GeoJSON polygons, checked with shapely and stored as a FeatureCollection."""

from __future__ import annotations

from flask_babel import gettext as _

# shapely (and numpy under it, ~18 MB) is imported where a zone is checked or tested, not with the service.

POLYGONS = ("Polygon", "MultiPolygon")
OTHER_GEOMETRIES = ("Point", "MultiPoint", "LineString", "MultiLineString", "GeometryCollection")


class ZoneError(ValueError):
    pass


def normalise(value) -> dict | None:
    """Check GeoJSON (FeatureCollection, Feature, Polygon or MultiPolygon) and return a FeatureCollection.

    Raises :class:`ZoneError` with a message that names the feature at fault. No polygons at all gives None.
    """
    if value in (None, "", {}):
        return None
    if not isinstance(value, dict) or value.get("type") not in ("FeatureCollection", "Feature", *POLYGONS,
                                                                *OTHER_GEOMETRIES):
        raise ZoneError(_("Give GeoJSON: a FeatureCollection, a Feature, a Polygon or a MultiPolygon."))
    features = _features(value)
    for number, feature in enumerate(features, start=1):
        _check_geometry(feature.get("geometry"), number)
    if not features:
        return None
    return {"type": "FeatureCollection", "features": features}


def _features(value: dict) -> list[dict]:
    if value["type"] == "FeatureCollection":
        raw = value.get("features")
        if not isinstance(raw, list) or not all(isinstance(f, dict) and f.get("type") == "Feature" for f in raw):
            raise ZoneError(_("A FeatureCollection needs a list of features."))
        items = raw
    elif value["type"] == "Feature":
        items = [value]
    else:
        items = [{"type": "Feature", "properties": {}, "geometry": value}]
    return [{"type": "Feature", "properties": _properties(f), "geometry": f.get("geometry")} for f in items]


def _properties(feature: dict) -> dict:
    props = feature.get("properties")
    return props if isinstance(props, dict) else {}


def _check_geometry(geometry, number: int) -> None:
    if not isinstance(geometry, dict) or geometry.get("type") not in POLYGONS:
        found = geometry.get("type") if isinstance(geometry, dict) else None
        raise ZoneError(_("Zone {n}: only polygons are allowed (found {kind}).").format(n=number, kind=found or "—"))
    _check_rings(geometry, number)
    from shapely import GEOSException
    from shapely.geometry import shape
    from shapely.validation import explain_validity

    try:
        geom = shape(geometry)
    except (GEOSException, ValueError, TypeError, IndexError, KeyError, AttributeError):
        raise ZoneError(_("Zone {n}: the coordinates are not a valid polygon.").format(n=number)) from None
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    if min_lon < -180 or max_lon > 180 or min_lat < -90 or max_lat > 90:
        raise ZoneError(_("Zone {n}: coordinates are [longitude, latitude], longitude between -180 and 180 and "
                          "latitude between -90 and 90.").format(n=number))
    if not geom.is_valid:
        raise ZoneError(_("Zone {n}: the polygon is not valid ({problem}).").format(
            n=number, problem=explain_validity(geom)))


def _check_rings(geometry: dict, number: int) -> None:
    coords = geometry.get("coordinates")
    polygons = coords if geometry["type"] == "MultiPolygon" else [coords]
    if not isinstance(polygons, list) or not polygons:
        raise ZoneError(_("Zone {n}: the coordinates are not a valid polygon.").format(n=number))
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ZoneError(_("Zone {n}: the coordinates are not a valid polygon.").format(n=number))
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
                raise ZoneError(_("Zone {n}: every ring needs at least four positions and must end where it "
                                  "starts.").format(n=number))


def contains_test(collection: dict | None):
    """A fast ``(lat, lon) -> bool`` for stored zones, or None when the programme has none."""
    if not collection or not collection.get("features"):
        return None
    from shapely.geometry import Point, shape
    from shapely.prepared import prep

    prepared = [prep(shape(f["geometry"])) for f in collection["features"]]

    def inside(lat: float, lon: float) -> bool:
        point = Point(lon, lat)
        return any(p.covers(point) for p in prepared)

    return inside
