"""Paying scheme claims from the fund: reserved at approval, waiting when the money is short, released in approval
order when money arrives, debited when the payment is confirmed. One adult sheep killed assesses at 48,000.00."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
import time_machine

from claims.enums import Species
from claims.states import ClaimState
from conflict_service.audit.queries import events_for
from conflict_service.db import db
from conflict_service.errors import Conflict, NotEligible
from conflict_service.timeutil import utcnow
from insurance import operations
from insurance.enums import TransactionKind
from insurance.ledger import InsufficientFunds
from insurance.models import LedgerTransaction
from payouts import operations as payout_ops
from payouts.enums import PaymentMethod
from payouts.models import Payment
from tests.insurance.conftest import AWAITING, NOW

SHEEP = Decimal("48000.00")
SHEEP_SPECIES = Species.SHEEP


def postings(insurance) -> list[tuple]:
    txs = db.session.scalars(sa.select(LedgerTransaction).where(LedgerTransaction.fund_id == insurance.scheme.id)
                             .order_by(LedgerTransaction.seq))
    return [(tx.seq, tx.kind.value, tx.amount) for tx in txs]


def test_approval_reserves_the_amount_in_the_fund(insurance):
    insurance.contribute("100000")
    policy = insurance.enrol()
    claim = insurance.approve(insurance.verified(policy.owner))
    assert claim.status == ClaimState.APPROVED
    fund = insurance.fund()
    assert (fund["available"], fund["reserved"], fund["held"]) == (Decimal("52000"), SHEEP, Decimal("100000"))
    assert postings(insurance) == [(1, "contribution", Decimal("100000")), (2, "reservation", SHEEP)]


def test_a_payout_larger_than_the_fund_waits_for_funds(insurance):
    insurance.contribute("40000")
    claim = insurance.approve(insurance.verified(insurance.enrol().owner))
    assert claim.status == AWAITING
    db.session.commit()
    event = events_for("claim", claim.id)[-1]
    assert event.action == "claim.await_funds"
    assert event.data == {"total": "48000.00", "available": "40000.00", "currency": "AMD", "ahead": 0}
    assert insurance.fund()["available"] == Decimal("40000")  # nothing reserved, nothing negative
    assert insurance.fund()["awaiting_total"] == SHEEP


def test_money_arriving_releases_waiting_claims_in_approval_order(insurance):
    owners = [insurance.enrol().owner for _ in range(3)]
    big = insurance.approve(insurance.verified(owners[0], [{"count": 3}]))   # 144,000
    small = insurance.approve(insurance.verified(owners[1]))                  # 48,000
    assert [big.status, small.status] == [AWAITING, AWAITING]
    insurance.contribute("100000")  # enough for the small one, not for the first in line
    assert insurance.awaiting() == [big, small] and insurance.fund()["available"] == Decimal("100000")
    insurance.contribute("100000")  # 200,000: the big one (144,000), then 56,000 left for the small one
    assert [big.status, small.status] == [ClaimState.APPROVED, ClaimState.APPROVED]
    assert insurance.fund()["available"] == Decimal("8000")
    db.session.commit()
    release = events_for("claim", small.id)[-1]
    assert release.action == "claim.release_funds" and release.data["trigger"] == 2  # the 2nd contribution


def test_a_new_approval_queues_behind_waiting_claims(insurance):
    first = insurance.approve(insurance.verified(insurance.enrol().owner, [{"count": 3}]))  # 144,000 waits
    insurance.contribute("50000")
    second = insurance.approve(insurance.verified(insurance.enrol().owner))  # 48,000 would fit, but waits its turn
    assert [first.status, second.status] == [AWAITING, AWAITING]
    db.session.commit()
    assert events_for("claim", second.id)[-1].data["ahead"] == 1


def test_a_premium_from_another_office_releases_a_waiting_claim(insurance, make):
    am = insurance.am
    office2 = make.jurisdiction("GRS", "Goris office", parent=am.region)
    clerk2 = make.user("clerk", office2, username="clerk_goris")
    claim = insurance.approve(insurance.verified(insurance.enrol().owner))
    assert claim.status == AWAITING
    insurance.contribute("40000")
    owner2 = make.owner(clerk2, office2, herd=[{"species": SHEEP_SPECIES, "head_count": 100,
                                                "counted_on": NOW.date()}])
    data = {"owner_id": owner2.id, "season_id": insurance.season.id, "agreement_signed_on": NOW.date(),
            "lines": [{"species": SHEEP_SPECIES, "head_count": 5}]}
    policy2 = operations.enrol(data, clerk2)
    operations.record_premium(policy2, {"amount": Decimal("10000"), "paid_on": NOW.date(),
                                        "method": PaymentMethod.CASH}, clerk2)
    assert claim.status == ClaimState.APPROVED  # 40,000 + 10,000 ≥ 48,000, released with the clerk's premium
    db.session.commit()
    event = events_for("claim", claim.id)[-1]
    assert (event.action, event.actor_name) == ("claim.release_funds", "clerk_goris")


def test_confirming_the_payment_debits_the_fund(insurance):
    insurance.contribute("100000")
    claim = insurance.approve(insurance.verified(insurance.enrol().owner))
    payment = insurance.pay_claim(claim)
    assert claim.status == ClaimState.PAID and payment.amount == SHEEP
    fund = insurance.fund()
    assert (fund["held"], fund["available"], fund["reserved"], fund["payouts"]) == (
        Decimal("52000"), Decimal("52000"), 0, SHEEP)
    assert postings(insurance)[-1] == (3, "payout", SHEEP)


def test_a_failed_payment_keeps_the_money_reserved_for_the_next_batch(insurance):
    insurance.contribute("100000")
    claim = insurance.approve(insurance.verified(insurance.enrol().owner))
    batch = payout_ops.build_batch({"programme_id": insurance.scheme.id}, insurance.am.manager)
    payout_ops.approve_batch(batch, insurance.am.manager2)
    payment = db.session.scalars(sa.select(Payment).where(Payment.batch_id == batch.id)).one()
    payout_ops.fail_payment(payment, {"reason": "Wrong wallet"}, insurance.am.manager)
    assert claim.status == ClaimState.APPROVED and insurance.fund()["reserved"] == SHEEP
    insurance.pay_claim(claim)
    assert claim.status == ClaimState.PAID and insurance.fund()["held"] == Decimal("52000")


def test_late_interest_is_reserved_with_the_batch_and_given_back_if_the_payment_fails(insurance):
    insurance.scheme.late_interest_pct_per_year = Decimal(10)
    insurance.contribute("48000")
    claim = insurance.approve(insurance.verified(insurance.enrol().owner))  # due 30 days after approval
    with time_machine.travel(NOW + timedelta(days=30 + 73), tick=False):
        batch = payout_ops.build_batch({"programme_id": insurance.scheme.id}, insurance.am.manager)
        with pytest.raises(InsufficientFunds, match="late interest of AMD\xa0960.00"):
            with db.session.begin_nested():  # 48,000 × 10 % × 73/365 = 960.00, and the fund has nothing left
                payout_ops.approve_batch(batch, insurance.am.manager2)
        insurance.contribute("1000")
        payout_ops.approve_batch(batch, insurance.am.manager2)
        assert insurance.fund()["reserved"] == Decimal("48960")
        payment = db.session.scalars(sa.select(Payment).where(Payment.batch_id == batch.id)).one()
        payout_ops.fail_payment(payment, {"reason": "Account closed"}, insurance.am.manager)
    fund = insurance.fund()
    assert (fund["reserved"], fund["available"]) == (SHEEP, Decimal("1000"))
    assert claim.status == ClaimState.APPROVED


def test_schemes_pay_no_advances(insurance):
    insurance.scheme.advance_pct = Decimal(25)
    claim = insurance.verified(insurance.enrol().owner)
    with pytest.raises(NotEligible, match="without advances"):
        payout_ops.grant_advance(claim, insurance.am.manager)


# --- corrections --------------------------------------------------------------------------------------------------

def test_a_reversing_entry_restores_the_balance_exactly(insurance):
    insurance.contribute("100000")
    before = insurance.balances().by_account
    wrong = insurance.contribute("12345.67", donor="Typo")
    reversal = operations.correct(insurance.scheme, wrong, {"reason": "Typed twice"}, insurance.am.manager)
    assert insurance.balances().by_account == before
    assert reversal.kind == TransactionKind.REVERSAL and reversal.reverses_id == wrong.id
    with pytest.raises(Conflict, match="already reversed"):
        operations.correct(insurance.scheme, wrong, {"reason": "Again"}, insurance.am.manager)
    with pytest.raises(Conflict, match="itself a correction"):
        operations.correct(insurance.scheme, reversal, {"reason": "Undo"}, insurance.am.manager)


def test_a_correction_cannot_take_the_fund_below_zero(insurance):
    gift = insurance.contribute("48000")
    insurance.approve(insurance.verified(insurance.enrol().owner))  # all of it reserved
    with pytest.raises(InsufficientFunds, match="The fund has AMD\xa00.00 available; this needs AMD\xa048,000.00"):
        operations.correct(insurance.scheme, gift, {"reason": "Bounced"}, insurance.am.manager)


def test_reservations_and_payouts_are_not_corrected_by_hand(insurance):
    insurance.contribute("100000")
    insurance.approve(insurance.verified(insurance.enrol().owner))
    reservation = db.session.scalar(sa.select(LedgerTransaction).where(
        LedgerTransaction.kind == TransactionKind.RESERVATION))
    with pytest.raises(Conflict, match="follows a claim's approval or payment"):
        operations.correct(insurance.scheme, reservation, {"reason": "x"}, insurance.am.manager)


def test_a_reversed_premium_is_in_arrears_again(insurance):
    from insurance import queries

    policy = insurance.enrol(lines={"sheep": 10})  # 10 × 2,000 = 20,000 due
    payment = insurance.pay(policy, "20000")
    tx = db.session.scalar(sa.select(LedgerTransaction).where(LedgerTransaction.premium_payment_id == payment.id))
    operations.correct(insurance.scheme, tx, {"reason": "Counterfeit notes"}, insurance.am.manager)
    db.session.commit()
    assert queries.paid_by_policy([policy.id])[policy.id] == 0
    assert [e.action for e in events_for("insurance_policy", policy.id)][-1] == "insurance_policy.premium_reversed"


def test_the_ledger_is_append_only(insurance):
    tx = insurance.contribute("1000")
    tx.entries[0].amount = Decimal("999999")
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_the_fund_never_pays_more_than_it_holds(insurance):
    insurance.contribute("100000")
    claims = [insurance.approve(insurance.verified(insurance.enrol().owner)) for _ in range(3)]
    assert [c.status for c in claims] == [ClaimState.APPROVED, ClaimState.APPROVED, AWAITING]
    for claim in claims[:2]:
        insurance.pay_claim(claim)
    assert insurance.fund()["held"] == Decimal("4000") and insurance.fund()["available"] >= 0
    assert utcnow() == NOW
