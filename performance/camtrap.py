"""Reading a Camera Trap Data Package (Camtrap DP 1.0): safely, validated against the standard, every problem at once.

The checks are driven by the standard's own table schemas and profile, vendored in ``camtrap_schema/``
(types, formats, required, unique, minimum/maximum, enum, pattern, missing values, primary and foreign keys).
On top come the rules the standard states in words: a deployment ends after it starts, media and events lie
within their deployment, a media-level observation names its media file and both belong to one deployment.
The archive is read in memory, never extracted: names are checked (no absolute paths, no ``..``) and every
read is bounded, so a zip bomb stops at the limit whatever its headers claim.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel.lists import format_list
from babel.numbers import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from flask_babel import ngettext

from conflict_service.i18n import cldr_locale, current_locale, format_number, native_digits
from performance.camtrap_archive import PACKAGE_FILE, Reader, Unreadable, open_package, safe_name, shorten

SCHEMA_DIR = Path(__file__).with_name("camtrap_schema")
TABLES = ("deployments", "media", "observations")
MAX_ROWS = 250_000  # per table
MAX_PROBLEMS = 5000  # listed one by one; any beyond are counted in a last problem
LEOPARD = "Panthera pardus"
VERSION = re.compile(r"/camtrap-dp/1\.0(\.\d+)?/")  # Camtrap DP 1.0, 1.0.1, 1.0.2 share these schemas
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d{1,18}")
# Table Schema's default trueValues and falseValues
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "1": True, "false": False, "False": False, "FALSE": False,
             "0": False}
# i18n: {field} is a Camtrap DP column name; {value} an identifier that no row of the referenced file has
_NO_SUCH = {"deployments": L_("{field}: no deployment has the ID “{value}”."),
            "media": L_("{field}: no media file has the ID “{value}”.")}


@dataclass(frozen=True)
class Problem:
    """One thing wrong, for a 422, the form or the CLI."""

    file: str
    row: int | None  # 1-based data row (the header excluded); None for a problem with the whole file
    field: str | None  # the Camtrap DP field (or package property) concerned
    message: str


class PackageError(Exception):
    """The package was refused; ``problems`` lists every problem found in one pass."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in self.problems[:3]))


@dataclass(frozen=True)
class Deployment:
    deployment_id: str
    location_id: str | None
    location_name: str | None
    latitude: float
    longitude: float
    start: datetime
    end: datetime
    setup_by: str | None
    camera_id: str | None
    tags: tuple[str, ...]
    comments: str | None


@dataclass(frozen=True)
class Media:
    media_id: str
    deployment_id: str
    timestamp: datetime
    file_path: str
    file_mediatype: str


@dataclass(frozen=True)
class Observation:
    observation_id: str
    deployment_id: str
    media_id: str | None
    event_id: str | None
    event_start: datetime
    event_end: datetime
    observation_level: str
    observation_type: str
    scientific_name: str | None
    count: int | None
    life_stage: str | None
    sex: str | None
    individual_id: str | None
    classification_method: str | None
    classified_by: str | None
    classification_probability: float | None
    comments: str | None


@dataclass(frozen=True)
class CamtrapPackage:
    name: str
    title: str | None
    profile: str
    deployments: tuple[Deployment, ...]
    media: tuple[Media, ...]
    observations: tuple[Observation, ...]


def is_leopard(scientific_name: str | None) -> bool:
    """True for Panthera pardus and its subspecies (e.g. "Panthera pardus tulliana", "… saxicolor")."""
    words = " ".join((scientific_name or "").split()).lower()
    return words == LEOPARD.lower() or words.startswith(LEOPARD.lower() + " ")


@cache
def table_schema(table: str) -> dict:
    """The standard's Table Schema of ``deployments``, ``media`` or ``observations``."""
    return json.loads((SCHEMA_DIR / f"{table}-table-schema.json").read_text(encoding="utf-8"))


@cache
def _profile() -> dict:
    return json.loads((SCHEMA_DIR / "camtrap-dp-profile.json").read_text(encoding="utf-8"))["allOf"][1]


def read_package(source: bytes | str | os.PathLike) -> CamtrapPackage:
    """Read a zip archive's bytes, a zip's path or a folder holding datapackage.json and the three CSVs.

    Raises PackageError listing every problem found (file, row, field, translated message)."""
    try:
        read = open_package(source)
        meta = _metadata(read)
        problems = _Problems()
        paths = _check_metadata(meta, problems)
        tables = {table: _read_table(read, table, path, problems) for table, path in paths.items()}
        rows = {table: table_rows for table, table_rows in tables.items() if table_rows is not None}
    except Unreadable as refused:
        raise PackageError([Problem(refused.file, None, None, refused.message)]) from None
    _check_keys(rows, paths, problems)
    _check_rules(rows, paths, problems)
    if problems:
        raise PackageError(problems.listed([PACKAGE_FILE, *paths.values()]))
    return _build(meta, rows)


class _Problems(list):
    """Problems as found; beyond MAX_PROBLEMS only counted, so a huge bad file cannot exhaust memory."""

    hidden = 0

    def add(self, file: str, row: int | None, field: str | None, message: str) -> None:
        if len(self) < MAX_PROBLEMS:
            self.append(Problem(file, row, field, message))
        else:
            self.hidden += 1

    def listed(self, files: list[str]) -> list[Problem]:
        ordered = sorted(self, key=lambda p: (files.index(p.file) if p.file in files else 0, p.row or 0))
        if self.hidden:
            ordered.append(Problem(PACKAGE_FILE, None, None, ngettext(
                "%(num)s further problem is not listed.", "%(num)s further problems are not listed.", self.hidden)))
        return ordered


# --- datapackage.json ----------------------------------------------------------------------------------------------

def _metadata(read: Reader) -> dict:
    data = read(PACKAGE_FILE)
    if data is None:
        raise Unreadable(PACKAGE_FILE, _("The file is missing from the package."))
    try:
        meta = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise Unreadable(PACKAGE_FILE, _("The file is not {encoding} text.").format(encoding="UTF-8")) from None
    except (ValueError, RecursionError):
        meta = None
    if not isinstance(meta, dict):
        raise Unreadable(PACKAGE_FILE, _("The file is not valid JSON."))
    return meta


def _check_metadata(meta: dict, problems: _Problems) -> dict[str, str]:
    """Check the profile's required properties and the three resources; return the path of each declared table."""
    for prop in _profile()["required"]:
        if meta.get(prop) in (None, "", [], {}):
            problems.add(PACKAGE_FILE, None, prop, _("The package metadata lacks “{field}”.").format(field=prop))
    profile = meta.get("profile")
    if profile not in (None, "") and not (isinstance(profile, str) and VERSION.search(profile)):
        problems.add(PACKAGE_FILE, None, "profile",
                     _("The package's profile is not Camtrap DP {version}: {value}.").format(
                         version=_version(), value=shorten(str(profile))))
    resources = meta.get("resources")
    if not isinstance(resources, list) or not resources:
        return {}  # reported above as a missing required property
    declared = {r.get("name"): r for r in resources if isinstance(r, dict)}
    paths = {}
    for table in TABLES:
        path = _resource_path(declared.get(table), table, problems)
        if path:
            paths[table] = path
    return paths


def _version() -> str:
    """The Camtrap DP version read, as a number in the reader's digits."""
    return native_digits("1.0")


def _resource_path(resource: dict | None, table: str, problems: _Problems) -> str | None:
    if resource is None:
        problems.add(PACKAGE_FILE, None, "resources", _("The package lists no “{name}” resource.").format(name=table))
        return None
    schema = resource.get("schema")
    if not (isinstance(schema, str) and VERSION.search(schema) and schema.endswith(f"/{table}-table-schema.json")):
        problems.add(PACKAGE_FILE, None, "resources",
                     _("The resource “{name}” does not use the Camtrap DP {version} table schema.").format(
                         name=table, version=_version()))
    path = resource.get("path")
    if not isinstance(path, str) or not safe_name(path):
        problems.add(PACKAGE_FILE, None, "resources",
                     _("The resource “{name}” must name one file inside the package.").format(name=table))
        return None
    return path


# --- one CSV, typed and checked field by field against its Table Schema -------------------------------------------

Row = tuple[int, dict[str, Any]]  # the 1-based data row number and its typed values (None where empty or bad)


def _read_table(read: Reader, table: str, path: str, problems: _Problems) -> list[Row] | None:
    """The file's rows, or None when it cannot be read at all (then nothing can refer to its rows either)."""
    data = read(path)
    if data is None:
        problems.add(path, None, None, _("The file is missing from the package."))
        return None
    try:
        records = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
        header = [label.strip() for label in next(records, [])]
    except UnicodeDecodeError:
        problems.add(path, None, None, _("The file is not {encoding} text.").format(encoding="UTF-8"))
        return None
    except csv.Error:
        header = []
    schema = table_schema(table)
    fields = {field["name"]: field for field in schema["fields"]}
    if not header:
        problems.add(path, None, None, _("The file has no header row."))
        return None
    columns = _check_header(header, fields, path, problems)
    return _typed_rows(records, columns, schema, path, problems)


def _check_header(header: list[str], fields: dict, path: str, problems: _Problems) -> list[dict | None]:
    """The schema field of each column (None for a column that is unknown or repeated); reports header problems."""
    columns: list[dict | None] = []
    for label in header:
        if label in fields and fields[label] not in columns:
            columns.append(fields[label])
            continue
        columns.append(None)
        if label in fields:
            problems.add(path, None, label, _("The column “{field}” appears twice.").format(field=label))
        else:
            problems.add(path, None, label or None,
                         _("The column “{field}” is not part of Camtrap DP.").format(field=shorten(label)))
    for name, field in fields.items():
        if field.get("constraints", {}).get("required") and field not in columns:
            problems.add(path, None, name, _("The required column “{field}” is missing.").format(field=name))
    return columns


def _typed_rows(records, columns: list[dict | None], schema: dict, path: str, problems: _Problems) -> list[Row]:
    missing = set(schema.get("missingValues", [""]))
    rows: list[Row] = []
    number = 0
    try:
        for number, cells in enumerate(records, start=1):  # noqa: B007 - the last number is reported on a CSV error
            if number > MAX_ROWS:
                problems.add(path, None, None, ngettext("The file has more than %(count)s row.",
                                                        "The file has more than %(count)s rows.", MAX_ROWS,
                                                        count=format_number(MAX_ROWS)))
                break
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            if len(cells) != len(columns):
                problems.add(path, number, None, ngettext(
                    "The row has %(found)s value; the header has %(expected)s.",
                    "The row has %(found)s values; the header has %(expected)s.", len(cells),
                    found=format_number(len(cells)), expected=format_number(len(columns))))
                cells = (cells + [""] * len(columns))[: len(columns)]  # still checked, so its key is still known
            rows.append((number, _typed_row(cells, columns, missing, path, number, problems)))
    except csv.Error:
        problems.add(path, number + 1, None, _("The row is not valid CSV."))
    return rows


def _typed_row(cells, columns, missing: set[str], path: str, number: int, problems: _Problems) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field, cell in zip(columns, cells, strict=True):
        if field is None:
            continue
        value, message = _cast(field, cell, missing)
        values[field["name"]] = value
        if message:
            problems.add(path, number, field["name"], message)
    return values


def _cast(field: dict, cell: str, missing: set[str]) -> tuple[Any, str | None]:
    """The cell's typed value and, when it breaks the field's type or constraints, a translated message."""
    name, constraints = field["name"], field.get("constraints", {})
    if cell in missing or not cell.strip():
        return None, (_("{field} is required.").format(field=name) if constraints.get("required") else None)
    value = _CASTS[field["type"]](cell if field["type"] in ("string", "any") else cell.strip(), field)
    if value is None:
        return None, _TYPE_MESSAGES[field["type"]]().format(field=name, value=shorten(cell),
                                                             example=field.get("example", ""))
    return value, _constraint_problem(name, constraints, cell, value)


def _constraint_problem(name: str, constraints: dict, cell: str, value: Any) -> str | None:
    quoted = shorten(cell)
    if "enum" in constraints and value not in constraints["enum"]:
        choices = format_list(constraints["enum"], style="or", locale=cldr_locale(current_locale()))
        return _("{field}: “{value}” is not allowed; use {choices}.").format(field=name, value=quoted, choices=choices)
    if "minimum" in constraints and value < constraints["minimum"]:
        return _("{field}: {value} is less than the minimum, {minimum}.").format(
            field=name, value=quoted, minimum=_number(constraints["minimum"]))
    if "maximum" in constraints and value > constraints["maximum"]:
        return _("{field}: {value} is more than the maximum, {maximum}.").format(
            field=name, value=quoted, maximum=_number(constraints["maximum"]))
    if "pattern" in constraints and not _pattern(constraints["pattern"]).fullmatch(cell):
        return _("{field}: “{value}” is not in the form the standard requires.").format(field=name, value=quoted)
    return None


def _number(limit: float) -> str:
    """A schema's bound with every digit it has (bboxWidth's minimum is 1e-15), in the reader's digits."""
    locale = current_locale()
    text = format_decimal(Decimal(str(limit)), format="0." + "#" * 20, locale=cldr_locale(locale),
                          numbering_system="default")
    return native_digits(text, locale)


@cache
def _pattern(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _to_number(cell: str, field: dict) -> float | None:
    value = float(cell) if _NUMBER.fullmatch(cell) else None
    return value if value is not None and math.isfinite(value) else None


def _to_datetime(cell: str, field: dict) -> datetime | None:
    try:
        moment = datetime.strptime(cell, field.get("format", "%Y-%m-%dT%H:%M:%S%z"))  # noqa: DTZ007 - format has %z
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None


_CASTS = {
    "string": lambda cell, field: cell,
    "any": lambda cell, field: cell,
    "integer": lambda cell, field: int(cell) if _INTEGER.fullmatch(cell) else None,
    "number": _to_number,
    "boolean": lambda cell, field: _BOOLEANS.get(cell),
    "datetime": _to_datetime,
}
_TYPE_MESSAGES = {
    "integer": lambda: _("{field}: “{value}” is not a whole number."),
    "number": lambda: _("{field}: “{value}” is not a number."),
    "boolean": lambda: _("{field}: “{value}” is not true or false."),
    # i18n: {example} is a date and time as the standard writes it, e.g. 2020-03-01T22:00:00Z
    "datetime": lambda: _("{field}: “{value}” is not a date and time with its UTC offset, such as {example}."),
}


# --- across rows and files: keys from the schemas, then the rules the standard states in words -------------------

def _check_keys(rows: dict[str, list[Row]], paths: dict[str, str], problems: _Problems) -> None:
    for table, table_rows in rows.items():
        schema = table_schema(table)
        keys = {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("unique")}
        keys.update(_names(schema.get("primaryKey", [])))
        for key in sorted(keys):
            _check_unique(table_rows, key, paths[table], problems)
        for foreign in schema.get("foreignKeys", []):
            (field,), (target,) = _names(foreign["fields"]), _names(foreign["reference"]["fields"])
            referenced = foreign["reference"]["resource"]
            if referenced in rows:
                known = {values.get(target) for _number, values in rows[referenced]}
                message = _NO_SUCH[referenced]
                for number, values in table_rows:
                    if values.get(field) is not None and values[field] not in known:
                        problems.add(paths[table], number, field,
                                     str(message).format(field=field, value=shorten(values[field])))


def _names(fields: str | list[str]) -> list[str]:
    return [fields] if isinstance(fields, str) else list(fields)


def _check_unique(table_rows: list[Row], key: str, path: str, problems: _Problems) -> None:
    first: dict[Any, int] = {}
    for number, values in table_rows:
        value = values.get(key)
        if value is None:
            continue
        if value in first:
            problems.add(path, number, key, _("{field}: “{value}” is already used in row {row}.").format(
                field=key, value=shorten(str(value)), row=format_number(first[value])))
        else:
            first[value] = number


def _check_rules(rows: dict[str, list[Row]], paths: dict[str, str], problems: _Problems) -> None:
    deployments: dict[str, dict] = {}
    for number, values in rows.get("deployments", []):
        if _reversed(values, "deploymentStart", "deploymentEnd"):
            problems.add(paths["deployments"], number, "deploymentEnd", _("The deployment ends before it starts."))
        elif values.get("deploymentStart") and values.get("deploymentEnd"):
            deployments.setdefault(values.get("deploymentID"), values)
    media: dict[str, dict] = {}
    for number, values in rows.get("media", []):
        media.setdefault(values.get("mediaID"), values)
        _within(deployments.get(values.get("deploymentID")), values, ("timestamp",), paths["media"], number, problems)
    for number, values in rows.get("observations", []):
        _check_observation(values, deployments, media, paths["observations"], number, problems)


def _reversed(values: dict, start: str, end: str) -> bool:
    return values.get(start) is not None and values.get(end) is not None and values[end] < values[start]


def _within(deployment: dict | None, values: dict, fields: tuple[str, ...], path: str, number: int,
            problems: _Problems) -> None:
    """Media and events are recorded during their deployment."""
    if deployment is None:
        return
    for field in fields:
        moment = values.get(field)
        if moment is not None and not deployment["deploymentStart"] <= moment <= deployment["deploymentEnd"]:
            problems.add(path, number, field, _("{field} is outside the dates of deployment “{deployment}”.").format(
                field=field, deployment=shorten(deployment["deploymentID"])))


def _check_observation(values: dict, deployments: dict, media: dict, path: str, number: int,
                       problems: _Problems) -> None:
    if _reversed(values, "eventStart", "eventEnd"):
        problems.add(path, number, "eventEnd", _("The event ends before it starts."))
    else:
        _within(deployments.get(values.get("deploymentID")), values, ("eventStart", "eventEnd"), path, number,
                problems)
    if values.get("observationLevel") == "media" and values.get("mediaID") is None:
        problems.add(path, number, "mediaID", _("A media-level observation needs its mediaID."))
    medium = media.get(values.get("mediaID"))
    if medium and values.get("deploymentID") and medium.get("deploymentID") not in (None, values["deploymentID"]):
        problems.add(path, number, "mediaID", _("The media file belongs to deployment “{other}”, not “{deployment}”.")
                     .format(other=shorten(medium["deploymentID"]), deployment=shorten(values["deploymentID"])))


# --- the package as the service uses it -------------------------------------------------------------------------

def _build(meta: dict, rows: dict[str, list[Row]]) -> CamtrapPackage:
    name = next((v for v in (meta.get("name"), meta.get("id")) if isinstance(v, str) and v), "")
    title = meta.get("title") if isinstance(meta.get("title"), str) else None
    return CamtrapPackage(
        name=name, title=title, profile=meta["profile"],
        deployments=tuple(_deployment(v) for _n, v in rows["deployments"]),
        media=tuple(Media(media_id=v["mediaID"], deployment_id=v["deploymentID"], timestamp=v["timestamp"],
                          file_path=v["filePath"], file_mediatype=v["fileMediatype"]) for _n, v in rows["media"]),
        observations=tuple(_observation(v) for _n, v in rows["observations"]))


def _deployment(v: dict) -> Deployment:
    tags = tuple(tag.strip() for tag in (v.get("deploymentTags") or "").split("|") if tag.strip())
    return Deployment(deployment_id=v["deploymentID"], location_id=v.get("locationID"),
                      location_name=v.get("locationName"), latitude=v["latitude"], longitude=v["longitude"],
                      start=v["deploymentStart"], end=v["deploymentEnd"], setup_by=v.get("setupBy"),
                      camera_id=v.get("cameraID"), tags=tags, comments=v.get("deploymentComments"))


def _observation(v: dict) -> Observation:
    return Observation(
        observation_id=v["observationID"], deployment_id=v["deploymentID"], media_id=v.get("mediaID"),
        event_id=v.get("eventID"), event_start=v["eventStart"], event_end=v["eventEnd"],
        observation_level=v["observationLevel"], observation_type=v["observationType"],
        scientific_name=v.get("scientificName"), count=v.get("count"), life_stage=v.get("lifeStage"), sex=v.get("sex"),
        individual_id=v.get("individualID"), classification_method=v.get("classificationMethod"),
        classified_by=v.get("classifiedBy"), classification_probability=v.get("classificationProbability"),
        comments=v.get("observationComments"))
