"""The payouts demo step, on top of the core and claims steps, with and without verified claims."""

import random
from datetime import timedelta

import sqlalchemy as sa

from claims import demo as claims_demo
from claims.enums import Confidence, Predator
from claims.models import Claim
from claims.states import ClaimAction, ClaimState, apply_action
from conflict_service import demo as core_demo
from conflict_service.audit.chain import verify_chain
from conflict_service.db import db
from conflict_service.timeutil import clock_at, utcnow
from payouts import demo as payouts_demo
from payouts.enums import BatchStatus, PaymentMethod
from payouts.models import Award, Decision, Payment, PaymentBatch, RateTable, Reconciliation
from payouts.queries import overdue
from verification.enums import VerificationOutcome
from verification.models import Verification, VerifiedLossLine


def stand_in_verification(context):
    """What the verification demo step will do, roughly: confirm most claims a day or two after filing."""
    rng, users, now = random.Random(5), context["users"], utcnow()
    for claim in sorted(context["claims"], key=lambda c: c.filed_at):
        visited = claim.filed_at + timedelta(hours=rng.uniform(6, 60))
        if claim.status != ClaimState.SUBMITTED or rng.random() < 0.2 or visited > now - timedelta(hours=1):
            continue
        ir = claim.office.country_code == "IR"
        verifier = users["verifier_ir" if ir else "verifier_am"]
        with clock_at(claim.filed_at + timedelta(hours=2)):
            claim.assigned_verifier_id = verifier.id
            apply_action(claim, ClaimAction.ASSIGN, users["clerk_ir" if ir else "clerk_am"])
        with clock_at(visited):
            db.session.add(Verification(
                claim_id=claim.id, verifier_id=verifier.id, visited_at=visited, outcome=VerificationOutcome.CONFIRMED,
                predator=rng.choices([Predator.LEOPARD, Predator.WOLF], [9, 1])[0], confidence=Confidence.PROBABLE,
                lines=[VerifiedLossLine(position=i, species=ln.species, age_class=ln.age_class, outcome=ln.outcome,
                                        count=ln.count) for i, ln in enumerate(claim.lines)]))
            db.session.flush()
            apply_action(claim, ClaimAction.VERIFY_CONFIRM, verifier)


def run(steps):
    context = {"seed": 2026}
    for step in steps:
        step(context)
        db.session.flush()
    db.session.commit()
    return context


def test_demo_carries_verified_claims_through_approval_and_payment(ctx):
    context = run([core_demo.load, claims_demo.load, stand_in_verification, payouts_demo.load])
    ir, am = context["programmes"]["IR-RKH-DRG"], context["programmes"]["AM-SU-KPN"]
    states = dict(db.session.execute(sa.select(Claim.status, sa.func.count()).where(Claim.programme_id == ir.id)
                                     .group_by(Claim.status)).all())
    assert states[ClaimState.PAID] > 20 and states[ClaimState.IN_PAYMENT] >= 1 and states[ClaimState.VERIFIED] >= 1
    assert states.get(ClaimState.APPROVED, 0) >= 1
    batches = set(db.session.scalars(sa.select(PaymentBatch.status)))
    assert batches == {BatchStatus.CLOSED, BatchStatus.APPROVED, BatchStatus.AWAITING_APPROVAL}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reconciliation)) >= 1
    assert overdue(context["users"]["manager_ir"])
    # Insurance-scheme claims are left to the insurance demo step: none is approved here.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Award).where(Award.programme_id == am.id)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RateTable).where(RateTable.programme_id == am.id))
    # Batches are never approved by the manager who built them.
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(PaymentBatch).where(
        PaymentBatch.approved_by_id == PaymentBatch.created_by_id))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision).where(Decision.is_final.is_(False)))
    # Iran pays into bank accounts by Sheba number (a valid IBAN), as its programmes do; nobody by mobile money.
    iranian = db.session.scalars(sa.select(Payment).where(Payment.currency == "IRR")).all()
    assert iranian and {p.method for p in iranian} == {PaymentMethod.BANK}
    assert all(_valid_iban(p.payee_account) and p.payee_account.startswith("IR") for p in iranian)
    # A statement lists the payments of the account it comes from only.
    for reconciliation in db.session.scalars(sa.select(Reconciliation)):
        methods = {db.session.get(Payment, r["payment_id"]).method for r in reconciliation.results
                   if r.get("payment_id") and r["code"] == "matched"}
        assert len(methods) <= 1, reconciliation.filename
    assert verify_chain().is_intact


def _valid_iban(number: str) -> bool:
    """ISO 13616: the first four characters moved to the end, letters as numbers (A = 10), mod 97 is 1."""
    moved = number[4:] + number[:4]
    return len(number) == 26 and int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def test_demo_without_verified_claims_only_sets_rules_and_rates(ctx):
    context = run([core_demo.load, claims_demo.load, payouts_demo.load])
    assert context["batches"] == []
    ir = context["programmes"]["IR-RKH-DRG"]
    assert ir.dual_approval_threshold == 150_000_000
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RateTable)) == 3
