"""Batches, sending and cancelling for programmes that pay registered subjects instead of claims.

The subject's package locks its payable subjects (in id order, so parallel builders queue) and refuses any asked
for that cannot be paid; the partial unique index on payments refuses a second live payment of one part even if the
locks were bypassed, so a subject is never in two open batches and never paid twice.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from claims.models import Programme
from conflict_service.audit.operations import record
from conflict_service.db import db
from conflict_service.errors import Conflict
from payouts.breakdown import money_str
from payouts.enums import PaymentKind, PaymentStatus
from payouts.models import Payment, PaymentBatch
from payouts.subjects import Due, Part, Subjects


def build(programme: Programme, subjects: Subjects, data: dict, actor) -> tuple[PaymentBatch, list[Payment]]:
    """A batch of ``programme`` paying every part due of its payable subjects (or of those asked for)."""
    dues = [d for d in subjects.lock_due(programme, actor, set(data.get("subject_ids") or [])) if d.parts]
    if not dues:
        raise Conflict(_("Nothing in {name} is waiting to be paid.").format(name=programme.local_name))
    batch = PaymentBatch(programme_id=programme.id, currency=programme.currency, created_by_id=actor.id,
                         note=(data.get("note") or "").strip())
    db.session.add(batch)
    db.session.flush()
    payments = [new_payment(subjects, due, part, programme.currency, actor, batch.id)
                for due in dues for part in due.parts]
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict(_("Another batch took some of these payments at the same moment; reload and try again.")
                       ) from None
    for due in dues:
        subjects.batched(due.subject_id, batch, actor)
    return batch, payments


def new_payment(subjects: Subjects, due: Due, part: Part, currency: str, actor, batch_id: int) -> Payment:
    previous = db.session.scalar(sa.select(sa.func.count()).select_from(Payment).where(
        Payment.subject == subjects.name, Payment.subject_id == due.subject_id,
        Payment.subject_part == part.part)) or 0
    payment = Payment(subject=subjects.name, subject_id=due.subject_id, subject_part=part.part,
                      jurisdiction_id=due.jurisdiction_id, batch_id=batch_id, kind=PaymentKind.FINAL,
                      status=PaymentStatus.PENDING, reference=f"{part.reference}-{previous + 1}", currency=currency,
                      principal=part.principal, interest=Decimal(0), amount=part.principal, method=part.method,
                      payee_name=part.payee_name, payee_account=part.account, created_by_id=actor.id)
    db.session.add(payment)
    return payment


def in_batch(batch_id: int) -> list[Payment]:
    return list(db.session.scalars(sa.select(Payment).where(
        Payment.batch_id == batch_id, Payment.subject.is_not(None)).order_by(Payment.id)))


def send(batch: PaymentBatch, actor) -> int:
    """The batch is approved: each subject payment is sent (no late interest: a subject has no due date)."""
    payments = [p for p in in_batch(batch.id) if p.status == PaymentStatus.PENDING]
    for payment in payments:
        payment.status = PaymentStatus.SENT
        record("payment.sent", payment, actor=actor, data=event(payment) | {"batch": batch.id})
    return len(payments)


def cancel(batch: PaymentBatch, subjects: Subjects | None, actor) -> int:
    """The batch is withdrawn: its subject payments are cancelled and the subjects are payable again."""
    payments = [p for p in in_batch(batch.id) if p.status == PaymentStatus.PENDING]
    for payment in payments:
        payment.status = PaymentStatus.CANCELLED
    db.session.flush()
    for subject_id in sorted({p.subject_id for p in payments}):
        subjects.unbatched(subject_id, batch, actor)
    return len(payments)


def event(payment: Payment) -> dict:
    """What a subject payment's audit events record."""
    return {"reference": payment.reference, "amount": money_str(payment.amount, payment.currency),
            "currency": payment.currency, "subject": payment.subject, "subject_id": payment.subject_id,
            "part": payment.subject_part}
