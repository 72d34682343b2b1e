"""Single payments: create one for a claim, confirm it as paid, or mark it failed (a claim's, or a registered
subject's: its package's hook then moves the subject).

Locks are always taken in the same order — batch, then payment, then claim — so that parallel
confirmations (by hand and from a bank statement) wait for each other instead of deadlocking.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from claims.models import Claim, Owner
from claims.states import ClaimAction, apply_action
from conflict_service.audit.operations import record
from conflict_service.db import db, lock_row
from conflict_service.errors import Forbidden, InvalidTransition, NotFound, ValidationError
from conflict_service.i18n import format_date, format_datetime
from conflict_service.jurisdictions.models import Jurisdiction
from conflict_service.jurisdictions.queries import office_ids, scope_ids
from conflict_service.timeutil import local_date, local_today, utcnow
from payouts.breakdown import money_str
from payouts.enums import BatchStatus, PaymentKind, PaymentStatus
from payouts.funding import funding_of
from payouts.models import Payment, PaymentBatch
from payouts.operations.accounts import payee_details
from payouts.operations.subject_payments import event as subject_event
from payouts.permissions import can_manage_payouts
from payouts.subjects import subjects_named

log = logging.getLogger(__name__)
CLOCK_SKEW = timedelta(minutes=5)


def require_manager(actor, message=None) -> None:
    if not can_manage_payouts(actor):
        raise Forbidden(message or _("Only a programme manager can do this."))


def new_payment(claim: Claim, kind: PaymentKind, principal: Decimal, actor, *, batch_id: int | None = None) -> Payment:
    """A payment to the claim's owner, with the payee's details as they are now."""
    previous = db.session.scalar(sa.select(sa.func.count()).select_from(Payment)
                                 .where(Payment.claim_id == claim.id, Payment.kind == kind)) or 0
    owner = owner_of(claim)
    method, account = payee_details(owner)
    payment = Payment(claim_id=claim.id, batch_id=batch_id, kind=kind, status=PaymentStatus.PENDING,
                      reference=f"{claim.number}-{'A' if kind == PaymentKind.ADVANCE else 'F'}{previous + 1}",
                      currency=claim.programme.currency, principal=principal, interest=Decimal(0),
                      amount=principal, method=method, payee_name=owner.name, payee_account=account,
                      created_by_id=actor.id)
    db.session.add(payment)
    return payment


def owner_of(claim: Claim) -> Owner:
    return db.session.get(Owner, claim.owner_id)


def refresh_payee(payment: Payment, claim: Claim) -> None:
    owner = owner_of(claim)
    payment.method, payment.payee_account = payee_details(owner)
    payment.payee_name = owner.name


def lock_batch(batch_id: int) -> PaymentBatch:
    return lock_row(PaymentBatch, batch_id)


def lock_payment(payment_id: int) -> Payment:
    return lock_row(Payment, payment_id)


def _claim_of(payment: Payment, actor) -> Claim | None:
    """The claim a payment pays (None for a registered subject's payment), refused outside the user's reach."""
    if payment.subject is not None:
        if payment.jurisdiction_id not in scope_ids(actor):
            raise NotFound()
        return None
    claim = db.session.get(Claim, payment.claim_id)
    if claim is None or claim.office_id not in office_ids(actor):
        raise NotFound()
    return claim


def _settle_start(payment: Payment, actor) -> tuple[PaymentBatch, Payment, Claim | None]:
    require_manager(actor, _("Only a programme manager can confirm or fail payments."))
    if payment.batch_id is None:
        raise InvalidTransition(_("This payment is not in a batch yet, so it has not been sent."))
    batch = lock_batch(payment.batch_id)
    payment = lock_payment(payment.id)
    claim = _claim_of(payment, actor)
    if payment.status != PaymentStatus.SENT:
        raise InvalidTransition(_("This payment is {status}; only a sent payment can be confirmed or failed.").format(
            status=str(payment.status.title).lower()))
    return batch, payment, claim


def confirm_payment(payment: Payment, data: dict, actor, *, source: str = "manual") -> Payment:
    """Record that the money arrived: the claim becomes paid (an advance leaves the claim where it is)."""
    batch, payment, claim = _settle_start(payment, actor)
    paid_at = _paid_moment(data, batch, _timezone(payment, claim))
    payment.status, payment.external_reference, payment.paid_at = PaymentStatus.CONFIRMED, data["reference"], paid_at
    payment.settled_at, payment.settled_by_id = utcnow(), actor.id
    db.session.flush()
    event = {"reference": payment.reference, "external_reference": data["reference"], "paid_at": paid_at,
             "amount": money_str(payment.amount, payment.currency), "currency": payment.currency, "source": source}
    if claim is None:
        record("payment.confirmed", payment, actor=actor, data=subject_event(payment) | event)
        subjects_named(payment.subject).paid(payment.subject_id, payment, actor)
    elif payment.kind == PaymentKind.FINAL:
        apply_action(claim, ClaimAction.PAY, actor, data=event)
        paid = funding_of(claim.programme).payment_paid
        if paid is not None:  # debited from the scheme's fund with the confirmation
            paid(claim, payment, actor)
    else:
        record("claim.advance_paid", claim, actor=actor, data=event)
    _close_if_settled(batch, actor)
    log.info("payment %s confirmed (%s)", payment.reference, source)
    return payment


def fail_payment(payment: Payment, data: dict, actor) -> Payment:
    """Record that a payment did not arrive; the claim goes back to approved, with the reason kept."""
    batch, payment, claim = _settle_start(payment, actor)
    reason = data["reason"].strip()
    payment.status, payment.failure_reason = PaymentStatus.FAILED, reason
    payment.settled_at, payment.settled_by_id = utcnow(), actor.id
    db.session.flush()
    event = {"reference": payment.reference, "amount": money_str(payment.amount, payment.currency),
             "currency": payment.currency}
    if claim is None:
        record("payment.failed", payment, actor=actor, reason=reason, data=subject_event(payment))
        subjects_named(payment.subject).failed(payment.subject_id, payment, actor)
    elif payment.kind == PaymentKind.FINAL:
        apply_action(claim, ClaimAction.FAIL_PAYMENT, actor, reason=reason, data=event)
        failed = funding_of(claim.programme).payment_failed
        if failed is not None:
            failed(claim, payment, actor)
    else:
        record("claim.advance_failed", claim, actor=actor, reason=reason, data=event)
    _close_if_settled(batch, actor)
    return payment


def _timezone(payment: Payment, claim: Claim | None) -> str:
    """Where a statement's day is read: the claim's office, or the subject's jurisdiction."""
    if claim is not None:
        return claim.office.timezone
    return db.session.get(Jurisdiction, payment.jurisdiction_id).timezone


def _paid_moment(data: dict, batch: PaymentBatch, tz: str) -> datetime:
    """When the money arrived. An instant (``paid_at``) is compared with the batch's approval as an instant; a day
    (``paid_on``: a bank statement's date, the form's day) is the office's local day and is compared as a day, and
    is recorded as that day's start, or the approval itself on the approval's day, so that no duration measured
    from the approval is ever negative."""
    approved = batch.approved_at
    day = data.get("paid_on")
    if day is not None:
        if day > local_today(tz):
            raise ValidationError.field("paid_on", _("The payment date cannot be in the future."))
        if approved and day < local_date(approved, tz):
            raise ValidationError.field("paid_on", _("The payment cannot have been made before its batch was "
                                                     "approved ({date}).").format(
                date=format_date(local_date(approved, tz))))
        start = local_midnight(day, tz)
        return max(start, approved) if approved else start
    paid_at = data["paid_at"]
    if paid_at > utcnow() + CLOCK_SKEW:
        raise ValidationError.field("paid_at", _("The payment date cannot be in the future."))
    if approved and paid_at < approved:
        raise ValidationError.field("paid_at", _("The payment cannot have been made before its batch was approved "
                                                 "({moment}).").format(
            moment=format_datetime(approved, tz=tz, with_zone=True)))
    return paid_at


def _close_if_settled(batch: PaymentBatch, actor) -> None:
    """A batch closes when none of its payments is still waiting for the bank."""
    waiting = db.session.scalar(sa.select(sa.func.count()).select_from(Payment).where(
        Payment.batch_id == batch.id, Payment.status == PaymentStatus.SENT))
    if waiting == 0 and batch.status == BatchStatus.APPROVED:
        batch.status, batch.closed_at = BatchStatus.CLOSED, utcnow()
        db.session.flush()
        record("payment_batch.closed", batch, actor=actor)


def local_midnight(day, tz: str) -> datetime:
    """A statement gives only a date: its start at the office keeps the local date and is never in the future."""
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz))
