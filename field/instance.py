"""Reading a submitted form instance: safely (no DTD, entities or external references; size-limited before parsing)
and into the same dict the web visit form and the API hand to ``VerificationCreateSchema``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from flask_babel import gettext as _

from field.xlsform import FORM_ID
from verification.schemas import CHECKLIST, CORRECTIONS

XML_MAX_BYTES = 512 * 1024


class BadInstance(ValueError):
    """The XML is not a site-visit instance this service can read (answered 400; nothing is stored)."""


@dataclass
class Photo:
    filename: str
    lat: float | None = None
    lon: float | None = None
    accuracy_m: float | None = None


@dataclass
class Instance:
    instance_id: str
    version: str
    claim_ref: str
    device_id: str = ""
    started_at: datetime | None = None
    ended_at: datetime | None = None
    visit: dict = field(default_factory=dict)  # input for VerificationCreateSchema
    photos: list[Photo] = field(default_factory=list)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(node, name: str):
    return next((c for c in node if _local(c.tag) == name), None)


def _text(node, name: str) -> str:
    found = _child(node, name) if node is not None else None
    return (found.text or "").strip() if found is not None else ""


def parse(data: bytes) -> Instance:
    if len(data) > XML_MAX_BYTES:
        raise BadInstance(_("The form's XML is larger than {kb} kB.").format(kb=XML_MAX_BYTES // 1024))
    try:
        data.decode("utf-8")  # kept as text: ODK clients write UTF-8
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):  # UnicodeDecodeError is a ValueError
        raise BadInstance(_("The form's XML could not be read.")) from None
    if _local(root.tag) != FORM_ID or root.get("id") != FORM_ID:
        raise BadInstance(_("This server receives the site-visit form only."))
    instance_id = _text(_child(root, "meta"), "instanceID")
    if not instance_id or len(instance_id) > 100:
        raise BadInstance(_("The form has no instance ID."))
    return Instance(instance_id=instance_id, version=(root.get("version") or "")[:40],
                    claim_ref=_text(root, "claim")[:40], device_id=_text(root, "deviceid")[:100],
                    started_at=_moment(_text(root, "start")), ended_at=_moment(_text(root, "end")),
                    visit=_visit(root), photos=_photos(root))


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def geopoint(text: str) -> tuple[float | None, float | None, float | None]:
    """ODK geopoint 'lat lon altitude accuracy' → (lat, lon, accuracy in m)."""
    parts = text.split()
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except (IndexError, ValueError):
        return None, None, None
    try:
        accuracy = float(parts[3])
    except (IndexError, ValueError):
        accuracy = None
    return lat, lon, accuracy


def _visit(root) -> dict:
    """The answers under the web form's field names; blanks are left out, as the web form leaves them out."""
    data: dict = {}
    for name in ("visited_at", "canine_spacing_mm", "predator", "confidence", "carcass_disposal", "outcome",
                 "rejection_reason", "notes"):
        if value := _text(root, name):
            data[name] = value
    lat, lon, _accuracy = geopoint(_text(root, "visit_location"))
    if lat is not None:
        data["visit_lat"], data["visit_lon"] = lat, lon
    ticked = set(_text(root, "checklist").split())
    data.update({name: name in ticked for name in CHECKLIST})
    circumstances = _child(root, "circumstances")
    for name in CORRECTIONS:
        if value := _text(circumstances, name):
            data[name] = value
    data["lines"] = [{"species": _text(line, "species"), "age_class": _text(line, "age_class"),
                      "outcome": _text(line, "loss_outcome"), "count": _text(line, "count")}
                     for line in root if _local(line.tag) == "lines" and any(_text(line, n) for n in (
                         "species", "age_class", "loss_outcome", "count"))]
    return data


def _photos(root) -> list[Photo]:
    out = []
    for node in root:
        if _local(node.tag) != "photos" or not (name := _text(node, "photo")):
            continue
        lat, lon, accuracy = geopoint(_text(node, "photo_location"))
        out.append(Photo(name[:120], lat, lon, accuracy))
    return out
