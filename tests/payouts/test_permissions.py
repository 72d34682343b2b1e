"""Who may do what (every role × every payouts action) and the separation of duties of DESIGN §2."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from claims.enums import TimeOfDay
from conflict_service.auth.models import Role
from conflict_service.db import db
from conflict_service.errors import Forbidden
from conflict_service.timeutil import utcnow
from payouts import operations
from payouts.enums import RejectReason
from payouts.models import Payment
from tests.helpers import bearer

DAY = {"time_of_day": TimeOfDay.DAY}
ROLES = ["clerk", "verifier", "manager", "auditor", "admin", "other_manager"]


def _claim(payouts, ir):
    return payouts.verified(ir, **DAY)


def _waiting_programme(payouts, ir):
    payouts.approved(ir, **DAY)
    return {"programme_id": ir.programme.id}


SETUPS = {
    "approve": lambda p, ir: ("post", f"/api/v1/claims/{_claim(p, ir).id}/approve", {}),
    "reject": lambda p, ir: ("post", f"/api/v1/claims/{_claim(p, ir).id}/reject", {"reason_code": "duplicate"}),
    "advance": lambda p, ir: ("post", f"/api/v1/claims/{_claim(p, ir).id}/advance", None),
    "build_batch": lambda p, ir: ("post", "/api/v1/payment-batches", _waiting_programme(p, ir)),
    "approve_batch": lambda p, ir: ("post", f"/api/v1/payment-batches/{_batch(p, ir)}/approve", None),
    "confirm_payment": lambda p, ir: ("post", f"/api/v1/payments/{_payment(p, ir)}/confirm",
                                      {"reference": "X", "paid_at": utcnow().isoformat()}),
    "fail_payment": lambda p, ir: ("post", f"/api/v1/payments/{_payment(p, ir)}/fail", {"reason": "closed"}),
    "record_rates": lambda p, ir: ("post", f"/api/v1/programmes/{ir.programme.id}/rates", {"entries": [
        {"species": "goat", "age_class": "young", "amount": "1", "valid_from": "2025-01-01"}]}),
    "change_rules": lambda p, ir: ("patch", f"/api/v1/programmes/{ir.programme.id}", {"injured_pct": "35"}),
}
# The manager who succeeds is never the one who built the batch (manager2 builds it in _batch).
ALLOWED = {"manager"}


def _batch(payouts, ir):
    payouts.approved(ir, **DAY)
    return payouts.batch(ir, builder=ir.manager2, approver=False).id


def _payment(payouts, ir):
    payouts.approved(ir, **DAY)
    batch = payouts.batch(ir, builder=ir.manager2, approver=ir.manager)
    return db.session.scalar(sa.select(Payment.id).where(Payment.batch_id == batch.id))


@pytest.fixture
def ir(payouts, world):
    payouts.rates(world.ir)
    world.ir.programme.advance_pct = Decimal(20)
    return world.ir


def _actor(role, world):
    return world.am.manager if role == "other_manager" else getattr(world.ir, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(SETUPS))
def test_matrix(client, payouts, ir, world, action, role):
    method, url, body = SETUPS[action](payouts, ir)
    db.session.commit()
    r = getattr(client, method)(url, json=body, headers=bearer(client, _actor(role, world)))
    if role in ALLOWED:
        assert r.status_code in (200, 201), r.get_json()
    elif role == "other_manager":
        assert r.status_code == 404, r.get_json()  # outside the user's jurisdictions: as if it did not exist
    else:
        assert r.status_code == 403, r.get_json()
        assert r.get_json()["message"]  # says why


def test_a_manager_who_filed_the_claim_cannot_approve_it(payouts, ir, make):
    claim = payouts.verified(ir, **DAY)
    filer = ir.clerk
    filer.role = Role.MANAGER  # promoted since, and now in the country office
    filer.jurisdictions = [ir.country]
    db.session.flush()
    with pytest.raises(Forbidden, match="You filed this claim"):
        operations.approve_claim(claim, {}, filer)
    with pytest.raises(Forbidden, match="You filed this claim"):
        operations.grant_advance(claim, filer)


def test_a_manager_who_verified_the_claim_cannot_decide_on_it(payouts, ir):
    claim = payouts.verified(ir, **DAY)
    verifier = ir.verifier
    verifier.role = Role.MANAGER
    db.session.flush()
    with pytest.raises(Forbidden, match="You verified this claim"):
        operations.approve_claim(claim, {}, verifier)
    with pytest.raises(Forbidden, match="You verified this claim"):
        operations.reject_claim(claim, {"reason_code": RejectReason.DUPLICATE}, verifier)


def test_two_different_managers_above_the_threshold(payouts, ir):
    ir.programme.dual_approval_threshold = Decimal(1)
    claim = payouts.verified(ir, **DAY)
    operations.approve_claim(claim, {}, ir.manager)
    with pytest.raises(Forbidden, match="second, different manager"):
        operations.approve_claim(claim, {}, ir.manager)


def test_the_builder_of_a_batch_cannot_approve_it(payouts, ir):
    payouts.approved(ir, **DAY)
    batch = payouts.batch(ir, builder=ir.manager, approver=False)
    with pytest.raises(Forbidden, match="You built this batch"):
        operations.approve_batch(batch, ir.manager)
