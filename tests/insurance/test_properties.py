"""Random sequences of premiums, contributions, approvals, payouts and corrections keep the fund's invariants.

Each example runs inside a savepoint rolled back at its end, on the same four policies (50 sheep each, 100,000
due) and six verified claims (1 to 3 sheep killed: 48,000 each).
"""

from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.errors import ValidationError
from insurance import operations, queries
from insurance.enums import CORRECTABLE
from insurance.ledger import InsufficientFunds, reversal_of
from insurance.models import LedgerTransaction
from payouts.models import Award
from tests.insurance.conftest import forget_rolled_back_rows

COUNTS = [1, 1, 2, 3, 1, 2]
RESERVED_STATES = (ClaimState.APPROVED, ClaimState.IN_PAYMENT)
MONEY = st.decimals(min_value=Decimal(1000), max_value=Decimal(300000), places=0)
STEPS = st.lists(st.one_of(
    st.tuples(st.just("contribution"), MONEY),
    st.tuples(st.just("premium"), st.integers(0, 3), MONEY),
    st.tuples(st.just("approve"), st.integers(0, len(COUNTS) - 1)),
    st.tuples(st.just("pay"), st.integers(0, len(COUNTS) - 1)),
    st.tuples(st.just("correct"), st.integers(0, 30)),
), min_size=1, max_size=16)


@pytest.fixture
def scene(insurance):
    policies = [insurance.enrol(lines={"sheep": 50}) for _ in range(4)]
    claims = [insurance.verified(policies[i % 4].owner, [{"count": n}]) for i, n in enumerate(COUNTS)]
    return insurance, policies, claims


def step(insurance, policies, claims, move) -> None:
    kind = move[0]
    if kind == "contribution":
        insurance.contribute(move[1])
    elif kind == "premium":
        with pytest.raises(ValidationError) if _overpays(policies[move[1]], move[2]) else _nothing():
            with db.session.begin_nested():
                insurance.pay(policies[move[1]], move[2])
    elif kind == "approve" and claims[move[1]].status == ClaimState.VERIFIED:
        insurance.approve(claims[move[1]])
    elif kind == "pay" and claims[move[1]].status == ClaimState.APPROVED:
        insurance.pay_claim(claims[move[1]])
    elif kind == "correct":
        _correct(insurance, move[1])


def _overpays(policy, amount) -> bool:
    return amount > policy.premium_due - queries.paid_by_policy([policy.id]).get(policy.id, 0)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _correct(insurance, index: int) -> None:
    txs = [t for t in db.session.scalars(sa.select(LedgerTransaction).where(LedgerTransaction.kind.in_(CORRECTABLE))
                                         .order_by(LedgerTransaction.seq)) if reversal_of(t) is None]
    if not txs:
        return
    try:
        with db.session.begin_nested():
            operations.correct(insurance.scheme, txs[index % len(txs)], {"reason": "test"}, insurance.am.manager)
    except InsufficientFunds:
        pass  # the money is already reserved or paid: the correction is refused and nothing changes


def check(insurance, policies, claims) -> None:
    totals = insurance.balances()
    assert totals.available >= 0 and totals.reserved >= 0 and totals.total == 0
    assert totals.held == totals.premiums + totals.contributions - totals.payouts
    for tx in db.session.scalars(sa.select(LedgerTransaction)):
        assert sum(e.amount for e in tx.entries) == 0
    awards = {a.claim_id: a.total for a in db.session.scalars(sa.select(Award))}
    assert totals.reserved == sum((awards[c.id] for c in claims if c.status in RESERVED_STATES), Decimal(0))
    assert totals.payouts == sum((awards[c.id] for c in claims if c.status == ClaimState.PAID), Decimal(0))
    waiting = insurance.awaiting()
    if waiting:  # the first in line does not fit, or it would have been released
        assert awards[waiting[0].id] > totals.available
    paid = queries.paid_by_policy([p.id for p in policies])
    assert all(0 <= paid.get(p.id, 0) <= p.premium_due for p in policies)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=STEPS)
def test_random_sequences_keep_the_fund_invariants(scene, moves):
    insurance, policies, claims = scene
    outer = db.session.begin_nested()
    try:
        for move in moves:
            step(insurance, policies, claims, move)
            check(insurance, policies, claims)
    finally:
        outer.rollback()
        forget_rolled_back_rows()
