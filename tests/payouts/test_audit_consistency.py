"""The audit verification compares approved amounts and payments with their events (issue 16, item 10)."""

from decimal import Decimal

import sqlalchemy as sa

from claims.enums import TimeOfDay
from conflict_service.audit.operations import run_chain_check
from conflict_service.db import db
from conflict_service.timeutil import utcnow
from payouts import operations
from payouts.enums import PaymentStatus
from payouts.models import Award, Payment

DAY = {"time_of_day": TimeOfDay.DAY}


def _paid_and_sent(payouts, world):
    payouts.rates(world.ir)
    paid, sent = payouts.approved(world.ir, **DAY), payouts.approved(world.ir, **DAY)
    batch = payouts.batch(world.ir)
    payments = db.session.scalars(sa.select(Payment).where(Payment.batch_id == batch.id).order_by(Payment.id)).all()
    operations.confirm_payment(payments[0], {"reference": "TRX-1", "paid_at": utcnow()}, world.ir.manager)
    db.session.commit()
    return paid, sent, payments


def test_untouched_records_agree_with_their_events(payouts, world):
    _paid_and_sent(payouts, world)
    check = run_chain_check("auditor_ir")
    assert check.is_intact, check.problem


def test_a_payment_amount_changed_in_the_database_is_named(payouts, world):
    _paid_and_sent(payouts, world)
    payment = db.session.scalars(sa.select(Payment).order_by(Payment.id)).first()
    db.session.execute(sa.update(Payment).where(Payment.id == payment.id).values(amount=Decimal("999999999")))
    check = run_chain_check("auditor_ir")
    assert not check.is_intact and check.head_seq is None and check.signature is None  # no checkpoint
    assert f"payment {payment.reference} is for 999999999" in check.problem and check.first_bad_seq


def test_a_payment_state_changed_without_an_event_is_named(payouts, world):
    _paid_and_sent(payouts, world)
    sent = db.session.scalars(sa.select(Payment).where(Payment.status == PaymentStatus.SENT)).one()
    db.session.execute(sa.update(Payment).where(Payment.id == sent.id).values(status=PaymentStatus.CONFIRMED))
    check = run_chain_check("auditor_ir")
    assert not check.is_intact and f"payment {sent.reference} is confirmed" in check.problem
    assert "claim.payment_sent" in check.problem


def test_an_approved_amount_changed_in_the_database_is_named(payouts, world):
    paid, _sent, _payments = _paid_and_sent(payouts, world)
    db.session.execute(sa.update(Award).where(Award.claim_id == paid.id).values(total=Award.total + 1))
    check = run_chain_check("auditor_ir")
    assert not check.is_intact and f"the award of claim #{paid.id}" in check.problem
