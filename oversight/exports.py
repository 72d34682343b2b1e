"""Claim exports (CSV, XLSX, GeoJSON), streamed row by row so memory stays flat at any size.

Personal data (national ID, phone) is masked for roles that may not see it, and every export is audited.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from claims.models import Claim, LossLine, Owner, Programme
from claims.permissions import can_see_personal_data, mask
from claims.queries import ClaimFilters, claims_statement
from conflict_service.audit.operations import jsonable, record
from conflict_service.db import db
from conflict_service.jurisdictions.models import Jurisdiction
from conflict_service.jurisdictions.queries import home_timezone
from conflict_service.spreadsheets import safe_cell
from verification.queries import carcass_left_clause

BATCH = 2000
COLUMNS = ["number", "status", "programme", "currency", "office", "owner", "national_id", "phone", "village",
           "incident_date", "incident_at", "time_of_day", "incident_lat", "incident_lon", "is_in_corral",
           "is_herder_present", "is_guard_dog_present", "losses", "head_count", "filed_at", "verification_due_at",
           "timezone", "carcass_left"]


def _losses_subquery():
    dialect = db.dialect
    text = sa.cast(LossLine.count, sa.String) + " " + LossLine.species + " " + LossLine.age_class + " " + \
        LossLine.outcome
    joined = sa.func.string_agg(text, "; ") if dialect == "postgresql" else sa.func.group_concat(text, "; ")
    return (sa.select(LossLine.claim_id, joined.label("losses"), sa.func.sum(LossLine.count).label("head_count"))
            .group_by(LossLine.claim_id).subquery())


def export_statement(user, filters: ClaimFilters) -> sa.Select:
    """One flat SELECT of plain columns (no ORM objects), in number order, within the user's jurisdictions."""
    ids = claims_statement(user, filters).with_only_columns(Claim.id).order_by(None).subquery()
    losses = _losses_subquery()
    return (sa.select(Claim.number, Claim.status, Programme.name.label("programme"), Programme.currency,
                      Jurisdiction.code.label("office"), Owner.name.label("owner"), Owner.national_id, Owner.phone,
                      Claim.incident_village.label("village"), Claim.incident_date, Claim.incident_at,
                      Claim.time_of_day, Claim.incident_lat, Claim.incident_lon, Claim.is_in_corral,
                      Claim.is_herder_present, Claim.is_guard_dog_present, losses.c.losses, losses.c.head_count,
                      Claim.filed_at, Claim.verification_due_at,
                      carcass_left_clause().label("carcass_left"))
            .join(ids, ids.c.id == Claim.id).join(Owner, Owner.id == Claim.owner_id)
            .join(Programme, Programme.id == Claim.programme_id).join(Jurisdiction, Jurisdiction.id == Claim.office_id)
            .outerjoin(losses, losses.c.claim_id == Claim.id).order_by(Claim.id))


def rows(user, filters: ClaimFilters) -> Iterator[dict]:
    """Stream plain rows (a server-side cursor on PostgreSQL); the request context stays open while streaming.

    Times are on the wall clock of the user's office, with their offset, and the zone is named in each row.
    """
    show_personal = can_see_personal_data(user)
    zone_name = home_timezone(user)
    zone = ZoneInfo(zone_name)
    stmt = export_statement(user, filters).execution_options(stream_results=True, yield_per=BATCH)
    result = db.session.execute(stmt)
    try:
        for row in result:
            item = {k: jsonable(v.astimezone(zone) if isinstance(v, datetime) else v) for k, v in row._mapping.items()}
            item["timezone"] = zone_name
            if not show_personal:
                item["national_id"], item["phone"] = mask(item["national_id"]), mask(item["phone"])
            yield item
    finally:
        result.close()


def audit_export(user, fmt: str, filters: ClaimFilters) -> int:
    """Count what will be exported and record who exported what; the caller commits before streaming."""
    count = db.session.scalar(sa.select(sa.func.count()).select_from(export_statement(user, filters).subquery()))
    scope = user.jurisdictions[0].id if user.jurisdictions else None
    record("export.claims", None, actor=user, entity_type="export", scope_id=scope, label=fmt,
           data={"format": fmt, "rows": count, "filters": {k: v for k, v in vars(filters).items() if v},
                 "masked": not can_see_personal_data(user)})
    return count


def csv_chunks(items: Iterator[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for n, item in enumerate(items, 1):
        writer.writerow({k: safe_cell(v) for k, v in item.items()})
        if n % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def geojson_chunks(items: Iterator[dict]) -> Iterator[str]:
    """Incidents as points for GIS users; claims without coordinates are left out (GeoJSON needs a place)."""
    yield '{"type":"FeatureCollection","features":['
    first = True
    for item in items:
        if item["incident_lat"] is None:
            continue
        props = {k: v for k, v in item.items() if k not in ("incident_lat", "incident_lon")}
        feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [item["incident_lon"],
                                                                                    item["incident_lat"]]},
                   "properties": props}
        yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "]}"


def xlsx_file(items: Iterator[dict]):
    """Write-only workbook (rows go to disk as they come), returned as an open temporary file."""
    from openpyxl import Workbook  # imported when a spreadsheet is asked for: CSV exports stay ~19 MB smaller

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Claims"))
    sheet.append(COLUMNS)
    for item in items:
        sheet.append([safe_cell(item.get(c)) for c in COLUMNS])  # openpyxl stores "=..." text as a formula
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle
