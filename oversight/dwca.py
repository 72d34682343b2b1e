"""The open-data files (DESIGN §12): a Darwin Core Archive (Event core, Occurrence and Extended MeasurementOrFact
extensions, EML metadata) and a CSV and GeoJSON of the same events.

The archive follows the Darwin Core Text Guide: tab-separated UTF-8 files with one header line, described by
``meta.xml``; extension rows point at their event through ``coreid``. The eMoF row type is OBIS's Extended
MeasurementOrFact, which links a measurement both to its event and (for the losses) to the predator occurrence.
Vocabulary values (measurement types, codes) are the English terms of the exchange, as the standard expects;
what a person reads about the export (the page, the audit trail) is translated.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date
from xml.etree import ElementTree as ET

from flask import current_app

from oversight.opendata import GRID, MIN_HOUSEHOLDS, Event, Request, Tier

DWC = "http://rs.tdwg.org/dwc/terms/"
OBIS = "http://rs.iobis.org/obis/terms/"
TEXT_NS = "http://rs.tdwg.org/dwc/text/"
EMOF_ROW_TYPE = OBIS + "ExtendedMeasurementOrFact"

# Predators as taxa (an unattributed carnivore stays at the order).
TAXA = {"leopard": ("Panthera pardus", "species"), "snow_leopard": ("Panthera uncia", "species"),
        "wolf": ("Canis lupus", "species"), "bear": ("Ursus arctos", "species"), "lynx": ("Lynx lynx", "species"),
        "jackal": ("Canis aureus", "species"), "hyena": ("Hyaena hyaena", "species"),
        "dog": ("Canis lupus familiaris", "subspecies"), "unknown": ("Carnivora", "order")}

EVENT_FIELDS = ["eventID", "eventDate", "year", "month", "samplingProtocol", "countryCode", "stateProvince",
                "decimalLatitude", "decimalLongitude", "coordinateUncertaintyInMeters", "geodeticDatum",
                "dataGeneralizations", "informationWithheld"]
OCCURRENCE_FIELDS = ["eventID", "occurrenceID", "basisOfRecord", "occurrenceStatus", "scientificName", "kingdom",
                     "taxonRank", "identificationVerificationStatus"]
EMOF_FIELDS = ["eventID", "measurementID", "occurrenceID", "measurementType", "measurementValue", "measurementUnit"]
OBIS_TERMS = {"measurementTypeID", "measurementValueID", "measurementUnitID"}
PROTOCOL = "site visit by a programme verifier after a livestock-loss claim (predator attribution from field signs)"


@dataclass
class Files:
    events: list[dict]
    occurrences: list[dict]
    measurements: list[dict]


def generalisations(tier: Tier) -> str:
    place = ("region; coordinates moved to the centre of a 0.5 degree grid cell" if tier == Tier.PUBLIC
             else "coordinates moved to the centre of a 0.1 degree grid cell")
    return f"date generalised to the month; {place}"


def withheld_note() -> str:
    return (f"owner identity, exact place and date, amounts and claim numbers withheld; events in grid cells with "
            f"fewer than {MIN_HOUSEHOLDS} households are not included")


def _bool(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def rows(events: list[Event], tier: Tier) -> Files:
    events_out, occurrences, measurements = [], [], []
    for ev in events:
        year, month = ev.month.split("-")
        events_out.append({
            "eventID": ev.event_id, "eventDate": ev.month, "year": year, "month": str(int(month)),
            "samplingProtocol": PROTOCOL, "countryCode": ev.country_code, "stateProvince": ev.region,
            "decimalLatitude": "" if ev.lat is None else f"{ev.lat:.2f}",
            "decimalLongitude": "" if ev.lon is None else f"{ev.lon:.2f}",
            "coordinateUncertaintyInMeters": "" if ev.uncertainty_m is None else str(ev.uncertainty_m),
            "geodeticDatum": "" if ev.lat is None else "EPSG:4326",
            "dataGeneralizations": generalisations(tier), "informationWithheld": withheld_note()})
        name, rank = TAXA.get(ev.predator, TAXA["unknown"])
        occurrence_id = ev.event_id + "-p"
        occurrences.append({"eventID": ev.event_id, "occurrenceID": occurrence_id,
                            "basisOfRecord": "HumanObservation", "occurrenceStatus": "present",
                            "scientificName": name, "kingdom": "Animalia", "taxonRank": rank,
                            "identificationVerificationStatus": ev.confidence})
        facts = [("attribution grade", ev.confidence, "", occurrence_id), ("time of day", ev.time_of_day, "", ""),
                 ("livestock in corral", _bool(ev.is_in_corral), "", ""),
                 ("guard dog present", _bool(ev.is_guard_dog_present), "", ""),
                 ("carcass disposal", ev.carcass_disposal, "", "")]
        facts += [(f"livestock {outcome}: {species}", str(n), "individuals", occurrence_id)
                  for (species, outcome), n in sorted(ev.losses.items())]
        for i, (kind, value, unit, occ) in enumerate(f for f in facts if f[1] not in (None, "")):
            measurements.append({"eventID": ev.event_id, "measurementID": f"{ev.event_id}-m{i + 1}",
                                 "occurrenceID": occ, "measurementType": kind, "measurementValue": value,
                                 "measurementUnit": unit})
    return Files(events_out, occurrences, measurements)


def _tsv(fields: list[str], items: list[dict]) -> str:
    buffer = io.StringIO()
    buffer.write("\t".join(fields) + "\n")
    for item in items:
        buffer.write("\t".join(" ".join(str(item.get(f, "")).split()) for f in fields) + "\n")
    return buffer.getvalue()


def _term(name: str) -> str:
    return (OBIS if name in OBIS_TERMS else DWC) + name


def meta_xml() -> bytes:
    ET.register_namespace("", TEXT_NS)
    archive = ET.Element(f"{{{TEXT_NS}}}archive", {"metadata": "eml.xml"})
    tables = (("core", DWC + "Event", "event.txt", EVENT_FIELDS), ("extension", DWC + "Occurrence",
              "occurrence.txt", OCCURRENCE_FIELDS), ("extension", EMOF_ROW_TYPE, "extendedmeasurementorfact.txt",
                                                     EMOF_FIELDS))
    for kind, row_type, location, fields in tables:
        table = ET.SubElement(archive, f"{{{TEXT_NS}}}{kind}", {
            "encoding": "UTF-8", "fieldsTerminatedBy": "\\t", "linesTerminatedBy": "\\n", "fieldsEnclosedBy": "",
            "ignoreHeaderLines": "1", "rowType": row_type})
        files = ET.SubElement(table, f"{{{TEXT_NS}}}files")
        ET.SubElement(files, f"{{{TEXT_NS}}}location").text = location
        ET.SubElement(table, f"{{{TEXT_NS}}}{'id' if kind == 'core' else 'coreid'}", {"index": "0"})
        for index, name in enumerate(fields):
            if kind == "extension" and index == 0:
                continue  # the event's id, already named as coreid
            ET.SubElement(table, f"{{{TEXT_NS}}}field", {"index": str(index), "term": _term(name)})
    return ET.tostring(archive, encoding="utf-8", xml_declaration=True)


def _para(parent, tag: str, text: str):
    node = ET.SubElement(parent, tag)
    ET.SubElement(node, "para").text = text
    return node


def eml_xml(events: list[Event], req: Request, today: date) -> bytes:
    """EML 2.1.1: title, publisher, licence, temporal and geographic coverage, method."""
    config = current_app.config
    publisher = config.get("OPENDATA_PUBLISHER", "Human-leopard conflict compensation programme")
    ns = "eml://ecoinformatics.org/eml-2.1.1"
    ET.register_namespace("eml", ns)
    root = ET.Element(f"{{{ns}}}eml", {"packageId": f"leopard-conflict-{req.tier.value}-{today.isoformat()}",
                                        "system": "leopard-conflict-service", "scope": "system"})
    ds = ET.SubElement(root, "dataset")
    ET.SubElement(ds, "title").text = (f"Verified livestock depredation events ({req.tier.value} tier, "
                                       f"for {req.recipient})")
    for tag in ("creator", "metadataProvider"):
        ET.SubElement(ET.SubElement(ds, tag), "organizationName").text = publisher
    ET.SubElement(ds, "pubDate").text = today.isoformat()
    ET.SubElement(ds, "language").text = "en"
    _para(ds, "abstract", "Predator attacks on livestock verified on site by compensation programmes: predator and "
                          "attribution grade, livestock killed and injured per species, circumstances. "
                          + generalisations(req.tier) + "; " + withheld_note() + ".")
    _para(ds, "intellectualRights", config.get("OPENDATA_LICENCE", "Creative Commons Attribution 4.0 "
                                               "International (CC BY 4.0)"))
    ds.append(_coverage(events, req))
    ET.SubElement(ET.SubElement(ds, "contact"), "organizationName").text = publisher
    ET.SubElement(ET.SubElement(ds, "publisher"), "organizationName").text = publisher
    methods = ET.SubElement(ds, "methods")
    _para(ET.SubElement(methods, "methodStep"), "description",
          f"Each event is a claim whose latest {PROTOCOL} confirmed the loss. Grid: {GRID[req.tier]} degree.")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _coverage(events: list[Event], req: Request):
    coverage = ET.Element("coverage")
    geo = ET.SubElement(coverage, "geographicCoverage")
    countries = sorted({e.country_code for e in events})
    ET.SubElement(geo, "geographicDescription").text = "Countries: " + (", ".join(countries) or "none")
    lats = [e.lat for e in events if e.lat is not None] or [0.0]
    lons = [e.lon for e in events if e.lon is not None] or [0.0]
    half = float(GRID[req.tier]) / 2
    box = ET.SubElement(geo, "boundingCoordinates")
    for tag, value in (("westBoundingCoordinate", min(lons) - half), ("eastBoundingCoordinate", max(lons) + half),
                       ("northBoundingCoordinate", max(lats) + half), ("southBoundingCoordinate", min(lats) - half)):
        ET.SubElement(box, tag).text = f"{value:.2f}"
    months = sorted(e.month for e in events)
    begin = req.start.isoformat() if req.start else (months[0] + "-01" if months else "")
    end = req.end.isoformat() if req.end else (months[-1] if months else "")
    dates = ET.SubElement(ET.SubElement(coverage, "temporalCoverage"), "rangeOfDates")
    ET.SubElement(ET.SubElement(dates, "beginDate"), "calendarDate").text = begin
    ET.SubElement(ET.SubElement(dates, "endDate"), "calendarDate").text = end
    return coverage


CSV_FIELDS = ["eventID", "eventDate", "countryCode", "stateProvince", "decimalLatitude", "decimalLongitude",
              "coordinateUncertaintyInMeters", "predator", "scientificName", "attributionGrade", "timeOfDay",
              "isInCorral", "isGuardDogPresent", "carcassDisposal", "livestockKilled", "livestockInjured"]


def flat(events: list[Event], tier: Tier, files: Files | None = None) -> list[dict]:
    """One row per event for the CSV and GeoJSON (the same values as the archive's, built once when given)."""
    files = files or rows(events, tier)
    out = []
    for ev, row in zip(events, files.events, strict=True):
        lost = {o: "; ".join(f"{n} {s}" for (s, oo), n in sorted(ev.losses.items()) if oo == o)
                for o in ("killed", "injured")}
        out.append({**{k: row[k] for k in CSV_FIELDS if k in row}, "predator": ev.predator,
                    "scientificName": TAXA.get(ev.predator, TAXA["unknown"])[0], "attributionGrade": ev.confidence,
                    "timeOfDay": ev.time_of_day or "", "isInCorral": _bool(ev.is_in_corral),
                    "isGuardDogPresent": _bool(ev.is_guard_dog_present), "carcassDisposal": ev.carcass_disposal or "",
                    "livestockKilled": lost["killed"], "livestockInjured": lost["injured"]})
    return out


def csv_text(events: list[Event], tier: Tier, table: list[dict] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
    writer.writeheader()
    writer.writerows(table if table is not None else flat(events, tier))
    return buffer.getvalue()


def geojson_text(events: list[Event], tier: Tier, table: list[dict] | None = None) -> str:
    """Events with a grid cell as points at the cell's centre (events known only by region have no geometry)."""
    features = []
    for item in table if table is not None else flat(events, tier):
        geometry = None
        if item["decimalLatitude"]:
            geometry = {"type": "Point", "coordinates": [float(item["decimalLongitude"]),
                                                         float(item["decimalLatitude"])]}
        features.append({"type": "Feature", "geometry": geometry, "properties": item})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def archive(events: list[Event], req: Request, today: date) -> bytes:
    """The zipped Darwin Core Archive, with the CSV and GeoJSON of the same events beside its tables."""
    files = rows(events, req.tier)
    table = flat(events, req.tier, files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("meta.xml", meta_xml())
        zf.writestr("eml.xml", eml_xml(events, req, today))
        zf.writestr("event.txt", _tsv(EVENT_FIELDS, files.events))
        zf.writestr("occurrence.txt", _tsv(OCCURRENCE_FIELDS, files.occurrences))
        zf.writestr("extendedmeasurementorfact.txt", _tsv(EMOF_FIELDS, files.measurements))
        zf.writestr("events.csv", csv_text(events, req.tier, table))
        zf.writestr("events.geojson", geojson_text(events, req.tier, table))
    return buffer.getvalue()
