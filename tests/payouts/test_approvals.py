"""Approval, dual approval above the threshold, rejection, the frozen breakdown, the cap at approval, advances."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from claims.enums import Predator, TimeOfDay
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.errors import Conflict, Forbidden, InvalidTransition, NotEligible
from conflict_service.timeutil import utcnow
from payouts import assessment, operations
from payouts.enums import PaymentKind, PaymentStatus, RejectReason
from payouts.models import Award, Decision, Payment
from tests.payouts.conftest import loss, set_rates

DAY = {"time_of_day": TimeOfDay.DAY}


@pytest.fixture
def ir(payouts, world):
    payouts.rates(world.ir)
    return world.ir


def test_approval_freezes_the_amount_and_the_breakdown(payouts, ir):
    claim = payouts.verified(ir, **DAY)  # 2 × 45,000,000
    result = operations.approve_claim(claim, {"note": "Clear leopard kill."}, ir.manager)
    assert claim.status == ClaimState.APPROVED and not result.awaiting_second
    award = db.session.scalar(sa.select(Award).where(Award.claim_id == claim.id))
    assert award.total == Decimal("90000000")
    assert award.breakdown["total"] == "90000000"
    assert award.breakdown["lines"][1] == {"step": "base", "code": "base_killed", "amount": "90000000",
                                           "params": {"rate": "45000000", "pct": "100", "count": 2,
                                                      "species": "sheep", "age_class": "adult", "outcome": "killed"}}
    # A new rate table does not change what was approved.
    set_rates(ir.programme, {("sheep", "adult"): "60000000"})
    view = assessment.view(claim)
    assert view["frozen"] and view["total"] == "90000000"
    assert view["lines"][1]["description"] == "2 × Sheep (Adult) killed, at IRR\xa045,000,000 each"


def test_payment_is_due_payment_sla_days_after_approval(payouts, ir):
    ir.programme.payment_sla_days = 14
    claim = payouts.approved(ir, **DAY)
    award = db.session.scalar(sa.select(Award).where(Award.claim_id == claim.id))
    assert (award.due_on - award.approved_at.date()).days in (14, 15)  # the office's local date + 14


def test_a_claim_that_is_not_payable_cannot_be_approved(payouts, ir):
    claim = payouts.verified(ir, predator=Predator.WOLF)
    with pytest.raises(NotEligible, match="not covered by the programme"):
        operations.approve_claim(claim, {}, ir.manager)
    assert claim.status == ClaimState.VERIFIED


def test_above_the_threshold_two_different_managers_approve(payouts, ir):
    ir.programme.dual_approval_threshold = Decimal("50000000")
    claim = payouts.verified(ir, **DAY)  # 90,000,000 > 50,000,000
    first = operations.approve_claim(claim, {"note": "ok"}, ir.manager)
    assert first.awaiting_second and claim.status == ClaimState.VERIFIED
    with pytest.raises(Forbidden, match="second, different manager"):
        operations.approve_claim(claim, {}, ir.manager)
    second = operations.approve_claim(claim, {}, ir.manager2)
    assert not second.awaiting_second and claim.status == ClaimState.APPROVED
    kinds = [(d.manager_id, d.is_final) for d in db.session.scalars(sa.select(Decision).order_by(Decision.id))]
    assert kinds == [(ir.manager.id, False), (ir.manager2.id, True)]


def test_at_the_threshold_one_approval_is_enough(payouts, ir):
    ir.programme.dual_approval_threshold = Decimal("90000000")
    claim = payouts.verified(ir, **DAY)  # exactly 90,000,000: not above
    assert not operations.approve_claim(claim, {}, ir.manager).awaiting_second
    assert claim.status == ClaimState.APPROVED


def test_a_first_approval_of_another_amount_does_not_count(payouts, ir):
    ir.programme.dual_approval_threshold = Decimal("50000000")
    claim = payouts.verified(ir, **DAY)
    operations.approve_claim(claim, {}, ir.manager)  # 90,000,000
    set_rates(ir.programme, {("sheep", "adult"): "46000000"})  # now 92,000,000
    result = operations.approve_claim(claim, {}, ir.manager2)
    assert result.awaiting_second and claim.status == ClaimState.VERIFIED
    final = operations.approve_claim(claim, {}, ir.manager)
    assert final.award.total == Decimal("92000000")


def test_the_household_cap_applies_at_approval(payouts, ir, make):
    ir.programme.household_annual_cap = Decimal("100000000")
    owner = make.owner(ir.clerk, ir.office)
    one = payouts.verified(ir, owner=owner, **DAY)
    two = payouts.verified(ir, owner=owner, **DAY)
    # Both assessed at 90,000,000 while neither is approved; the second approval sees the first.
    operations.approve_claim(one, {}, ir.manager)
    result = operations.approve_claim(two, {}, ir.manager)
    assert result.award.total == Decimal("10000000")  # 100,000,000 − 90,000,000


def test_reject_records_the_reason_code_and_note(payouts, ir):
    claim = payouts.verified(ir, **DAY)
    operations.reject_claim(claim, {"reason_code": RejectReason.DUPLICATE, "note": "Same as IR-OFF-2026-000001"},
                            ir.manager)
    assert claim.status == ClaimState.REJECTED
    decision = db.session.scalar(sa.select(Decision))
    assert decision.reason_code == RejectReason.DUPLICATE and "000001" in decision.note
    with pytest.raises(InvalidTransition, match="rejected, so “approve” is not possible"):
        operations.approve_claim(claim, {}, ir.manager)


def test_advance_is_a_share_of_the_assessed_amount_and_the_rest_follows_approval(payouts, ir):
    ir.programme.advance_pct = Decimal(30)
    claim = payouts.verified(ir, **DAY)  # 90,000,000
    advance = operations.grant_advance(claim, ir.manager)
    assert (advance.kind, advance.status, advance.amount) == (PaymentKind.ADVANCE, PaymentStatus.PENDING,
                                                              Decimal("27000000"))  # 30 %
    with pytest.raises(Conflict, match="already given"):
        operations.grant_advance(claim, ir.manager2)
    batch = payouts.batch(ir)
    operations.confirm_payment(advance, {"reference": "BANK-1", "paid_at": utcnow()}, ir.manager)
    assert claim.status == ClaimState.VERIFIED  # an advance does not decide the claim
    operations.approve_claim(claim, {}, ir.manager)
    final_batch = payouts.batch(ir)
    final = db.session.scalar(sa.select(Payment).where(
        Payment.batch_id == final_batch.id))
    assert final.amount == Decimal("63000000")  # 90,000,000 − 27,000,000 advanced
    assert batch.id != final_batch.id


def test_no_advance_when_the_programme_pays_none(payouts, ir):
    claim = payouts.verified(ir, **DAY)
    with pytest.raises(NotEligible, match="does not pay advances"):
        operations.grant_advance(claim, ir.manager)


def test_advance_rounds_to_the_currency(payouts, world):
    am = world.am
    set_rates(am.programme, {("sheep", "adult"): "60000.55"})
    am.programme.advance_pct = Decimal(25)
    claim = payouts.verified(am, verified_lines=[loss()], **DAY)
    # 60,000.55 × 25 % = 15,000.1375 → 15,000.14 AMD
    assert operations.grant_advance(claim, am.manager).amount == Decimal("15000.14")


def test_an_approved_claim_with_an_advance_still_unbatched_is_paid_in_one_payment(payouts, ir):
    ir.programme.advance_pct = Decimal(30)
    claim = payouts.verified(ir, **DAY)
    advance = operations.grant_advance(claim, ir.manager)
    operations.approve_claim(claim, {}, ir.manager2)
    batch = payouts.batch(ir)
    paid = db.session.scalars(sa.select(Payment).where(
        Payment.batch_id == batch.id)).all()
    assert [(p.kind, p.amount) for p in paid] == [(PaymentKind.FINAL, Decimal("90000000"))]
    assert advance.status == PaymentStatus.CANCELLED


def test_rejecting_cancels_an_advance_that_was_not_sent(payouts, ir):
    ir.programme.advance_pct = Decimal(30)
    claim = payouts.verified(ir, **DAY)
    advance = operations.grant_advance(claim, ir.manager)
    operations.reject_claim(claim, {"reason_code": RejectReason.FALSE_CLAIM}, ir.manager2)
    assert advance.status == PaymentStatus.CANCELLED


def test_an_old_first_approval_does_not_survive_an_appeal(payouts, ir):
    ir.programme.dual_approval_threshold = Decimal("1")
    claim = payouts.verified(ir, **DAY)
    operations.approve_claim(claim, {}, ir.manager)
    operations.reject_claim(claim, {"reason_code": RejectReason.INSUFFICIENT_EVIDENCE}, ir.manager2)
    from claims.states import ClaimAction, apply_action
    from verification.models import Verification
    apply_action(claim, ClaimAction.APPEAL, ir.clerk)
    claim.assigned_verifier_id = ir.verifier2.id
    v = db.session.scalar(sa.select(Verification))
    db.session.add(Verification(claim_id=claim.id, verifier_id=ir.verifier2.id, round=2, visited_at=utcnow(),
                                predator=v.predator, confidence=v.confidence, outcome=v.outcome,
                                lines=[type(v.lines[0])(species=ln.species, age_class=ln.age_class,
                                                        outcome=ln.outcome, count=ln.count) for ln in v.lines]))
    db.session.flush()
    apply_action(claim, ClaimAction.VERIFY_CONFIRM, ir.verifier2)
    # The manager who approved before the appeal approves first again; a second manager is still needed.
    assert operations.approve_claim(claim, {}, ir.manager).awaiting_second
    assert not operations.approve_claim(claim, {}, ir.manager2).awaiting_second


def test_approving_late_claims_days_are_counted_from_the_incident(payouts, ir):
    claim = payouts.verified(ir, incident_at=utcnow() - timedelta(days=5), **DAY)
    assert operations.approve_claim(claim, {}, ir.manager).award.total == Decimal("45000000")  # × 50 %
