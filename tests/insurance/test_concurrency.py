"""On PostgreSQL, with real threads: payouts racing for the last money in a fund, and money arriving meanwhile."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from claims.models import Claim
from claims.states import ClaimState
from conflict_service.auth.models import User
from conflict_service.db import db
from insurance import operations
from insurance.ledger import balances, fund_of
from insurance.models import LedgerTransaction
from payouts import operations as payout_ops
from tests.payouts.test_concurrency import fresh, in_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.committing]


def approve(claim_id, manager_id):
    return lambda: payout_ops.approve_claim(fresh(Claim, claim_id), {}, fresh(User, manager_id))


def statuses(ids) -> list[ClaimState]:
    db.session.expire_all()
    return [fresh(Claim, i).status for i in ids]


def test_two_payouts_racing_for_the_last_money_one_is_reserved_the_other_waits(app, insurance):
    insurance.contribute("50000")  # room for one sheep (48,000), not two
    ids = [insurance.verified(insurance.enrol().owner).id for _ in range(2)]
    managers = [insurance.am.manager.id, insurance.am.manager2.id]
    db.session.commit()
    results = in_parallel(app, [approve(ids[i], managers[i]) for i in range(2)])
    assert results == ["ok", "ok"]
    assert sorted(statuses(ids)) == sorted([ClaimState.APPROVED, ClaimState.AWAITING_FUNDS])
    totals = balances(fund_of(insurance.scheme.id))
    assert (totals.available, totals.reserved) == (Decimal("2000"), Decimal("48000"))


def test_twenty_approvals_never_reserve_more_than_the_fund_holds(app, insurance):
    insurance.contribute("200000")  # four sheep
    ids = [insurance.verified(insurance.enrol().owner).id for _ in range(20)]
    managers = [insurance.am.manager.id, insurance.am.manager2.id]
    db.session.commit()
    results = in_parallel(app, [approve(claim_id, managers[i % 2]) for i, claim_id in enumerate(ids)])
    assert set(results) == {"ok"}
    found = statuses(ids)
    assert found.count(ClaimState.APPROVED) == 4 and found.count(ClaimState.AWAITING_FUNDS) == 16
    totals = balances(fund_of(insurance.scheme.id))
    assert (totals.available, totals.reserved) == (Decimal("8000"), Decimal("192000"))
    seqs = db.session.scalars(sa.select(LedgerTransaction.seq).order_by(LedgerTransaction.seq)).all()
    assert seqs == list(range(1, 6))  # one contribution and four reservations, numbered without gaps


def test_money_arriving_while_claims_are_approved_releases_them_in_order(app, insurance):
    ids = [insurance.verified(insurance.enrol().owner).id for _ in range(6)]
    managers = [insurance.am.manager.id, insurance.am.manager2.id]
    scheme_id, manager_id = insurance.scheme.id, insurance.am.manager.id
    db.session.commit()

    def give(amount):
        def job():
            scheme = fresh(type(insurance.scheme), scheme_id)
            operations.contribute(scheme, {"amount": Decimal(amount), "received_on": insurance.season.starts_on,
                                           "donor": "Parallel donor"}, fresh(User, manager_id))
        return job

    jobs = [approve(claim_id, managers[i % 2]) for i, claim_id in enumerate(ids)] + [give("100000"), give("50000")]
    results = in_parallel(app, jobs)
    assert set(results) == {"ok"}
    found = statuses(ids)
    totals = balances(fund_of(insurance.scheme.id))
    assert found.count(ClaimState.APPROVED) == 3 and totals.available == Decimal("6000")  # 150,000 − 3 × 48,000
    assert totals.reserved == Decimal("144000")
