"""The fund's ledger on its own: balanced numbered postings, never negative, corrections that restore exactly."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflict_service.db import db
from insurance.enums import Account, TransactionKind
from insurance.ledger import InsufficientFunds, balances, fund_of, post, reversal_of, reverse
from insurance.models import LedgerEntry, LedgerTransaction
from tests.insurance.conftest import forget_rolled_back_rows

F, R, P, C, OUT = Account.FUND, Account.RESERVED, Account.PREMIUMS, Account.CONTRIBUTIONS, Account.PAYOUTS
MOVES = {  # kind: (debit account, credit account)
    TransactionKind.PREMIUM: (F, P), TransactionKind.CONTRIBUTION: (F, C),
    TransactionKind.RESERVATION: (R, F), TransactionKind.PAYOUT: (OUT, R),
}
DAY = date(2026, 6, 15)


def move(insurance, kind, amount):
    debit, credit = MOVES[kind]
    return post(fund_of(insurance.scheme.id), kind, [(debit, amount), (credit, -amount)],
                season_id=insurance.season.id, occurred_on=DAY, actor=insurance.am.manager)


def all_postings(insurance):
    return list(db.session.scalars(sa.select(LedgerTransaction).where(
        LedgerTransaction.fund_id == insurance.scheme.id).order_by(LedgerTransaction.seq)))


def test_postings_are_numbered_in_sequence_and_balanced(insurance):
    move(insurance, TransactionKind.CONTRIBUTION, Decimal("1000.50"))
    move(insurance, TransactionKind.RESERVATION, Decimal("400"))
    txs = all_postings(insurance)
    assert [t.seq for t in txs] == [1, 2]
    assert all(sum(e.amount for e in t.entries) == 0 for t in txs)
    totals = balances(fund_of(insurance.scheme.id))
    assert (totals.available, totals.reserved, totals.held, totals.total) == (
        Decimal("600.50"), Decimal("400"), Decimal("1000.50"), 0)


def test_an_unbalanced_posting_is_refused(insurance):
    with pytest.raises(ValueError, match="must balance"):
        post(fund_of(insurance.scheme.id), TransactionKind.CONTRIBUTION, [(F, Decimal(10)), (C, Decimal(-9))],
             season_id=insurance.season.id, occurred_on=DAY, actor=None)
    with pytest.raises(ValueError, match="non-zero Decimal"):
        post(fund_of(insurance.scheme.id), TransactionKind.CONTRIBUTION, [(F, 10.0), (C, -10.0)],
             season_id=insurance.season.id, occurred_on=DAY, actor=None)


def test_spending_more_than_the_fund_holds_is_refused_and_posts_nothing(insurance):
    move(insurance, TransactionKind.CONTRIBUTION, Decimal(100))
    with pytest.raises(InsufficientFunds, match="The fund has AMD\xa0100.00 available; this needs AMD\xa0100.01"):
        with db.session.begin_nested():
            move(insurance, TransactionKind.RESERVATION, Decimal("100.01"))
    with pytest.raises(InsufficientFunds, match="reserved for approved claims"):
        with db.session.begin_nested():
            move(insurance, TransactionKind.PAYOUT, Decimal(1))
    assert len(all_postings(insurance)) == 1


def test_the_database_refuses_two_postings_with_one_number(insurance):
    from sqlalchemy.exc import IntegrityError

    tx = move(insurance, TransactionKind.CONTRIBUTION, Decimal(100))
    clone = LedgerTransaction(fund_id=tx.fund_id, seq=tx.seq, season_id=tx.season_id, kind=tx.kind,
                              occurred_on=DAY, entries=[LedgerEntry(account=F, amount=Decimal(1)),
                                                        LedgerEntry(account=C, amount=Decimal(-1))])
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(clone)
        db.session.flush()


def test_deleting_a_posting_is_refused(insurance):
    tx = move(insurance, TransactionKind.CONTRIBUTION, Decimal(100))
    db.session.delete(tx.entries[0])
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


# --- properties ----------------------------------------------------------------------------------------------------

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500000"), places=2)
STEPS = st.lists(st.one_of(
    st.tuples(st.sampled_from(list(MOVES)), AMOUNTS),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=20)),
), min_size=1, max_size=14)


def _apply(insurance, step, expected: dict) -> None:
    """Apply one step; keep ``expected`` (the balances a correct ledger must show) in step with it."""
    kind, value = step
    txs = all_postings(insurance)
    if kind == "reverse":
        candidates = [t for t in txs if t.kind != TransactionKind.REVERSAL and reversal_of(t) is None]
        if not candidates:
            return
        target = candidates[value % len(candidates)]
        lines = [(e.account, -e.amount) for e in target.entries]
        action = lambda: reverse(target, insurance.am.manager, occurred_on=DAY, memo="test")  # noqa: E731
    else:
        debit, credit = MOVES[kind]
        lines = [(debit, value), (credit, -value)]
        action = lambda: move(insurance, kind, value)  # noqa: E731
    after = dict(expected)
    for account, amount in lines:
        after[account] = after.get(account, 0) + amount
    if after.get(F, 0) < 0 or after.get(R, 0) < 0:
        with pytest.raises(InsufficientFunds), db.session.begin_nested():
            action()
        return
    action()
    expected.clear()
    expected.update(after)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_random_postings_keep_the_ledger_balanced_and_never_negative(insurance, steps):
    outer = db.session.begin_nested()
    try:
        expected: dict = {}
        for step in steps:
            _apply(insurance, step, expected)
            totals = balances(fund_of(insurance.scheme.id))
            assert {a: v for a, v in totals.by_account.items() if v} == {a: v for a, v in expected.items() if v}
            assert totals.available >= 0 and totals.reserved >= 0 and totals.total == 0
            assert totals.held == totals.premiums + totals.contributions - totals.payouts
        for tx in all_postings(insurance):
            assert sum(e.amount for e in tx.entries) == 0 and len(tx.entries) == 2
    finally:
        outer.rollback()
        forget_rolled_back_rows()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS, amount=AMOUNTS)
def test_a_reversal_restores_every_balance_exactly(insurance, steps, amount):
    outer = db.session.begin_nested()
    try:
        expected: dict = {}
        for step in steps:
            _apply(insurance, step, expected)
        fund = fund_of(insurance.scheme.id)
        before = balances(fund).by_account
        tx = move(insurance, TransactionKind.CONTRIBUTION, amount)
        reverse(tx, insurance.am.manager, occurred_on=DAY, memo="typed twice")
        assert {a: v for a, v in balances(fund).by_account.items() if v} == {a: v for a, v in before.items() if v}
    finally:
        outer.rollback()
        forget_rolled_back_rows()
