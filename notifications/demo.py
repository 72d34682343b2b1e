"""Demo data: a few owners who agreed to SMS, the messages their claims queued, one the gateway refused; in Herat,
owners texted in Dari and in Pashto, one of them told that his claim was paid in afghanis."""

from __future__ import annotations

import sqlalchemy as sa

from claims.models import Claim
from conflict_service.db import db
from conflict_service.timeutil import local_date, utcnow
from notifications.enums import ConsentChannel, ConsentSource, MessageState, Template
from notifications.models import OutboxMessage
from notifications.operations import queue_for_owner, set_consent
from notifications.subscribers import _filed, _paid
from payouts.enums import PaymentStatus
from payouts.models import Payment


def load(context: dict) -> None:
    claims = db.session.scalars(sa.select(Claim).order_by(Claim.id)).all()
    seen: set[int] = set()
    for claim in claims:
        owner = claim.owner
        if owner.id in seen or not owner.phone or len(seen) >= 6:
            continue
        seen.add(owner.id)
        set_consent(owner, {"channel": ConsentChannel.SMS, "language": owner.preferred_language,
                            "recorded_on": local_date(claim.filed_at, owner.office.timezone),
                            "source": ConsentSource.OFFICE}, claim.filed_by)
        queue_for_owner(claim, Template.FILED, _filed(claim, {}), key=f"filed:claim:{claim.id}:1")
    _herat()
    failed = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id).limit(1)).first()
    if failed is not None:
        failed.state, failed.attempts, failed.last_error = MessageState.FAILED, 1, "HTTP 400: invalid number"
        failed.next_attempt_at = utcnow()
    db.session.flush()


def _herat() -> None:
    """Two Dari-speaking and two Pashto-speaking Herat owners agreed to SMS: their newest claim's receipt, and the
    payment of their newest paid claim."""
    claims = db.session.scalars(sa.select(Claim).where(Claim.number.like("AF-%")).order_by(Claim.id.desc())).all()
    chosen: dict[int, Claim] = {}
    for language in ("fa_AF", "ps"):
        owners = {c.owner_id: c for c in claims if c.owner.preferred_language == language and c.owner.phone}
        chosen.update(list(owners.items())[:2])
    for claim in chosen.values():
        owner = claim.owner
        set_consent(owner, {"channel": ConsentChannel.SMS, "language": owner.preferred_language,
                            "recorded_on": local_date(claim.filed_at, owner.office.timezone),
                            "source": ConsentSource.OFFICE}, claim.filed_by)
        queue_for_owner(claim, Template.FILED, _filed(claim, {}), key=f"filed:claim:{claim.id}:1")
        payment = db.session.scalars(sa.select(Payment).join(Claim, Claim.id == Payment.claim_id).where(
            Claim.owner_id == owner.id, Payment.status == PaymentStatus.CONFIRMED).order_by(Payment.id.desc())).first()
        if payment is not None:
            paid = db.session.get(Claim, payment.claim_id)
            data = {"amount": payment.amount, "currency": payment.currency, "reference": payment.reference,
                    "external_reference": payment.external_reference}
            queue_for_owner(paid, Template.PAID, _paid(paid, data), key=f"paid:claim:{paid.id}:1")
