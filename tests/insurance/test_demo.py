"""The insurance demo step, after the real core, claims, verification, mitigation and payouts steps."""

import pytest
import sqlalchemy as sa

from claims import demo as claims_demo
from claims.models import Claim
from claims.states import ClaimState
from conflict_service import demo as core_demo
from conflict_service.audit.chain import verify_chain
from conflict_service.db import db
from insurance import demo as insurance_demo
from insurance import queries
from insurance.enums import TransactionKind
from insurance.ledger import balances, fund_of
from insurance.models import LedgerTransaction, Policy
from insurance.statement import statement
from mitigation import demo as mitigation_demo
from payouts import demo as payouts_demo
from payouts.models import PaymentBatch
from tests.factories import at
from verification import demo as verification_demo


@pytest.mark.parametrize("today", [at(2026, 6, 15, 9), at(2027, 2, 10, 9)], ids=["june", "february"])
def test_the_scheme_collects_premiums_and_pays_claims_from_its_fund(ctx, today, time_machine):
    """In June the season's premiums are in; in February the new season's enrolments are under way."""
    time_machine.move_to(today, tick=False)
    context = {"seed": 2026}
    for step in (core_demo.load, claims_demo.load, verification_demo.load, mitigation_demo.load, payouts_demo.load,
                 insurance_demo.load):
        step(context)
        db.session.flush()
    db.session.commit()
    scheme = context["programmes"]["AM-SU-KPN"]
    policies = db.session.scalars(sa.select(Policy)).all()
    owners = {p.owner_id for p in policies}
    assert len(owners) >= 15 and len(policies) >= 15  # most of the 20 Armenian owners, each season
    assert sum(1 for p in policies if p.violation_on is not None) == 1
    states = dict(db.session.execute(sa.select(Claim.status, sa.func.count()).where(Claim.programme_id == scheme.id)
                                     .group_by(Claim.status)).all())
    assert states[ClaimState.PAID] >= 5 and states[ClaimState.AWAITING_FUNDS] >= 1
    kinds = set(db.session.scalars(sa.select(LedgerTransaction.kind)))
    assert {TransactionKind.PREMIUM, TransactionKind.CONTRIBUTION, TransactionKind.RESERVATION,
            TransactionKind.PAYOUT} <= kinds
    totals = balances(fund_of(scheme.id))
    assert totals.available >= 0 and totals.reserved >= 0 and totals.total == 0
    season = queries.current_season(scheme)
    s = statement(scheme, season, context["users"]["manager_am"])
    assert s.closing == s.opening + s.premiums + s.contributions - s.payouts and s.closing >= 0
    assert any(r.arrears for r in statement(scheme, queries.seasons_of(scheme.id)[-1]).arrears)
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(PaymentBatch).where(
        PaymentBatch.approved_by_id == PaymentBatch.created_by_id))
    assert verify_chain().is_intact
