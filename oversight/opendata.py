"""Open data for range-wide databases (DESIGN §12): verified predator events, anonymised, in two tiers.

An event is one claim whose latest site visit confirmed the loss. What leaves: the predator and how sure the
verifier was, livestock killed and injured per species, day or night, corral or pasture, guard dog, carcass
disposal, the month, the region and a grid cell. What never leaves: names, IDs, phones, exact places and dates,
money, claim numbers. Cells (a region's grid square) holding fewer than ``MIN_HOUSEHOLDS`` households are left
out, and identifiers are keyed per recipient so that two recipients cannot join their copies.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as L_
from sqlalchemy.orm import aliased

from claims.models import Claim
from conflict_service.audit.operations import record
from conflict_service.db import db
from conflict_service.enums import TitledEnum
from conflict_service.jurisdictions import queries as jq
from conflict_service.jurisdictions.models import Jurisdiction
from oversight.reports import latest_verification
from verification.enums import VerificationOutcome
from verification.models import Verification, VerifiedLossLine

MIN_HOUSEHOLDS = 3
PUBLIC_RECIPIENT = "public"


class Tier(TitledEnum):
    PUBLIC = "public"
    PARTNER = "partner"

    @classmethod
    def _titles(cls):
        # i18n: the open-data tier anyone may download (regions, 0.5° squares, months)
        return {cls.PUBLIC: L_("Public"),
                # i18n: the open-data tier for named partners such as a national database (0.1° grid)
                cls.PARTNER: L_("Partner")}


GRID = {Tier.PUBLIC: Decimal("0.5"), Tier.PARTNER: Decimal("0.1")}


@dataclass(frozen=True)
class Request:
    tier: Tier
    recipient: str = PUBLIC_RECIPIENT
    start: date | None = None  # inclusive, on the incident date
    end: date | None = None
    programme_id: int | None = None


@dataclass
class Event:
    """One verified event as it leaves: only generalised, non-personal values."""

    event_id: str
    month: str
    country_code: str
    region: str
    lat: float | None
    lon: float | None
    uncertainty_m: int | None
    predator: str
    confidence: str
    time_of_day: str | None
    is_in_corral: bool | None
    is_guard_dog_present: bool | None
    carcass_disposal: str | None
    losses: dict[tuple[str, str], int]  # (species, killed|injured) → head


def recipient_key(recipient: str) -> str:
    return " ".join(recipient.split()).casefold()


def salted_id(recipient: str, kind: str, value: int) -> str:
    """A stable identifier for one recipient, that another recipient's copy does not share."""
    secret = (current_app.config.get("OPENDATA_ID_KEY") or current_app.config["SECRET_KEY"]).encode()
    message = f"{recipient_key(recipient)}|{kind}|{value}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:24]


def snap(value: float, step: Decimal) -> float:
    """The centre of the grid cell that holds ``value``."""
    cell = math.floor(Decimal(str(value)) / step)
    return float(cell * step + step / 2)


def cell_uncertainty(step: Decimal, lat: float) -> int:
    """Metres from a cell's centre to its corner (the radius a reader should assume)."""
    half_lat = float(step) / 2 * 111_320
    half_lon = float(step) / 2 * 111_320 * math.cos(math.radians(abs(lat) + float(step) / 2))
    return math.ceil(math.hypot(half_lat, half_lon))


def _statement(user, req: Request) -> sa.Select:
    latest = latest_verification()
    office, region = aliased(Jurisdiction, name="office"), aliased(Jurisdiction, name="region")
    stmt = (sa.select(Claim.id, Claim.owner_id, Claim.incident_date, Claim.incident_lat, Claim.incident_lon,
                      Claim.time_of_day.label("claim_time_of_day"), Claim.is_in_corral.label("claim_corral"),
                      Claim.is_guard_dog_present.label("claim_dog"), region.id.label("region_id"),
                      region.name.label("region"), region.country_code, Verification.id.label("verification_id"),
                      Verification.predator, Verification.confidence, Verification.time_of_day,
                      Verification.is_in_corral, Verification.is_guard_dog_present, Verification.carcass_disposal)
            .join(latest, latest.c.claim_id == Claim.id)
            .join(Verification, Verification.id == latest.c.verification_id)
            .join(office, office.id == Claim.office_id).join(region, region.id == office.parent_id)
            .where(Verification.outcome == VerificationOutcome.CONFIRMED).order_by(Claim.id))
    if user is not None:
        stmt = stmt.where(Claim.office_id.in_(jq.office_ids(user)))
    if req.start:
        stmt = stmt.where(Claim.incident_date >= req.start)
    if req.end:
        stmt = stmt.where(Claim.incident_date <= req.end)
    if req.programme_id:
        stmt = stmt.where(Claim.programme_id == req.programme_id)
    return stmt


def _losses(verification_ids: list[int]) -> dict[int, dict[tuple[str, str], int]]:
    out: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for chunk in range(0, len(verification_ids), 5000):
        ids = verification_ids[chunk:chunk + 5000]
        stmt = (sa.select(VerifiedLossLine.verification_id, VerifiedLossLine.species, VerifiedLossLine.outcome,
                          sa.func.sum(VerifiedLossLine.count))
                .where(VerifiedLossLine.verification_id.in_(ids), VerifiedLossLine.outcome.in_(("killed", "injured")))
                .group_by(VerifiedLossLine.verification_id, VerifiedLossLine.species, VerifiedLossLine.outcome))
        for vid, species, outcome, heads in db.session.execute(stmt):
            out[vid][(str(species), str(outcome))] += int(heads)
    return out


def _cell(row, step: Decimal) -> tuple:
    if row.incident_lat is None or row.incident_lon is None:
        return (row.region_id, None, None)
    return (row.region_id, snap(row.incident_lat, step), snap(row.incident_lon, step))


def _value(visit, claim):
    return claim if visit is None else visit


def events(user, req: Request) -> tuple[list[Event], int]:
    """The tier's events within the user's offices (every office for the public page), and how many were
    withheld because their cell holds fewer than ``MIN_HOUSEHOLDS`` households."""
    step = GRID[req.tier]
    rows = list(db.session.execute(_statement(user, req)))
    cells = [_cell(row, step) for row in rows]
    households: dict[tuple, set[int]] = defaultdict(set)
    for row, cell in zip(rows, cells, strict=True):
        households[cell].add(row.owner_id)
    kept = [(r, c) for r, c in zip(rows, cells, strict=True) if len(households[c]) >= MIN_HOUSEHOLDS]
    losses = _losses([r.verification_id for r, _c in kept])
    out = []
    for row, (_region, lat, lon) in kept:
        out.append(Event(
            event_id=salted_id(req.recipient, "event", row.id), month=row.incident_date.strftime("%Y-%m"),
            country_code=row.country_code, region=" ".join(row.region.split()), lat=lat, lon=lon,
            uncertainty_m=cell_uncertainty(step, lat) if lat is not None else None, predator=str(row.predator),
            confidence=str(row.confidence),
            time_of_day=(str(v) if (v := _value(row.time_of_day, row.claim_time_of_day)) else None),
            is_in_corral=_value(row.is_in_corral, row.claim_corral),
            is_guard_dog_present=_value(row.is_guard_dog_present, row.claim_dog),
            carcass_disposal=str(row.carcass_disposal) if row.carcass_disposal else None,
            losses=dict(losses.get(row.verification_id, {}))))
    return out, len(rows) - len(kept)


def audit(user, req: Request, fmt: str, rows: int, withheld: int) -> None:
    """Record who exported which tier for whom, and how many events left (the caller commits)."""
    scope = user.jurisdictions[0].id if user is not None and user.jurisdictions else None
    data = {"tier": req.tier.value, "recipient": req.recipient, "format": fmt, "rows": rows, "withheld": withheld,
            "from": req.start, "to": req.end, "programme_id": req.programme_id}
    record("export.opendata", None, actor=user, entity_type="export", scope_id=scope, label=req.recipient,
           data={k: v for k, v in data.items() if v is not None})
