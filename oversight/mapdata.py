"""What the maps draw: verified losses with a place (for the hotspots) and the latest incidents (points and list)."""

from __future__ import annotations

import sqlalchemy as sa

from claims.models import Claim
from conflict_service.db import db
from conflict_service.jurisdictions import queries as jq
from oversight.reports import Filters, _between, latest_verification
from verification.enums import VerificationOutcome
from verification.models import Verification, VerifiedLossLine


def verified_losses(user, f: Filters = Filters()) -> list[tuple[float, float, int]]:
    """``(lon, lat, animals)`` of each claim with a place whose latest site visit (recorded within the dates)
    confirmed the loss."""
    latest = latest_verification()
    stmt = (sa.select(Claim.incident_lon, Claim.incident_lat, sa.func.sum(VerifiedLossLine.count))
            .join(latest, latest.c.claim_id == Claim.id)
            .join(Verification, Verification.id == latest.c.verification_id)
            .join(VerifiedLossLine, VerifiedLossLine.verification_id == Verification.id)
            .where(Claim.office_id.in_(jq.office_ids(user)), Claim.incident_lat.is_not(None),
                   Verification.outcome == VerificationOutcome.CONFIRMED, *_between(Verification.recorded_at, f),
                   *([Claim.programme_id == f.programme_id] if f.programme_id else []))
            .group_by(Claim.id, Claim.incident_lon, Claim.incident_lat))
    return [(lon, lat, int(n)) for lon, lat, n in db.session.execute(stmt)]


def incidents(user, limit: int, f: Filters = Filters()) -> list[dict]:
    """The latest incidents with a place (id, number, status, lat, lon, incident_date), newest first."""
    stmt = (sa.select(Claim.id, Claim.number, Claim.status, Claim.incident_lat.label("lat"),
                      Claim.incident_lon.label("lon"), Claim.incident_date, Claim.incident_village.label("village"))
            .where(Claim.office_id.in_(jq.office_ids(user)), Claim.incident_lat.is_not(None))
            .order_by(Claim.incident_date.desc(), Claim.id.desc()).limit(limit))
    if f.start:
        stmt = stmt.where(Claim.incident_date >= f.start)
    if f.end:
        stmt = stmt.where(Claim.incident_date <= f.end)
    if f.programme_id:
        stmt = stmt.where(Claim.programme_id == f.programme_id)
    return [dict(r) for r in db.session.execute(stmt).mappings()]


def extent_points(user, f: Filters = Filters()) -> list[tuple[float, float]]:
    """The corners of the box holding every incident of the user's offices (two points, or none)."""
    where = [Claim.office_id.in_(jq.office_ids(user)), Claim.incident_lat.is_not(None)]
    if f.programme_id:
        where.append(Claim.programme_id == f.programme_id)
    row = db.session.execute(sa.select(sa.func.min(Claim.incident_lon), sa.func.min(Claim.incident_lat),
                                       sa.func.max(Claim.incident_lon), sa.func.max(Claim.incident_lat))
                             .where(*where)).one()
    return [] if row[0] is None else [(row[0], row[1]), (row[2], row[3])]
