"""Reads of insurance, limited to the user's jurisdictions; each list in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager

from claims.enums import ProgrammeKind
from claims.models import Claim, Owner, Programme
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.jurisdictions import queries as jq
from conflict_service.pagination import Page, paginate
from conflict_service.textsearch import fold, folded
from conflict_service.timeutil import local_today
from insurance.enums import Account, PolicyStatus
from insurance.models import (
    LedgerEntry,
    LedgerTransaction,
    Policy,
    PremiumPayment,
    PremiumRate,
    PremiumTable,
    Season,
)
from payouts.models import Award

ZERO = Decimal(0)


# --- schemes and seasons ----------------------------------------------------------------------------------------

def schemes_for(user) -> list[Programme]:
    stmt = (sa.select(Programme).where(Programme.kind == ProgrammeKind.INSURANCE,
                                       Programme.jurisdiction_id.in_(jq.related_ids(user))).order_by(Programme.name))
    return list(db.session.scalars(stmt))


def get_scheme(programme_id: int, user) -> Programme:
    programme = db.session.get(Programme, programme_id)
    if programme is None or not programme.is_insurance or programme.jurisdiction_id not in jq.related_ids(user):
        raise NotFound()
    return programme


def seasons_of(programme_id: int) -> list[Season]:
    stmt = sa.select(Season).where(Season.programme_id == programme_id).order_by(Season.starts_on.desc())
    return list(db.session.scalars(stmt))


def get_season(season_id: int, user) -> Season:
    season = db.session.get(Season, season_id)
    if season is None or season.programme.jurisdiction_id not in jq.related_ids(user):
        raise NotFound()
    return season


def season_on(programme_id: int, day: date) -> Season | None:
    return db.session.scalar(sa.select(Season).where(Season.programme_id == programme_id, Season.starts_on <= day,
                                                     Season.ends_on >= day))


def current_season(programme: Programme) -> Season | None:
    """The season running today at the scheme's seat, else the most recent one that has started, else the next."""
    today = local_today(programme.jurisdiction.timezone)
    seasons = seasons_of(programme.id)
    running = [s for s in seasons if s.starts_on <= today <= s.ends_on]
    started = [s for s in seasons if s.starts_on <= today]
    return (running or started or list(reversed(seasons)) or [None])[0]


def open_seasons(user, day_of=None) -> list[Season]:
    """Seasons of the schemes the user sees that still take enrolments: not ended yet, or ended less than the
    scheme's ``report_backdating_days`` ago (a paper enrolment signed during the season, typed in late)."""
    schemes = schemes_for(user)
    out = []
    for season in db.session.scalars(sa.select(Season).where(Season.programme_id.in_([p.id for p in schemes]))
                                     .order_by(Season.starts_on)):
        if (day_of or local_today(season.programme.jurisdiction.timezone)) <= season.late_entry_until:
            out.append(season)
    return out


# --- premium rates ----------------------------------------------------------------------------------------------

def premium_tables(season_id: int) -> list[PremiumTable]:
    stmt = sa.select(PremiumTable).where(PremiumTable.season_id == season_id).order_by(PremiumTable.version.desc())
    return list(db.session.scalars(stmt))


def premium_rates_in_force(season_id: int, on: date) -> dict:
    """``{species: {"amount", "valid_from", "version"}}``: the newest rate from on or before ``on``; for the same
    date, the later version corrects the earlier."""
    stmt = (sa.select(PremiumRate, PremiumTable.version).join(PremiumTable)
            .where(PremiumRate.season_id == season_id, PremiumRate.valid_from <= on))
    best: dict = {}
    for rate, version in db.session.execute(stmt):
        if rate.species not in best or (rate.valid_from, version) > (best[rate.species]["valid_from"],
                                                                     best[rate.species]["version"]):
            best[rate.species] = {"species": rate.species, "amount": rate.amount, "valid_from": rate.valid_from,
                                  "version": version}
    return dict(sorted(best.items()))


# --- policies and premiums --------------------------------------------------------------------------------------

def get_policy(policy_id: int, user) -> Policy:
    policy = db.session.get(Policy, policy_id)
    if policy is None or policy.office_id not in jq.office_ids(user):
        raise NotFound()
    return policy


def paid_by_policy(policy_ids) -> dict[int, Decimal]:
    """Premiums received per policy, from the ledger (a reversed payment no longer counts)."""
    ids = list(set(policy_ids))
    if not ids:
        return {}
    stmt = (sa.select(LedgerTransaction.policy_id, sa.func.sum(LedgerEntry.amount))
            .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
            .where(LedgerTransaction.policy_id.in_(ids), LedgerEntry.account == Account.PREMIUMS)
            .group_by(LedgerTransaction.policy_id))
    return {pid: -Decimal(total) for pid, total in db.session.execute(stmt)}


@dataclass
class PolicyRow:
    policy: Policy
    paid: Decimal

    @property
    def arrears(self) -> Decimal:
        return max(self.policy.premium_due - self.paid, ZERO)

    @property
    def status(self) -> PolicyStatus:
        return self.policy.status_on(local_today(self.policy.office.timezone))


@dataclass
class PolicyFilters:
    programme_id: int | None = None
    season_id: int | None = None
    owner_id: int | None = None
    village: str | None = None
    in_arrears: bool | None = None
    q: str | None = None


def _policies_statement(user, f: PolicyFilters) -> sa.Select:
    stmt = (sa.select(Policy).join(Policy.owner).options(contains_eager(Policy.owner))
            .where(Policy.office_id.in_(jq.office_ids(user))))
    for column, value in ((Policy.programme_id, f.programme_id), (Policy.season_id, f.season_id),
                          (Policy.owner_id, f.owner_id)):
        if value:
            stmt = stmt.where(column == value)
    if f.village:
        stmt = stmt.where(folded(Owner.village) == fold(f.village))
    if f.q:
        text = fold(f.q)
        stmt = stmt.where(sa.or_(folded(Owner.name).contains(text, autoescape=True),
                                 sa.func.lower(Policy.number).startswith(text, autoescape=True)))
    if f.in_arrears is not None:
        paid = (sa.select(sa.func.coalesce(-sa.func.sum(LedgerEntry.amount), 0))
                .join(LedgerTransaction, LedgerEntry.transaction_id == LedgerTransaction.id)
                .where(LedgerTransaction.policy_id == Policy.id, LedgerEntry.account == Account.PREMIUMS)
                .scalar_subquery())
        stmt = stmt.where(Policy.premium_due > paid if f.in_arrears else Policy.premium_due <= paid)
    return stmt


def policies_page(user, filters: PolicyFilters, page: int = 1, per_page: int = 50) -> Page:
    """Policies with what was paid on each (three statements: count, rows, payments)."""
    result = paginate(_policies_statement(user, filters).order_by(Policy.enrolled_at.desc(), Policy.id.desc()),
                      page, per_page)
    paid = paid_by_policy([p.id for p in result.items])
    result.items = [PolicyRow(p, paid.get(p.id, ZERO)) for p in result.items]
    return result


def policies_of_owner(owner_id: int) -> list[PolicyRow]:
    policies = list(db.session.scalars(sa.select(Policy).where(Policy.owner_id == owner_id)
                                       .order_by(Policy.enrolled_on.desc())))
    paid = paid_by_policy([p.id for p in policies])
    return [PolicyRow(p, paid.get(p.id, ZERO)) for p in policies]


def premium_payments(policy_id: int) -> list[tuple[PremiumPayment, LedgerTransaction | None]]:
    """The policy's payments, each with its posting's reversal if it was corrected."""
    payments = list(db.session.scalars(sa.select(PremiumPayment).where(PremiumPayment.policy_id == policy_id)
                                       .order_by(PremiumPayment.id)))
    return [(p, r) for p, r in zip(payments, reversals_of_payments([p.id for p in payments]), strict=True)]


def reversals_of_payments(payment_ids: list[int]) -> list[LedgerTransaction | None]:
    if not payment_ids:
        return []
    original = aliased(LedgerTransaction)
    stmt = (sa.select(original.premium_payment_id, LedgerTransaction)
            .join(original, LedgerTransaction.reverses_id == original.id)
            .where(original.premium_payment_id.in_(payment_ids)))
    found = {pid: tx for pid, tx in db.session.execute(stmt)}
    return [found.get(pid) for pid in payment_ids]


def get_premium_payment(payment_id: int, user) -> PremiumPayment:
    payment = db.session.get(PremiumPayment, payment_id)
    if payment is None or payment.policy.office_id not in jq.office_ids(user):
        raise NotFound()
    return payment


def premium_payments_page(user, *, policy_id: int | None = None, programme_id: int | None = None, page: int = 1,
                          per_page: int = 50) -> Page:
    stmt = (sa.select(PremiumPayment).join(Policy, PremiumPayment.policy_id == Policy.id)
            .where(Policy.office_id.in_(jq.office_ids(user))).order_by(PremiumPayment.id.desc()))
    if policy_id:
        stmt = stmt.where(PremiumPayment.policy_id == policy_id)
    if programme_id:
        stmt = stmt.where(Policy.programme_id == programme_id)
    return paginate(stmt, page, per_page)


# --- the fund ---------------------------------------------------------------------------------------------------

def ledger_page(programme_id: int, *, season_id: int | None = None, page: int = 1, per_page: int = 50) -> Page:
    stmt = (sa.select(LedgerTransaction).where(LedgerTransaction.fund_id == programme_id)
            .order_by(LedgerTransaction.seq.desc()))
    if season_id:
        stmt = stmt.where(LedgerTransaction.season_id == season_id)
    return paginate(stmt, page, per_page)


def get_transaction(programme_id: int, seq: int) -> LedgerTransaction:
    tx = db.session.scalar(sa.select(LedgerTransaction).where(LedgerTransaction.fund_id == programme_id,
                                                             LedgerTransaction.seq == seq))
    if tx is None:
        raise NotFound()
    return tx


def reversed_seqs(programme_id: int) -> dict[int, int]:
    """``{seq of a reversed posting: seq of its reversal}`` in one fund."""
    original = aliased(LedgerTransaction)
    stmt = (sa.select(original.seq, LedgerTransaction.seq).join(original, LedgerTransaction.reverses_id == original.id)
            .where(LedgerTransaction.fund_id == programme_id))
    return dict(db.session.execute(stmt).all())


class Waiting(NamedTuple):
    claim: Claim
    award: Award


def awaiting_funds(programme_id: int, user=None) -> list[Waiting]:
    """Approved claims waiting for money, in the order they will be paid (approval order)."""
    stmt = (sa.select(Claim, Award).join(Award, Award.claim_id == Claim.id).join(Claim.owner)
            .options(contains_eager(Claim.owner))
            .where(Claim.programme_id == programme_id, Claim.status == ClaimState.AWAITING_FUNDS)
            .order_by(Award.id))  # awards are created in approval order; approval times may tie
    if user is not None:
        stmt = stmt.where(Claim.office_id.in_(jq.office_ids(user)))
    return [Waiting(*row) for row in db.session.execute(stmt)]


def policy_for_claim(claim: Claim) -> Policy | None:
    """The owner's policy whose season holds the incident date."""
    stmt = (sa.select(Policy).join(Season, Policy.season_id == Season.id)
            .where(Policy.owner_id == claim.owner_id, Policy.programme_id == claim.programme_id,
                   Season.starts_on <= claim.incident_date, Season.ends_on >= claim.incident_date))
    return db.session.scalar(stmt)


def claim_numbers(ids) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Claim.id, Claim.number).where(Claim.id.in_(list(ids)))).all())
