"""Approved amounts and payments against their audit events (registered with the audit verification).

Someone who can write the database but not sign audit events could change an award's amount or a payment's
amount or state without an event: the audit verification then names the row whose event says otherwise.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import NamedTuple

import sqlalchemy as sa

from conflict_service.audit.consistency import Mismatch
from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from payouts.enums import PaymentStatus
from payouts.models import Award, Payment

# A claim's payment is audited on its claim; a registered subject's (a performance period's) on the payment itself.
STATE_ACTIONS = {
    PaymentStatus.SENT: {"claim.payment_sent", "payment.sent"},
    PaymentStatus.CONFIRMED: {"claim.pay", "claim.advance_paid", "payment.confirmed"},
    PaymentStatus.FAILED: {"claim.fail_payment", "claim.advance_failed", "payment.failed"},
}
PAYMENT_ACTIONS = set().union(*STATE_ACTIONS.values())
BATCH = 5000


def check() -> list[Mismatch]:
    """Every award and every sent, confirmed or failed payment that its last audit event contradicts."""
    return [*_awards(), *_payments()]


def _last_events(actions: set[str], key: str) -> dict:
    """The last event of these actions per claim (``key="claim"``) or per payment reference (``"reference"``)."""
    stmt = (sa.select(AuditEvent.seq, AuditEvent.action, AuditEvent.entity_id, AuditEvent.data)
            .where(AuditEvent.entity_type.in_(("claim", "payment")), AuditEvent.action.in_(actions))
            .order_by(AuditEvent.seq).execution_options(yield_per=BATCH))
    last = {}
    for row in db.session.execute(stmt):
        data = row.data or {}
        value = data.get("total" if key == "claim" else "amount")
        last[row.entity_id if key == "claim" else data.get("reference")] = Seen(row.seq, row.action, value)
    return last


class Seen(NamedTuple):
    seq: int
    action: str
    amount: str | None  # as the event recorded it


def _amount(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def _awards() -> list[Mismatch]:
    approvals = _last_events({"claim.approve"}, "claim")
    found = []
    stmt = sa.select(Award.claim_id, Award.total, Award.currency).execution_options(yield_per=BATCH)
    for award in db.session.execute(stmt):
        event = approvals.get(award.claim_id)
        if event is None:
            found.append(Mismatch(f"the award of claim #{award.claim_id} has no approval event."))
        elif _amount(event.amount) != award.total:
            found.append(Mismatch(f"the award of claim #{award.claim_id} is {award.total} {award.currency}, its "
                                  f"approval event (event {event.seq}) says {event.amount}.", event.seq))
    return found


def _payments() -> list[Mismatch]:
    events = _last_events(PAYMENT_ACTIONS, "reference")
    found = []
    stmt = (sa.select(Payment.reference, Payment.status, Payment.amount, Payment.currency)
            .where(Payment.status.in_(list(STATE_ACTIONS))).execution_options(yield_per=BATCH))
    for payment in db.session.execute(stmt):
        event = events.get(payment.reference)
        if event is None:
            found.append(Mismatch(f"payment {payment.reference} is {payment.status.value} without an audit event."))
        elif event.action not in STATE_ACTIONS[payment.status]:
            found.append(Mismatch(f"payment {payment.reference} is {payment.status.value}, its last event "
                                  f"(event {event.seq}) says {event.action}.", event.seq))
        elif _amount(event.amount) != payment.amount:
            found.append(Mismatch(f"payment {payment.reference} is for {payment.amount} {payment.currency}, its "
                                  f"event (event {event.seq}) says {event.amount}.", event.seq))
    return found
