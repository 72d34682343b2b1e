"""Reads of payouts, always limited to the user's jurisdictions, each list in a fixed number of statements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from claims.models import Claim, Owner, Programme
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.jurisdictions import queries as jq
from conflict_service.pagination import Page, paginate
from conflict_service.timeutil import local_today
from payouts import assessment
from payouts.engine import Assessment
from payouts.enums import BatchStatus, DecisionKind, PaymentKind, PaymentStatus
from payouts.freezes import holds as freeze_holds
from payouts.models import Award, Decision, Payment, PaymentBatch, Rate, RateTable, Reconciliation
from payouts.operations.decisions import needs_two
from payouts.operations.reconciliation import payments_in_reach

OWED = (ClaimState.APPROVED, ClaimState.AWAITING_FUNDS, ClaimState.IN_PAYMENT)


# --- rates ------------------------------------------------------------------------------------------------

def rate_tables(programme_id: int) -> list[RateTable]:
    stmt = sa.select(RateTable).where(RateTable.programme_id == programme_id).order_by(RateTable.version.desc())
    return list(db.session.scalars(stmt))


def get_rate_table(programme, version: int) -> RateTable:
    table = db.session.scalar(sa.select(RateTable).where(RateTable.programme_id == programme.id,
                                                         RateTable.version == version))
    if table is None:
        raise NotFound()
    return table


def rates_in_force(programme_id: int, on: date) -> list[dict]:
    """One entry per species and age class: the rate that applies to an incident on ``on``."""
    stmt = (sa.select(Rate, RateTable.version).join(RateTable)
            .where(Rate.programme_id == programme_id, Rate.valid_from <= on, RateTable.is_pending.is_(False)))
    best: dict[tuple, tuple] = {}
    for rate, version in db.session.execute(stmt):
        key = (rate.species, rate.age_class)
        if key not in best or (rate.valid_from, version) > (best[key][0].valid_from, best[key][1]):
            best[key] = (rate, version)
    return [{"species": r.species, "age_class": r.age_class, "amount": r.amount, "valid_from": r.valid_from,
             "version": v} for (r, v) in sorted(best.values(), key=lambda rv: (rv[0].species, rv[0].age_class))]


# --- decisions and the approval queue ---------------------------------------------------------------------

def decisions_for(claim_id: int) -> list[Decision]:
    return list(db.session.scalars(sa.select(Decision).where(Decision.claim_id == claim_id).order_by(Decision.id)))


@dataclass
class QueueRow:
    claim: Claim
    assessment: Assessment | None
    first_approval: Decision | None

    @property
    def needs_second(self) -> bool:
        return bool(self.assessment and self.assessment.payable
                     and needs_two(self.claim.programme, self.assessment.total))


def approval_queue(user, programme_id: int | None = None, limit: int = 200) -> list[QueueRow]:
    """Verified claims waiting for a decision, oldest first, with their live assessment."""
    stmt = (sa.select(Claim).join(Claim.owner).options(contains_eager(Claim.owner))
            .where(Claim.status == ClaimState.VERIFIED, Claim.office_id.in_(jq.office_ids(user)))
            .order_by(Claim.status_changed_at, Claim.id).limit(limit))
    if programme_id:
        stmt = stmt.where(Claim.programme_id == programme_id)
    claims = list(db.session.scalars(stmt))
    assessed = assessment.live_many(claims)
    firsts = _pending_firsts(claims)
    return [QueueRow(c, assessed.get(c.id), firsts.get(c.id)) for c in claims]


def queue_size(user) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Claim).where(
        Claim.status == ClaimState.VERIFIED, Claim.office_id.in_(jq.office_ids(user)))) or 0


def _pending_firsts(claims: list[Claim]) -> dict[int, Decision]:
    if not claims:
        return {}
    stmt = (sa.select(Decision).join(Claim, Decision.claim_id == Claim.id)
            .where(Decision.claim_id.in_([c.id for c in claims]), Decision.kind == DecisionKind.APPROVE,
                   Decision.is_final.is_(False), Decision.superseded_at.is_(None),
                   Decision.decided_at >= Claim.status_changed_at).order_by(Decision.id))
    return {d.claim_id: d for d in db.session.scalars(stmt)}


# --- overdue payments -------------------------------------------------------------------------------------

@dataclass
class OverdueRow:
    claim: Claim
    award: Award
    today: date

    @property
    def days_overdue(self) -> int:
        return (self.today - self.award.due_on).days


def _office_today(user) -> dict[date, list[int]]:
    by_day: dict[date, list[int]] = defaultdict(list)
    for office in jq.offices_for(user):
        by_day[local_today(office.timezone)].append(office.id)
    return by_day


def overdue(user, limit: int = 500) -> list[OverdueRow]:
    """Approved claims not paid by their due date (``payment_sla_days`` after approval, in local dates)."""
    by_day = _office_today(user)
    if not by_day:
        return []
    late = sa.or_(*[sa.and_(Claim.office_id.in_(ids), Award.due_on < day) for day, ids in by_day.items()])
    stmt = (sa.select(Claim, Award).join(Award, Award.claim_id == Claim.id).join(Claim.owner)
            .options(contains_eager(Claim.owner))
            .where(Claim.status.in_(OWED), late).order_by(Award.due_on, Claim.id).limit(limit))
    today_of = {oid: day for day, ids in by_day.items() for oid in ids}
    return [OverdueRow(c, a, today_of[c.office_id]) for c, a in db.session.execute(stmt)]


def is_overdue(claim: Claim, award: Award | None) -> bool:
    return (award is not None and claim.status in OWED
            and award.due_on < local_today(claim.office.timezone))


# --- payments and batches ---------------------------------------------------------------------------------

def payments_for(claim_id: int) -> list[Payment]:
    stmt = sa.select(Payment).where(Payment.claim_id == claim_id).order_by(Payment.id)
    return list(db.session.scalars(stmt))


def get_payment(payment_id: int, user) -> Payment:
    payment = db.session.scalar(sa.select(Payment).where(Payment.id == payment_id, payments_in_reach(user)))
    if payment is None:
        raise NotFound()
    return payment


def get_payment_by_reference(reference: str, user) -> Payment:
    """A payment by its reference (``AF-HRC-2026-000030-F1``, what a statement and the payment file show)."""
    stmt = sa.select(Payment).where(Payment.reference == reference.strip().upper(), payments_in_reach(user))
    payment = db.session.scalar(stmt)
    if payment is None:
        raise NotFound()
    return payment


def _batch_visible(user):
    """A batch is visible when its programme is, and none of its payments is for a claim outside the user's offices."""
    foreign = sa.select(Payment.id).where(Payment.batch_id == PaymentBatch.id, ~payments_in_reach(user))
    programmes = sa.select(Programme.id).where(Programme.jurisdiction_id.in_(jq.related_ids(user)))
    return sa.and_(PaymentBatch.programme_id.in_(programmes), ~sa.exists(foreign))


def get_batch(batch_id: int, user) -> PaymentBatch:
    batch = db.session.scalar(sa.select(PaymentBatch).where(PaymentBatch.id == batch_id, _batch_visible(user)))
    if batch is None:
        raise NotFound()
    return batch


def batches_page(user, *, status: BatchStatus | None = None, programme_id: int | None = None, page: int = 1,
                 per_page: int = 50) -> Page:
    stmt = sa.select(PaymentBatch).where(_batch_visible(user)).order_by(PaymentBatch.id.desc())
    if status:
        stmt = stmt.where(PaymentBatch.status == status)
    if programme_id:
        stmt = stmt.where(PaymentBatch.programme_id == programme_id)
    return paginate(stmt, page, per_page)


BATCH_FIELDS = ("id", "programme_id", "programme", "currency", "status", "note", "created_at", "created_by",
                "created_by_id", "approved_at", "approved_by", "exported_at", "closed_at")


def batch_view(batch: PaymentBatch, *, sums: dict | None = None, payments: list | None = None) -> dict:
    """A batch as plain data with its payment count and total (and its payments, for the detail)."""
    sums = sums if sums is not None else batch_sums([batch.id])
    count, total = sums.get(batch.id, (0, Decimal(0)))
    view = {name: getattr(batch, name) for name in BATCH_FIELDS} | {"payment_count": count, "total": total}
    if payments is not None:
        view["payments"] = payments
    return view


def batch_sums(batch_ids: list[int]) -> dict[int, tuple[int, Decimal]]:
    if not batch_ids:
        return {}
    stmt = (sa.select(Payment.batch_id, sa.func.count(), sa.func.coalesce(sa.func.sum(Payment.amount), 0))
            .where(Payment.batch_id.in_(batch_ids), Payment.status != PaymentStatus.CANCELLED)
            .group_by(Payment.batch_id))
    return {bid: (n, Decimal(total)) for bid, n, total in db.session.execute(stmt)}


def batch_payments(batch_id: int) -> list[tuple[Payment, Claim | None]]:
    """A batch's payments with their claims (None for a registered subject's payment). Two statements: an outer
    join would lose the subject payments to the inner joins Claim's eager loading adds."""
    payments = list(db.session.scalars(sa.select(Payment).where(Payment.batch_id == batch_id).order_by(Payment.id)))
    ids = {p.claim_id for p in payments if p.claim_id is not None}
    claims = {c.id: c for c in db.session.scalars(sa.select(Claim).where(Claim.id.in_(ids)))} if ids else {}
    return [(p, claims.get(p.claim_id)) for p in payments]


@dataclass
class Waiting:
    claim: Claim
    kind: PaymentKind
    amount: Decimal
    held_by: object = None  # the retaliation freeze holding this payment, if any


def waiting_for_payment(user, programme: Programme) -> list[Waiting]:
    """What a new batch of ``programme`` would pay: approved claims (less confirmed advances) and pending advances."""
    stmt = (sa.select(Claim).join(Claim.owner).options(contains_eager(Claim.owner))
            .where(Claim.programme_id == programme.id, Claim.office_id.in_(jq.office_ids(user)),
                   Claim.status.in_((ClaimState.VERIFIED, ClaimState.APPROVED))).order_by(Claim.id))
    claims = list(db.session.scalars(stmt))
    payments = defaultdict(list)
    for p in db.session.scalars(sa.select(Payment).where(Payment.claim_id.in_([c.id for c in claims]))):
        payments[p.claim_id].append(p)
    awards = assessment.awards_for([c.id for c in claims])
    waiting = [w for c in claims if (w := _waiting(c, payments[c.id], awards.get(c.id))) is not None]
    held = freeze_holds.holds([w.claim for w in waiting])
    for w in waiting:
        w.held_by = held.get(w.claim.id)
    return waiting


def _waiting(claim: Claim, payments: list[Payment], award: Award | None) -> Waiting | None:
    advances = [p for p in payments if p.kind == PaymentKind.ADVANCE]
    unbatched = next((p for p in advances if p.status == PaymentStatus.PENDING and p.batch_id is None), None)
    in_flight = any(p.batch_id is not None and p.status in (PaymentStatus.PENDING, PaymentStatus.SENT)
                    for p in advances)
    if claim.status == ClaimState.APPROVED and award is not None and not in_flight:
        paid = sum((p.amount for p in advances if p.status == PaymentStatus.CONFIRMED), Decimal(0))
        return Waiting(claim, PaymentKind.FINAL, max(award.total - paid, Decimal(0)))
    if unbatched is not None:
        return Waiting(claim, PaymentKind.ADVANCE, unbatched.amount)
    return None


# --- reconciliation ---------------------------------------------------------------------------------------

def reconciliations_page(user, page: int = 1, per_page: int = 50) -> Page:
    """Statements imported by someone whose offices are all among the user's (their rows name those claims)."""
    mine = jq.office_ids(user)
    rows = db.session.execute(sa.select(Reconciliation.id, Reconciliation.office_ids)
                              .order_by(Reconciliation.id.desc())).all()
    ids = [rid for rid, offices in rows if set(offices) <= mine]
    chunk = ids[(page - 1) * per_page:page * per_page]
    items = list(db.session.scalars(sa.select(Reconciliation).where(Reconciliation.id.in_(chunk))
                                    .order_by(Reconciliation.id.desc()))) if chunk else []
    return Page(items=items, page=page, per_page=per_page, total=len(ids))


def get_reconciliation(reconciliation_id: int, user) -> Reconciliation:
    found = db.session.get(Reconciliation, reconciliation_id)
    if found is None or not set(found.office_ids) <= jq.office_ids(user):
        raise NotFound()
    return found


def owners_by_id(ids) -> dict[int, Owner]:
    return {o.id: o for o in db.session.scalars(sa.select(Owner).where(Owner.id.in_(set(ids))))}


def claims_by_id(ids) -> dict[int, Claim]:
    return {c.id: c for c in db.session.scalars(sa.select(Claim).options(selectinload(Claim.lines))
                                                .where(Claim.id.in_(set(ids))))}
