"""Load: many clients filing, reading, approving and paying at once against gunicorn on PostgreSQL
(loopback only, bounded in time). Afterwards: no server error, no claim lost or duplicated, no payment doubled."""

import os
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bench import load
from bench.server import gunicorn
from claims.models import Claim
from claims.states import ClaimState
from conflict_service.audit.chain import verify_chain
from conflict_service.db import db
from conflict_service.timeutil import utcnow
from payouts.enums import PaymentKind, PaymentStatus
from payouts.models import Award, Payment
from tests.conftest import TEST_AUDIT_KEY
from tests.factories import Factory
from tests.helpers import bearer
from tests.payouts.conftest import Payouts

pytestmark = [pytest.mark.postgres, pytest.mark.committing, pytest.mark.slow]
SECONDS = float(os.environ.get("LOAD_SECONDS", 8))


@pytest.fixture
def prepared(app):
    with app.test_request_context():
        make = Factory()
        world = make.world()
        payouts = Payouts(make, world)
        payouts.rates(world.ir)
        owners = [make.owner(world.ir.clerk, world.ir.office) for _ in range(10)]
        verified = [payouts.verified(world.ir, owner=owners[i % 10]).id for i in range(40)]
        db.session.commit()
        claims_before = db.session.scalar(sa.select(sa.func.count(Claim.id)))
        return {"owners": [o.id for o in owners], "programme": world.ir.programme.id, "verified": verified,
                "claims_before": claims_before}


def test_concurrent_clients_lose_nothing_and_pay_once(app, prepared, tmp_path):
    env = {"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "load-test", "INSTANCE_PATH": str(tmp_path),
           "AUDIT_KEY": TEST_AUDIT_KEY,
           "CONFLICT_DEPLOYMENT": "development"}
    with gunicorn(env, workers=2, threads=4) as base:
        client = app.test_client()
        headers = {role: bearer(client, name) for role, name in
                   (("clerk", "clerk_ir"), ("manager", "manager_ir"), ("manager2", "manager2_ir"),
                    ("auditor", "auditor_ir"))}
        plan = load.Plan(base=base, headers=headers, owner_ids=prepared["owners"], programme_id=prepared["programme"],
                         verified_ids=prepared["verified"], seconds=SECONDS,
                         incident_at=(utcnow() - timedelta(days=1)).isoformat())
        result = load.run(plan)

    for row in result.summary():  # the figures quoted in the README's Security section (pytest -s shows them)
        print(f"load {SECONDS:g}s: {row}")
    assert result.server_errors == []
    assert sum(len(v) for v in result.statuses.values()) > 100  # the load really ran
    with app.app_context():
        _check_claims(prepared, result)
        _check_payments()
        assert verify_chain().is_intact


def _check_claims(prepared, result) -> None:
    numbers = set(db.session.scalars(sa.select(Claim.number)))
    filed = set(result.filed.values())
    assert filed <= numbers, "a claim answered 201 is missing"
    assert len(numbers) == prepared["claims_before"] + len(result.filed), "claims duplicated or lost"
    assert all(result.filed[key] == number for key, number in result.replays), "a retry got another claim"
    seqs = sorted(int(n[-6:]) for n in numbers if n.startswith("IR-OFF-"))
    assert seqs == list(range(1, len(seqs) + 1)), "claim numbers skipped or repeated"


def _check_payments() -> None:
    awards = db.session.execute(sa.select(Award.claim_id, sa.func.count()).group_by(Award.claim_id)).all()
    assert all(n == 1 for _, n in awards), "a claim approved twice"
    confirmed = db.session.execute(
        sa.select(Payment.claim_id, sa.func.count()).where(Payment.kind == PaymentKind.FINAL,
                                                            Payment.status == PaymentStatus.CONFIRMED)
        .group_by(Payment.claim_id)).all()
    assert all(n == 1 for _, n in confirmed), "a claim paid twice"
    paid = set(db.session.scalars(sa.select(Claim.id).where(Claim.status == ClaimState.PAID)))
    assert paid == {claim_id for claim_id, _ in confirmed}
