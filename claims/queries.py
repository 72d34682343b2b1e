"""Reads of programmes, owners and claims, always limited to the user's jurisdictions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from claims.enums import Clock
from claims.models import Claim, Owner, Programme
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.jurisdictions import queries as jq
from conflict_service.pagination import Page, paginate
from conflict_service.timeutil import utcnow


def programme_usable_at(programme: Programme, office) -> bool:
    """A programme covers an office when it is run at the office or at a level above it."""
    t = jq.tree()
    return programme.jurisdiction_id in {office.id, *t.ancestors(office.id)}


def office_language(office) -> str:
    """The language an office works in: the official language of the programme nearest to it (run at the office,
    then at its region, then its country; active ones first), English where no programme covers it."""
    levels = [office.id, *jq.tree().ancestors(office.id)]
    rows = db.session.execute(sa.select(Programme.jurisdiction_id, Programme.official_language)
                              .where(Programme.jurisdiction_id.in_(levels))
                              .order_by(Programme.is_active.desc(), Programme.id)).all()
    nearest: dict[int, str] = {}
    for jurisdiction_id, language in rows:
        nearest.setdefault(jurisdiction_id, language)
    return next((nearest[level] for level in levels if level in nearest), "en")


def programmes_for(user, *, active_only: bool = False) -> list[Programme]:
    stmt = sa.select(Programme).where(Programme.jurisdiction_id.in_(jq.related_ids(user))).order_by(Programme.name)
    if active_only:
        stmt = stmt.where(Programme.is_active.is_(True))
    return list(db.session.scalars(stmt))


def get_programme(programme_id: int, user) -> Programme:
    programme = db.session.get(Programme, programme_id)
    if programme is None or programme.jurisdiction_id not in jq.related_ids(user):
        raise NotFound()
    return programme


def get_owner(owner_id: int, user) -> Owner:
    owner = db.session.get(Owner, owner_id)
    if owner is None or owner.office_id not in jq.office_ids(user):
        raise NotFound()
    return owner


def owners_page(user, *, q: str | None = None, office_id: int | None = None, village: str | None = None,
                page: int = 1, per_page: int = 50) -> Page:
    stmt = sa.select(Owner).where(Owner.office_id.in_(jq.office_ids(user))).order_by(Owner.name, Owner.id)
    if q:
        stmt = stmt.where(sa.func.lower(Owner.name).contains(q.strip().lower(), autoescape=True))
    if office_id:
        stmt = stmt.where(Owner.office_id == office_id)
    if village:
        stmt = stmt.where(sa.func.lower(Owner.village) == village.strip().lower())
    return paginate(stmt, page, per_page)


def get_claim(claim_id: int, user) -> Claim:
    stmt = (sa.select(Claim).join(Claim.owner).options(contains_eager(Claim.owner))
            .where(Claim.id == claim_id, Claim.office_id.in_(jq.office_ids(user))))
    claim = db.session.scalar(stmt)
    if claim is None:
        raise NotFound()
    return claim


def get_claim_by_number(number: str, user) -> Claim:
    claim_id = db.session.scalar(sa.select(Claim.id).where(Claim.number == number.strip().upper()))
    if claim_id is None:
        raise NotFound()
    return get_claim(claim_id, user)


@dataclass
class ClaimFilters:
    status: list[ClaimState] | None = None
    office_id: int | None = None
    programme_id: int | None = None
    owner_id: int | None = None
    incident_from: date | None = None
    incident_to: date | None = None
    q: str | None = None
    verifier_id: int | None = None
    overdue: bool | None = None
    clock: Clock | None = None


def overdue_clause(clock: Clock | None = None):
    """SQL for ``Claim.is_overdue``: the current stage (``clock``, or any) is past its due time (DESIGN §6)."""
    late = Claim.due_at < utcnow()
    return sa.and_(late, Claim.due_clock == clock) if clock else late


def overdue_counts(user) -> dict[Clock, int]:
    """Open claims past their current stage's due time, per stage, in the user's offices (every stage listed)."""
    stmt = (sa.select(Claim.due_clock, sa.func.count())
            .where(Claim.office_id.in_(jq.office_ids(user)), overdue_clause()).group_by(Claim.due_clock))
    counts = dict(db.session.execute(stmt).all())
    return {clock: counts.get(clock, 0) for clock in Clock}


def claims_statement(user, f: ClaimFilters) -> sa.Select:
    """The list query: claims with owner, programme and office in one statement (loss lines in a second)."""
    # The owner is joined in SQL only to search by name; otherwise it is eager-loaded, which keeps it out of the
    # page's count (a count over a million claims joined to their owners costs most of a second).
    if f.q:
        stmt = sa.select(Claim).join(Claim.owner).options(contains_eager(Claim.owner))
    else:
        stmt = sa.select(Claim).options(joinedload(Claim.owner, innerjoin=True))
    stmt = stmt.options(selectinload(Claim.lines)).where(Claim.office_id.in_(jq.office_ids(user)))
    if f.status:
        stmt = stmt.where(Claim.status.in_(f.status))
    if f.office_id:
        stmt = stmt.where(Claim.office_id == f.office_id)
    if f.programme_id:
        stmt = stmt.where(Claim.programme_id == f.programme_id)
    if f.owner_id:
        stmt = stmt.where(Claim.owner_id == f.owner_id)
    if f.verifier_id:
        stmt = stmt.where(Claim.assigned_verifier_id == f.verifier_id)
    if f.clock:
        stmt = stmt.where(Claim.due_clock == f.clock)
    if f.overdue is not None:
        late = overdue_clause()
        stmt = stmt.where(late if f.overdue else sa.or_(Claim.due_at.is_(None), sa.not_(late)))
    if f.incident_from:
        stmt = stmt.where(Claim.incident_date >= f.incident_from)
    if f.incident_to:
        stmt = stmt.where(Claim.incident_date <= f.incident_to)
    if f.q:
        text = f.q.strip().lower()
        stmt = stmt.where(sa.or_(sa.func.lower(Owner.name).contains(text, autoescape=True),
                                 sa.func.lower(Claim.number).startswith(text, autoescape=True)))
    return stmt


def claims_page(user, filters: ClaimFilters, page: int = 1, per_page: int = 50) -> Page:
    stmt = claims_statement(user, filters).order_by(Claim.filed_at.desc(), Claim.id.desc())
    return paginate(stmt, page, per_page)


def count_by_status(user) -> dict[ClaimState, int]:
    stmt = (sa.select(Claim.status, sa.func.count()).where(Claim.office_id.in_(jq.office_ids(user)))
            .group_by(Claim.status))
    counts = dict(db.session.execute(stmt).all())
    return {state: counts.get(state, 0) for state in ClaimState}
