"""The payment stages' clocks (DESIGN §6), registered into claims.clocks by ``create_app``.

An approved claim waits for its payment until the end of the award's ``due_on`` at the office; once its payment
is sent (the batch approved), it waits for the confirmation ``confirmation_sla_days`` after the batch's approval.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from claims import clocks
from claims.enums import Clock
from claims.models import Claim
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.timeutil import day_start
from payouts.enums import PaymentKind, PaymentStatus
from payouts.models import Award, Payment, PaymentBatch


def _payment(claim: Claim):
    due_on = db.session.scalar(sa.select(Award.due_on).where(Award.claim_id == claim.id))
    if due_on is None:
        return None
    return Clock.PAYMENT, day_start(due_on + timedelta(days=1), claim.office.timezone)


def _in_payment(claim: Claim):
    approved_at = db.session.scalar(
        sa.select(PaymentBatch.approved_at).join(Payment, Payment.batch_id == PaymentBatch.id)
        .where(Payment.claim_id == claim.id, Payment.kind == PaymentKind.FINAL, Payment.status == PaymentStatus.SENT))
    if approved_at is None:
        return _payment(claim)
    return Clock.CONFIRMATION, approved_at + timedelta(days=claim.programme.confirmation_sla_days)


def init_app(_app=None) -> None:
    for state in (ClaimState.APPROVED, ClaimState.AWAITING_FUNDS):
        clocks.register(state, _payment)
    clocks.register(ClaimState.IN_PAYMENT, _in_payment)
