"""Claim exports (CSV, XLSX, GeoJSON), streamed row by row so memory stays flat at any size.

Personal data (national ID, phone) is masked for roles that may not see it, and every export is audited. Each row
carries the claim's money (assessed, approved, paid, in the programme's currency) and its latest verification;
vocabulary (state, predator, confidence, outcome, carcass disposal) is written as its title in the reader's
language. Rows hold typed values: CSV and GeoJSON write them as text, XLSX as typed cells.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from claims.enums import Confidence, Predator, TimeOfDay
from claims.models import Claim, LossLine, Owner, Programme
from claims.permissions import can_see_personal_data, mask
from claims.queries import ClaimFilters, claims_statement
from claims.states import ClaimState
from conflict_service.audit.operations import jsonable, record
from conflict_service.db import db
from conflict_service.i18n import currency_precision
from conflict_service.jurisdictions.models import Jurisdiction
from conflict_service.jurisdictions.queries import home_timezone
from conflict_service.spreadsheets import BOM, safe_cell
from payouts import assessment
from payouts.enums import PaymentStatus
from payouts.models import Award, Payment
from verification.enums import CarcassDisposal, VerificationOutcome
from verification.models import Verification
from verification.queries import carcass_left_clause

BATCH = 2000
COLUMNS = ["number", "status", "programme", "currency", "office", "owner", "national_id", "phone", "village",
           "incident_date", "incident_at", "time_of_day", "incident_lat", "incident_lon", "is_in_corral",
           "is_herder_present", "is_guard_dog_present", "losses", "head_count", "predator", "confidence",
           "verification_outcome", "carcass_disposal", "assessed_amount", "approved_amount", "paid_amount",
           "filed_at", "verification_due_at", "timezone", "carcass_left"]
# Vocabulary written as its title in the reader's language.
TITLED = {"status": ClaimState, "time_of_day": TimeOfDay, "predator": Predator, "confidence": Confidence,
          "verification_outcome": VerificationOutcome, "carcass_disposal": CarcassDisposal}
AMOUNTS = ("assessed_amount", "approved_amount", "paid_amount")
TEXT = ("number", "national_id", "phone", "office")  # digits that are names, not quantities: text in a spreadsheet


def _losses_subquery():
    dialect = db.dialect
    text = sa.cast(LossLine.count, sa.String) + " " + LossLine.species + " " + LossLine.age_class + " " + \
        LossLine.outcome
    joined = sa.func.string_agg(text, "; ") if dialect == "postgresql" else sa.func.group_concat(text, "; ")
    return (sa.select(LossLine.claim_id, joined.label("losses"), sa.func.sum(LossLine.count).label("head_count"))
            .group_by(LossLine.claim_id).subquery())


def _latest_verification():
    latest = sa.select(Verification.claim_id, sa.func.max(Verification.id).label("id")).group_by(Verification.claim_id)
    return latest.subquery()


def _paid():
    return (sa.select(Payment.claim_id, sa.func.sum(Payment.amount).label("paid_amount"))
            .where(Payment.status == PaymentStatus.CONFIRMED).group_by(Payment.claim_id).subquery())


def export_statement(user, filters: ClaimFilters) -> sa.Select:
    """One flat SELECT of plain columns (no ORM objects), in number order, within the user's jurisdictions."""
    ids = claims_statement(user, filters).with_only_columns(Claim.id).order_by(None).subquery()
    losses, latest, paid = _losses_subquery(), _latest_verification(), _paid()
    return (sa.select(Claim.id, Claim.number, Claim.status, Programme.name.label("programme"), Programme.currency,
                      Jurisdiction.code.label("office"), Owner.name.label("owner"), Owner.national_id, Owner.phone,
                      Claim.incident_village.label("village"), Claim.incident_date, Claim.incident_at,
                      Claim.time_of_day, Claim.incident_lat, Claim.incident_lon, Claim.is_in_corral,
                      Claim.is_herder_present, Claim.is_guard_dog_present, losses.c.losses, losses.c.head_count,
                      Verification.predator, Verification.confidence,
                      Verification.outcome.label("verification_outcome"), Verification.carcass_disposal,
                      Award.total.label("approved_amount"), paid.c.paid_amount,
                      Claim.filed_at, Claim.verification_due_at,
                      carcass_left_clause().label("carcass_left"))
            .join(ids, ids.c.id == Claim.id).join(Owner, Owner.id == Claim.owner_id)
            .join(Programme, Programme.id == Claim.programme_id).join(Jurisdiction, Jurisdiction.id == Claim.office_id)
            .outerjoin(losses, losses.c.claim_id == Claim.id)
            .outerjoin(latest, latest.c.claim_id == Claim.id).outerjoin(Verification, Verification.id == latest.c.id)
            .outerjoin(Award, Award.claim_id == Claim.id).outerjoin(paid, paid.c.claim_id == Claim.id)
            .order_by(Claim.id))


def rows(user, filters: ClaimFilters) -> Iterator[dict]:
    """Stream rows of typed values (a server-side cursor on PostgreSQL); the request context stays open meanwhile.

    Times are on the wall clock of the user's office, and the zone is named in each row. A verified claim not yet
    approved is assessed as it stands (a batch of claims at a time); an approved one has its frozen amount.
    """
    show_personal = can_see_personal_data(user)
    zone_name = home_timezone(user)
    zone = ZoneInfo(zone_name)
    titles = {key: {member: str(member.title) for member in enum} for key, enum in TITLED.items()}
    stmt = export_statement(user, filters).execution_options(stream_results=True, yield_per=BATCH)
    result = db.session.execute(stmt)
    try:
        for batch in result.partitions():
            assessed = _assessed(batch)
            for row in batch:
                item = {k: v.astimezone(zone) if isinstance(v, datetime) else v for k, v in row._mapping.items()}
                for key, names in titles.items():
                    item[key] = names.get(item[key])
                claim_id = item.pop("id")
                item["assessed_amount"] = item["approved_amount"] if item["approved_amount"] is not None else \
                    assessed.get(claim_id)
                item["timezone"] = zone_name
                if not show_personal:
                    item["national_id"], item["phone"] = mask(item["national_id"]), mask(item["phone"])
                yield item
    finally:
        result.close()


def _assessed(batch) -> dict[int, Decimal]:
    """The live totals of a batch's verified claims that wait for a decision."""
    waiting = [row.id for row in batch if row.status == ClaimState.VERIFIED and row.approved_amount is None]
    if not waiting:
        return {}
    claims = db.session.scalars(sa.select(Claim).where(Claim.id.in_(waiting))).all()
    return {claim_id: found.total for claim_id, found in assessment.live_many(list(claims)).items()
            if found is not None}


def audit_export(user, fmt: str, filters: ClaimFilters) -> int:
    """Count what will be exported and record who exported what; the caller commits before streaming."""
    count = db.session.scalar(sa.select(sa.func.count()).select_from(export_statement(user, filters).subquery()))
    scope = user.jurisdictions[0].id if user.jurisdictions else None
    record("export.claims", None, actor=user, entity_type="export", scope_id=scope, label=fmt,
           data={"format": fmt, "rows": count, "filters": {k: v for k, v in vars(filters).items() if v},
                 "masked": not can_see_personal_data(user)})
    return count


def csv_chunks(items: Iterator[dict], bom: bool = False) -> Iterator[str]:
    """CSV text in chunks; ``bom`` starts it with the mark Excel needs to read UTF-8 (Persian names) right."""
    buffer = io.StringIO(BOM if bom else "")
    buffer.seek(0, io.SEEK_END)
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for n, item in enumerate(items, 1):
        writer.writerow({k: safe_cell(jsonable(v)) for k, v in item.items()})
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
        props = {k: jsonable(v) for k, v in item.items() if k not in ("incident_lat", "incident_lon")}
        feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [item["incident_lon"],
                                                                                    item["incident_lat"]]},
                   "properties": props}
        yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "]}"


def xlsx_file(items: Iterator[dict]):
    """Write-only workbook (rows go to disk as they come), returned as an open temporary file.

    Cells are typed: dates and times as dates (the office's wall clock; the zone is in its own column), counts,
    coordinates and amounts as numbers (amounts in the currency's minor unit), everything else as text. A text cell
    is never a formula, whatever it starts with, and carries no apostrophe: it is marked as text.
    """
    from openpyxl import Workbook  # imported when a spreadsheet is asked for: CSV exports stay ~19 MB smaller

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Claims"))
    sheet.append(COLUMNS)
    for item in items:
        sheet.append([_xlsx_cell(sheet, key, item.get(key), item["currency"]) for key in COLUMNS])
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle


DATE_FORMAT, TIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"


@functools.cache
def _money_format(currency: str) -> str:
    digits = currency_precision(currency)
    return "#,##0" + ("." + "0" * digits if digits else "")


def _xlsx_cell(sheet, key: str, value, currency: str):
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = TIME_FORMAT
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
    elif key in AMOUNTS:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = _money_format(currency)
    elif isinstance(value, bool | int | float | Decimal) and key not in TEXT:
        cell = WriteOnlyCell(sheet, value=value)
    else:
        cell = WriteOnlyCell(sheet, value=str(value))
        cell.data_type = "s"  # text as typed: openpyxl would take "=..." for a formula
        cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell
    return cell
