"""Factories for insurance tests: an Armenian scheme with a 2026 season, premium rates, policies and money.

The clock stands at 15 June 2026 (Yerevan), inside the season. Owners are enrolled on 1 March, so that a loss
"yesterday" is covered. Loss rates (AMD): adult sheep 60,000, young sheep 25,000.55, adult goat 45,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
import time_machine

from claims.enums import ProgrammeKind, Species, TimeOfDay
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.timeutil import clock_at
from insurance import operations, queries
from insurance.ledger import balances, fund_of
from insurance.statement import fund_view
from payouts import operations as payout_ops
from payouts.enums import PaymentMethod
from payouts.models import Payment
from tests.factories import at
from tests.payouts.conftest import AM_RATES, Payouts, loss, set_rates

NOW = at(2026, 6, 15, 9, 0)
ENROLMENT = at(2026, 3, 1, 8, 0)
PREMIUMS = {Species.SHEEP: "2000", Species.GOAT: "1500", Species.CATTLE: "12000"}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class Insurance:
    make: object
    world: object
    payouts: Payouts
    scheme: object = None
    season: object = None

    @property
    def am(self):
        return self.world.am

    def setup(self, coverage_pct="80", deductible="0"):
        am = self.am
        self.scheme = self.make.programme(am.country, kind=ProgrammeKind.INSURANCE, currency="AMD", language="hy",
                                          name="Syunik scheme", coverage_pct=Decimal(coverage_pct),
                                          deductible=Decimal(deductible))
        set_rates(self.scheme, AM_RATES)
        self.season = operations.create_season(self.scheme, {"name": "2026", "starts_on": date(2026, 1, 1),
                                                             "ends_on": date(2026, 12, 31)}, am.manager)
        self.premium_rates(self.season)
        return self

    def premium_rates(self, season, rates=None, valid_from=date(2026, 1, 1)):
        entries = [{"species": Species(s), "amount": Decimal(v), "valid_from": valid_from}
                   for s, v in (rates or PREMIUMS).items()]
        return operations.record_premium_rates(season, {"entries": entries}, self.am.manager)

    def owner(self, **overrides):
        herd = overrides.pop("herd", {Species.SHEEP: 120, Species.GOAT: 40})
        return self.make.owner(self.am.clerk, self.am.office, preferred_language="hy", herd=[
            {"species": s, "head_count": n, "counted_on": date(2026, 2, 1)} for s, n in herd.items()], **overrides)

    def enrol(self, owner=None, lines=None, *, season=None, when=ENROLMENT, signed=date(2026, 2, 20)):
        owner = owner or self.owner()
        data = {"owner_id": owner.id, "season_id": (season or self.season).id, "agreement_signed_on": signed,
                "lines": [{"species": Species(s), "head_count": n} for s, n in (lines or {"sheep": 50}).items()]}
        with clock_at(when):
            return operations.enrol(data, self.am.clerk)

    def pay(self, policy, amount, *, paid_on=date(2026, 6, 15), method="cash"):
        return operations.record_premium(policy, {"amount": Decimal(amount), "paid_on": paid_on,
                                                  "method": PaymentMethod(method)}, self.am.clerk)

    def contribute(self, amount, donor="Snow Leopard Trust", **extra):
        data = {"amount": Decimal(amount), "received_on": date(2026, 6, 15), "donor": donor} | extra
        return operations.contribute(self.scheme, data, self.am.manager)

    def verified(self, owner, lines=None, **overrides):
        verified_lines = [loss(*spec) if isinstance(spec, tuple) else loss(**spec) for spec in (lines or [("sheep",)])]
        overrides.setdefault("time_of_day", TimeOfDay.DAY)
        return self.payouts.verified(self.am, owner=owner, programme_id=self.scheme.id, verified_lines=verified_lines,
                                     **overrides)

    def approve(self, claim, manager=None):
        return payout_ops.approve_claim(claim, {"note": ""}, manager or self.am.manager).claim

    def pay_claim(self, claim):
        """Batch (one manager), approve the batch (another) and confirm the payment: the claim is paid."""
        batch = payout_ops.build_batch({"programme_id": self.scheme.id, "claim_ids": [claim.id]}, self.am.manager)
        payout_ops.approve_batch(batch, self.am.manager2)
        payment = db.session.scalars(sa.select(Payment).where(Payment.batch_id == batch.id)).one()
        payout_ops.confirm_payment(payment, {"reference": "TRX1", "paid_at": NOW}, self.am.manager)
        return payment

    def balances(self):
        return balances(fund_of(self.scheme.id))

    def fund(self) -> dict:
        return fund_view(self.scheme)

    def awaiting(self):
        return [w.claim for w in queries.awaiting_funds(self.scheme.id)]


@pytest.fixture
def insurance(make, world) -> Insurance:
    return Insurance(make, world, Payouts(make, world)).setup()


AWAITING = ClaimState.AWAITING_FUNDS


def forget_rolled_back_rows() -> None:
    """After a savepoint is rolled back, SQLite hands the same ids to the next example's rows: forget the old
    objects of the kinds each example creates, so the session does not mistake the new rows for them."""
    from insurance.models import LedgerEntry, LedgerTransaction, PremiumPayment
    from payouts.models import Award, Decision, PaymentBatch

    kinds = (LedgerEntry, LedgerTransaction, PremiumPayment, Payment, PaymentBatch, Award, Decision)
    for obj in [o for o in db.session.identity_map.values() if isinstance(o, kinds)]:
        db.session.expunge(obj)
