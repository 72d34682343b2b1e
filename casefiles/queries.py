"""Which claims a batch of documents covers (the operator's CLI: every jurisdiction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from claims.models import Claim, Programme
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.jurisdictions.models import Jurisdiction


@dataclass
class BatchFilter:
    statuses: tuple[ClaimState, ...] = ()
    programme: str | None = None  # id or exact name
    office: str | None = None  # office code such as IR-RKH-DRG, or a region or country code above it
    numbers: tuple[str, ...] = ()
    incident_from: date | None = None
    incident_to: date | None = None


def claim_ids(f: BatchFilter) -> list[int]:
    stmt = sa.select(Claim.id).order_by(Claim.number)
    if f.statuses:
        stmt = stmt.where(Claim.status.in_(f.statuses))
    if f.programme:
        match = Programme.name == f.programme
        if f.programme.isdigit():
            match = sa.or_(match, Programme.id == int(f.programme))
        stmt = stmt.where(Claim.programme_id.in_(sa.select(Programme.id).where(match)))
    if f.office:
        code = f.office.strip().upper()
        offices = sa.select(Jurisdiction.id).where(sa.or_(Jurisdiction.code == code,
                                                          Jurisdiction.code.startswith(f"{code}-", autoescape=True)))
        stmt = stmt.where(Claim.office_id.in_(offices))
    if f.numbers:
        stmt = stmt.where(Claim.number.in_([n.strip().upper() for n in f.numbers]))
    if f.incident_from:
        stmt = stmt.where(Claim.incident_date >= f.incident_from)
    if f.incident_to:
        stmt = stmt.where(Claim.incident_date <= f.incident_to)
    return list(db.session.scalars(stmt))
