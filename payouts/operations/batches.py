"""Payment batches: one manager builds a batch of one programme, another approves it, the file goes to the bank.

Building locks the claims it takes (in id order, so parallel builders queue instead of deadlocking) and
the partial unique index on payments refuses a second live payment of a kind for a claim, so a claim is
never in two open batches even if the locks were bypassed. A programme that pays registered subjects instead
of claims (``payouts.subjects``: performance periods) builds, sends and cancels them in ``subject_payments``.
"""

from __future__ import annotations

import logging
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from claims import clocks
from claims.models import Claim
from claims.queries import get_programme
from claims.states import ClaimAction, ClaimState, apply_action
from conflict_service.audit.operations import record
from conflict_service.db import db
from conflict_service.errors import Conflict, Forbidden, InvalidTransition
from conflict_service.i18n import round_money
from conflict_service.jurisdictions.queries import office_ids
from conflict_service.spreadsheets import csv_text, safe_account, safe_cell
from conflict_service.timeutil import local_today, utcnow
from payouts.breakdown import money_str
from payouts.engine import HUNDRED
from payouts.enums import BatchStatus, PaymentKind, PaymentStatus
from payouts.freezes import holds as freeze_holds
from payouts.funding import funding_of
from payouts.models import Award, Payment, PaymentBatch
from payouts.operations import subject_payments
from payouts.operations.payments import lock_batch, new_payment, refresh_payee, require_manager
from payouts.subjects import subjects_of

log = logging.getLogger(__name__)
CSV_HEADER = ("payee", "account_or_phone", "amount", "currency", "reference", "method")


def build_batch(data: dict, actor) -> PaymentBatch:
    """Batch what is waiting to be paid in a programme: approved claims and advances not yet sent."""
    require_manager(actor, _("Only a programme manager can build payment batches."))
    programme = get_programme(data["programme_id"], actor)
    subjects = subjects_of(programme)
    if subjects is not None:  # a programme paying registered subjects (performance periods), not claims
        batch, payments = subject_payments.build(programme, subjects, data, actor)
        return _created(batch, programme, payments, actor)
    wanted = set(data.get("claim_ids") or [])
    claims = _lock_waiting(programme.id, actor, wanted)
    if wanted:
        _check_all_available(wanted, claims, actor)
        _refuse_held(claims)
    held = freeze_holds.holds(claims)
    claims = [c for c in claims if c.id not in held]
    if not claims:
        raise Conflict(_("Nothing in {name} is waiting to be paid.").format(name=programme.local_name))
    batch = PaymentBatch(programme_id=programme.id, currency=programme.currency, created_by_id=actor.id,
                         note=(data.get("note") or "").strip())
    db.session.add(batch)
    db.session.flush()
    payments = [_add(batch, claim, actor) for claim in claims]
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict(_("Another batch took some of these claims at the same moment; reload and try again.")) from None
    return _created(batch, programme, payments, actor)


def _created(batch: PaymentBatch, programme, payments: list[Payment], actor) -> PaymentBatch:
    record("payment_batch.created", batch, actor=actor, data={
        "programme": programme.name, "payments": len(payments), "currency": batch.currency,
        "total": money_str(sum((p.amount for p in payments), Decimal(0)), batch.currency)})
    log.info("batch %s built with %s payments", batch.id, len(payments))
    return batch


def _lock_waiting(programme_id: int, actor, wanted: set[int]) -> list[Claim]:
    """Lock the claims with something to pay: approved, or holding an advance not yet in a batch."""
    unbatched_advance = sa.exists().where(Payment.claim_id == Claim.id, Payment.kind == PaymentKind.ADVANCE,
                                          Payment.status == PaymentStatus.PENDING, Payment.batch_id.is_(None))
    advance_in_flight = sa.exists().where(Payment.claim_id == Claim.id, Payment.kind == PaymentKind.ADVANCE,
                                          Payment.status.in_((PaymentStatus.PENDING, PaymentStatus.SENT)),
                                          Payment.batch_id.is_not(None))
    stmt = (sa.select(Claim).where(
        Claim.programme_id == programme_id, Claim.office_id.in_(office_ids(actor)),
        sa.or_(sa.and_(Claim.status == ClaimState.APPROVED, ~advance_in_flight),
               sa.and_(Claim.status.in_((ClaimState.VERIFIED, ClaimState.APPROVED)), unbatched_advance)))
        .order_by(Claim.id).with_for_update(of=Claim).execution_options(populate_existing=True))
    if wanted:
        stmt = stmt.where(Claim.id.in_(wanted))
    return list(db.session.scalars(stmt))


def _check_all_available(wanted: set[int], claims: list[Claim], actor) -> None:
    """Name the claims asked for that cannot be paid now; outside the user's offices, only the ids they typed."""
    missing = wanted - {c.id for c in claims}
    if not missing:
        return
    visible = dict(db.session.execute(sa.select(Claim.id, Claim.number).where(
        Claim.id.in_(missing), Claim.office_id.in_(office_ids(actor)))).all())
    names = sorted(visible.values()) + [f"#{i}" for i in sorted(missing - visible.keys())]
    raise Conflict(_("These claims are not waiting for payment (already in a batch, paid, or not approved): "
                     "{numbers}.").format(numbers=", ".join(names)))


def _refuse_held(claims: list[Claim]) -> None:
    """DESIGN §6: no payment to a claim in the area of an active retaliation freeze."""
    held = freeze_holds.holds(claims)
    if held:
        raise Conflict(_("Payments to these claims are held by a retaliation freeze: {claims}. A manager may lift "
                         "the freeze with a reason; otherwise it ends by itself.").format(
            claims=", ".join(_("{number} (until {date})").format(number=c.number, date=held[c.id].ends_on.isoformat())
                             for c in claims if c.id in held)))


def _add(batch: PaymentBatch, claim: Claim, actor) -> Payment:
    advance = db.session.scalars(sa.select(Payment).where(
        Payment.claim_id == claim.id, Payment.kind == PaymentKind.ADVANCE,
        Payment.status == PaymentStatus.PENDING, Payment.batch_id.is_(None))).first()
    if claim.status == ClaimState.VERIFIED:  # only the advance is due
        advance.batch_id = batch.id
        refresh_payee(advance, claim)
        record("claim.advance_batched", claim, actor=actor, data={"batch": batch.id, "reference": advance.reference})
        return advance
    if advance is not None:  # approved before its advance went out: pay everything in one payment
        advance.status = PaymentStatus.CANCELLED
        db.session.flush()
    payment = new_payment(claim, PaymentKind.FINAL, _final_principal(claim), actor, batch_id=batch.id)
    db.session.flush()
    apply_action(claim, ClaimAction.ADD_TO_BATCH, actor, data={"batch": batch.id, "reference": payment.reference})
    return payment


def _final_principal(claim: Claim) -> Decimal:
    """The approved amount less any advance already paid, never below zero."""
    award = db.session.scalar(sa.select(Award).where(Award.claim_id == claim.id))
    advanced = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Payment.amount), 0)).where(
        Payment.claim_id == claim.id, Payment.kind == PaymentKind.ADVANCE,
        Payment.status == PaymentStatus.CONFIRMED))
    return max(award.total - Decimal(advanced), Decimal(0))


def approve_batch(batch: PaymentBatch, actor) -> PaymentBatch:
    """A second manager releases the batch: late interest is fixed and every payment is sent."""
    require_manager(actor, _("Only a programme manager can approve payment batches."))
    batch = lock_batch(batch.id)
    if batch.status != BatchStatus.AWAITING_APPROVAL:
        raise InvalidTransition(_("This batch is {status}; only a batch awaiting approval can be approved.").format(
            status=str(batch.status.title).lower()))
    if batch.created_by_id == actor.id:
        raise Forbidden(_("You built this batch, so another manager must approve it."))
    now = utcnow()
    rows = db.session.execute(sa.select(Payment, Claim).join(Claim, Payment.claim_id == Claim.id)
                              .where(Payment.batch_id == batch.id).order_by(Payment.id)).all()
    _refuse_held([claim for _p, claim in rows])  # a killing recorded after the batch was built
    awards = {a.claim_id: a for a in db.session.scalars(sa.select(Award).where(
        Award.claim_id.in_([c.id for _p, c in rows])))}
    for payment, claim in rows:
        if payment.kind == PaymentKind.FINAL:
            add_late_interest(payment, awards[claim.id], claim)
    approved = funding_of(batch.programme).batch_approved
    if approved is not None:  # a fund has the approved amounts reserved already; the interest not yet
        approved(batch.programme, rows, actor)
    for payment, claim in rows:
        payment.status = PaymentStatus.SENT
        record("claim.payment_sent", claim, actor=actor, data={
            "batch": batch.id, "reference": payment.reference, "amount": money_str(payment.amount, payment.currency),
            "interest": money_str(payment.interest, payment.currency), "currency": payment.currency})
    sent = subject_payments.send(batch, actor)
    batch.status, batch.approved_at, batch.approved_by_id = BatchStatus.APPROVED, now, actor.id
    db.session.flush()
    for _payment, claim in rows:
        clocks.refresh(claim)  # a sent payment now waits for its confirmation
    record("payment_batch.approved", batch, actor=actor, data={"payments": len(rows) + sent})
    return batch


def add_late_interest(payment: Payment, award: Award, claim: Claim) -> None:
    """§5: simple interest at the programme's yearly rate for each day after the payment was due (days/365)."""
    rate = claim.programme.late_interest_pct_per_year or Decimal(0)
    days = max((local_today(claim.office.timezone) - award.due_on).days, 0)
    interest = round_money(payment.principal * rate / HUNDRED * days / Decimal(365), payment.currency)
    payment.interest, payment.interest_days = interest, days if interest else 0
    payment.amount = payment.principal + interest


def cancel_batch(batch: PaymentBatch, data: dict, actor) -> PaymentBatch:
    """Withdraw a batch before it is approved: its claims wait again, its advances go back to the queue."""
    require_manager(actor, _("Only a programme manager can cancel payment batches."))
    batch = lock_batch(batch.id)
    if batch.status != BatchStatus.AWAITING_APPROVAL:
        raise InvalidTransition(_("This batch is {status}; only a batch awaiting approval can be cancelled.").format(
            status=str(batch.status.title).lower()))
    reason = (data.get("reason") or "").strip() or None
    rows = db.session.execute(sa.select(Payment, Claim).join(Claim, Payment.claim_id == Claim.id)
                              .where(Payment.batch_id == batch.id).order_by(Claim.id)).all()
    for payment, claim in rows:
        payment.status = PaymentStatus.CANCELLED
        db.session.flush()
        if payment.kind == PaymentKind.FINAL:
            apply_action(claim, ClaimAction.REMOVE_FROM_BATCH, actor, reason=reason, data={"batch": batch.id})
        else:
            new_payment(claim, PaymentKind.ADVANCE, payment.principal, actor)
    cancelled = subject_payments.cancel(batch, subjects_of(batch.programme), actor)
    batch.status, batch.closed_at = BatchStatus.CANCELLED, utcnow()
    db.session.flush()
    record("payment_batch.cancelled", batch, actor=actor, reason=reason, data={"payments": len(rows) + cancelled})
    return batch


def payment_file(batch: PaymentBatch, actor) -> str:
    """The CSV for the bank or mobile-money operator: payee, account or phone, amount, currency, reference."""
    require_manager(actor, _("Only a programme manager can export payment files."))
    if batch.status not in (BatchStatus.APPROVED, BatchStatus.CLOSED):
        raise InvalidTransition(_("This batch is {status}; its payment file exists once the batch is approved.")
                                .format(status=str(batch.status.title).lower()))
    payments = db.session.scalars(sa.select(Payment).where(
        Payment.batch_id == batch.id, Payment.status != PaymentStatus.CANCELLED).order_by(Payment.id)).all()
    text = csv_text(((safe_cell(p.payee_name), safe_account(p.payee_account) or "", money_str(p.amount, p.currency),
                      p.currency, p.reference, p.method.value) for p in payments), CSV_HEADER, line_end="\n",
                    safe=False)
    if batch.exported_at is None:
        batch.exported_at = utcnow()
    record("payment_batch.exported", batch, actor=actor, data={"payments": len(payments)})
    return text
