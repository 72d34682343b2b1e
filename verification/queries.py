"""Reads for field verification, always within the user's jurisdictions (the claim is fetched scoped first)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from claims.enums import Clock
from claims.models import Claim
from claims.queries import ClaimFilters, claims_statement, overdue_clause
from claims.states import ClaimState
from conflict_service.auth.models import Role, User
from conflict_service.auth.queries import users_with_role_in
from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.jurisdictions.queries import office_ids
from conflict_service.pagination import Page, paginate
from verification.enums import CarcassDisposal
from verification.models import Appeal, Assignment, EvidenceFile, Verification


def carcass_left_clause():
    """SQL, per claim: a carcass was left in place and nobody has recorded its disposal since (poisoning risk).
    Its own alias of the site visits, correlated to the claim only, so a statement that also joins a visit (the
    export joins the latest) keeps it a subquery."""
    visit = aliased(Verification)
    return (sa.select(visit.id).where(visit.claim_id == Claim.id,
                                      visit.carcass_disposal == CarcassDisposal.LEFT_IN_PLACE,
                                      visit.carcass_disposed_on.is_(None)).correlate(Claim).exists())


def carcasses_left(claim: Claim) -> list[Verification]:
    """The claim's site visits whose carcass was left in place and is not yet recorded as disposed of."""
    return list(db.session.scalars(sa.select(Verification).where(
        Verification.claim_id == claim.id, Verification.carcass_disposal == CarcassDisposal.LEFT_IN_PLACE,
        Verification.carcass_disposed_on.is_(None)).order_by(Verification.round)))


def worklist_statement(user, *, overdue: bool | None = None) -> sa.Select:
    """The verifier's open assignments, soonest due first."""
    filters = ClaimFilters(status=[ClaimState.UNDER_VERIFICATION], verifier_id=user.id, overdue=overdue)
    return claims_statement(user, filters).order_by(Claim.verification_due_at.asc(), Claim.id)


def worklist_page(user, *, overdue: bool | None = None, page: int = 1, per_page: int = 50) -> Page:
    return paginate(worklist_statement(user, overdue=overdue), page, per_page)


def overdue_claims(user, limit: int = 5) -> list[Claim]:
    """The claims in the user's offices waiting longest past their verification due time."""
    filters = ClaimFilters(overdue=True, clock=Clock.VERIFICATION)
    stmt = claims_statement(user, filters).order_by(Claim.verification_due_at.asc(), Claim.id)
    return list(db.session.scalars(stmt.limit(limit)))


def appeals_awaiting_verifier(user, limit: int = 20) -> list[Claim]:
    """Appealed claims back in verification that nobody has been assigned to yet."""
    stmt = claims_statement(user, ClaimFilters(status=[ClaimState.UNDER_VERIFICATION])).where(
        Claim.assigned_verifier_id.is_(None)).order_by(Claim.verification_due_at.asc(), Claim.id)
    return list(db.session.scalars(stmt.limit(limit)))


@dataclass
class Summary:
    overdue: int
    awaiting_verifier: int
    mine: int = 0
    mine_overdue: int = 0


def summary(user) -> Summary:
    """Counts for the home page, in one statement."""
    waiting = Claim.status == ClaimState.SUBMITTED
    mine = sa.and_(Claim.status == ClaimState.UNDER_VERIFICATION, Claim.assigned_verifier_id == user.id)
    overdue = overdue_clause(Clock.VERIFICATION)
    stmt = sa.select(_count(overdue), _count(waiting), _count(mine), _count(sa.and_(mine, overdue))).where(
        Claim.office_id.in_(office_ids(user)))
    return Summary(*db.session.execute(stmt).one())


def _count(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def assignments_for(claim: Claim) -> list[Assignment]:
    stmt = sa.select(Assignment).where(Assignment.claim_id == claim.id).order_by(Assignment.assigned_at,
                                                                                 Assignment.id)
    return list(db.session.scalars(stmt))


def verifications_for(claim: Claim) -> list[Verification]:
    stmt = sa.select(Verification).where(Verification.claim_id == claim.id).order_by(Verification.round,
                                                                                     Verification.id)
    return list(db.session.scalars(stmt))


def evidence_for(claim: Claim) -> list[EvidenceFile]:
    stmt = sa.select(EvidenceFile).where(EvidenceFile.claim_id == claim.id).order_by(EvidenceFile.uploaded_at,
                                                                                     EvidenceFile.id)
    return list(db.session.scalars(stmt))


def get_evidence(claim: Claim, evidence_id: int) -> EvidenceFile:
    """One evidence file of a claim the caller has already fetched within their scope."""
    row = db.session.get(EvidenceFile, evidence_id)
    if row is None or row.claim_id != claim.id:
        raise NotFound()
    return row


def appeal_for(claim: Claim) -> Appeal | None:
    return db.session.scalar(sa.select(Appeal).where(Appeal.claim_id == claim.id))


def assignable_verifiers(claim: Claim) -> list[User]:
    """Verifiers of the claim's area who may take it now (not the filer; not the first verifier after an appeal)."""
    excluded = {claim.filed_by_id, claim.assigned_verifier_id}
    if claim.appealed_at is not None:
        excluded.add(claim.prior_verifier_id)
    return [u for u in users_with_role_in(Role.VERIFIER, claim.office_id) if u.id not in excluded]


def user_names(ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.full_name, User.username).where(User.id.in_(ids)))
    return {row.id: row.full_name or row.username for row in rows}
