"""The check: which claims' payments a retaliation freeze holds now.

A freeze is active from ``killed_on`` until the day before ``ends_on`` (the programme's local dates) unless a
manager lifted it. A claim is in its area when it was filed at an office inside the freeze's jurisdiction, or
when its incident lies within ``radius_km`` of the freeze's point. Active freezes are few, so they are read in
one query and matched against the claims in hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa

from claims.models import Claim, Programme
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.jurisdictions.queries import tree
from conflict_service.timeutil import local_today
from payouts.freezes.models import RetaliationFreeze
from verification.geo import distance_km

# Claims with a payment still to make: an advance (verified), the award (approved) or a batch awaiting approval.
WAITING_STATES = (ClaimState.VERIFIED, ClaimState.APPROVED, ClaimState.IN_PAYMENT)


def today_for(programme: Programme) -> date:
    return local_today(programme.jurisdiction.timezone)


def is_active(freeze: RetaliationFreeze, today: date | None = None) -> bool:
    today = today or today_for(freeze.programme)
    return freeze.lifted_at is None and freeze.killed_on <= today < freeze.ends_on


def active_freezes(programme_ids: Iterable[int]) -> list[RetaliationFreeze]:
    """Freezes not lifted and not yet over in any of these programmes (over by each programme's local date)."""
    ids = set(programme_ids)
    if not ids:
        return []
    stmt = (sa.select(RetaliationFreeze).where(RetaliationFreeze.programme_id.in_(ids),
                                               RetaliationFreeze.lifted_at.is_(None))
            .order_by(RetaliationFreeze.ends_on.desc(), RetaliationFreeze.id))
    return [f for f in db.session.scalars(stmt) if is_active(f)]


def covers(freeze: RetaliationFreeze, claim: Claim) -> bool:
    """Is ``claim`` in the freeze's area (and programme)?"""
    if claim.programme_id != freeze.programme_id:
        return False
    if freeze.jurisdiction_id is not None and claim.office_id in tree().descendants(freeze.jurisdiction_id):
        return True
    if freeze.lat is None or freeze.radius_km is None:
        return False
    distance = distance_km(freeze.lat, freeze.lon, claim.incident_lat, claim.incident_lon)
    return distance is not None and distance <= freeze.radius_km


def holds(claims: Iterable[Claim]) -> dict[int, RetaliationFreeze]:
    """The active freeze holding each claim's payments (the one ending last), for the claims that are held."""
    claims = list(claims)
    freezes = active_freezes({c.programme_id for c in claims})
    out: dict[int, RetaliationFreeze] = {}
    for claim in claims:
        held_by = next((f for f in freezes if covers(f, claim)), None)
        if held_by is not None:
            out[claim.id] = held_by
    return out


def hold_of(claim: Claim) -> RetaliationFreeze | None:
    return holds([claim]).get(claim.id)


def claims_in_area(freeze: RetaliationFreeze, statuses=WAITING_STATES) -> list[Claim]:
    """Claims of the freeze's programme in its area with one of ``statuses`` (waiting to be paid by default)."""
    stmt = sa.select(Claim).where(Claim.programme_id == freeze.programme_id, Claim.status.in_(statuses))
    area = []
    if freeze.jurisdiction_id is not None:
        area.append(Claim.office_id.in_(tree().descendants(freeze.jurisdiction_id)))
    if freeze.lat is not None:
        area.append(sa.and_(Claim.incident_lat.is_not(None), Claim.incident_lon.is_not(None)))
    stmt = stmt.where(sa.or_(*area)).order_by(Claim.id)
    return [c for c in db.session.scalars(stmt) if covers(freeze, c)]
