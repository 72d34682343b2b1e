"""Factories for payouts tests: rate tables, verified claims, approved claims and batches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest

from claims.enums import AgeClass, Confidence, LossOutcome, Predator, Species
from claims.states import ClaimAction, apply_action
from conflict_service.db import db
from conflict_service.timeutil import utcnow
from payouts import operations
from verification.enums import VerificationOutcome
from verification.models import Verification, VerifiedLossLine

IR_RATES = {("sheep", "adult"): "45000000", ("sheep", "young"): "20000000", ("goat", "adult"): "35000000",
            ("goat", "young"): "15000000", ("cattle", "adult"): "350000000"}
AM_RATES = {("sheep", "adult"): "60000", ("sheep", "young"): "25000.55", ("goat", "adult"): "45000"}


def set_rates(programme, rates: dict, valid_from: date = date(2020, 1, 1), actor=None):
    entries = [{"species": Species(s), "age_class": AgeClass(a), "amount": Decimal(v), "valid_from": valid_from}
               for (s, a), v in rates.items()]
    return operations.record_rates(programme, {"entries": entries}, actor)


def loss(species="sheep", age="adult", outcome="killed", count=1) -> dict:
    return {"species": Species(species), "age_class": AgeClass(age), "outcome": LossOutcome(outcome), "count": count}


@dataclass
class Payouts:
    make: object
    world: object

    def rates(self, country, rates=None, **kwargs):
        return set_rates(country.programme, rates or (IR_RATES if country.programme.currency == "IRR" else AM_RATES),
                         **kwargs)

    def verified(self, country, *, owner=None, verified_lines=None, predator=Predator.LEOPARD,
                 confidence=Confidence.PROBABLE, corrections=None, verifier=None, **claim_overrides):
        """A claim filed by the clerk, assigned and confirmed by a verifier with the given verified lines."""
        claim = self.make.claim(country, owner, **claim_overrides)
        verifier = verifier or country.verifier
        claim.assigned_verifier_id = verifier.id
        apply_action(claim, ClaimAction.ASSIGN, country.clerk)
        lines = verified_lines or [{k: v for k, v in ln.items()} for ln in _claimed(claim)]
        verification = Verification(
            claim_id=claim.id, verifier_id=verifier.id, round=1, visited_at=utcnow() - timedelta(minutes=5),
            predator=predator, confidence=confidence, outcome=VerificationOutcome.CONFIRMED,
            has_carcass=True, has_neck_bites=True, **(corrections or {}),
            lines=[VerifiedLossLine(position=i, **ln) for i, ln in enumerate(lines)])
        db.session.add(verification)
        db.session.flush()
        apply_action(claim, ClaimAction.VERIFY_CONFIRM, verifier)
        return claim

    def approved(self, country, manager=None, **kwargs):
        claim = self.verified(country, **kwargs)
        operations.approve_claim(claim, {"note": ""}, manager or country.manager)
        return claim

    def batch(self, country, claims=None, builder=None, approver=None):
        data = {"programme_id": country.programme.id}
        if claims:
            data["claim_ids"] = [c.id for c in claims]
        batch = operations.build_batch(data, builder or country.manager)
        if approver is not False:
            operations.approve_batch(batch, approver or country.manager2)
        return batch


def _claimed(claim):
    return [{"species": ln.species, "age_class": ln.age_class, "outcome": ln.outcome, "count": ln.count}
            for ln in claim.lines]


@pytest.fixture
def payouts(make, world) -> Payouts:
    return Payouts(make, world)


def sign_in(client, user):
    """Log in through the form. The test's request context shares ``g`` with the client's requests, so the
    CSRF token flask-wtf cached in ``g`` before sign-in cleared the session must be forgotten too."""
    from flask import g

    from tests.helpers import login

    g.pop("csrf_token", None)
    response = login(client, user)
    g.pop("csrf_token", None)
    return response
