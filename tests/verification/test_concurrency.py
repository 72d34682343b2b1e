"""Two people acting on the same claim at the same moment: the row lock lets one through, the other gets 409."""

import threading

import pytest

from claims.queries import get_claim
from claims.states import ClaimState
from conflict_service.auth.models import User
from conflict_service.db import db
from conflict_service.errors import InvalidTransition
from tests.verification.conftest import visit_payload
from verification.models import Assignment, Verification
from verification.operations import assign_verifier, record_verification
from verification.schemas import VerificationCreateSchema

pytestmark = [pytest.mark.postgres, pytest.mark.committing]


def in_parallel(app, work, *arguments) -> list[str]:
    """Run ``work(*argument)`` for each argument in its own thread, app context and session, starting together."""
    barrier, results = threading.Barrier(len(arguments)), []

    def run(args):
        with app.test_request_context():
            try:
                work(barrier, *args)
                db.session.commit()
                results.append("ok")
            except InvalidTransition:
                db.session.rollback()
                results.append("409")

    threads = [threading.Thread(target=run, args=(args,)) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(results)


def test_a_visit_sent_twice_at_once_is_recorded_once(app, make):
    world = make.world()
    claim = make.claim(world.ir)
    assign_verifier(claim, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)
    claim_id, verifier_id = claim.id, world.ir.verifier.id
    db.session.commit()

    def send(barrier, _n):
        verifier = db.session.get(User, verifier_id)
        mine = get_claim(claim_id, verifier)
        data = VerificationCreateSchema().load(visit_payload())
        barrier.wait()
        record_verification(mine, data, verifier)

    assert in_parallel(app, send, (1,), (2,)) == ["409", "ok"]
    db.session.expire_all()
    assert db.session.query(Verification).count() == 1
    assert db.session.get(type(claim), claim_id).status == ClaimState.VERIFIED


def test_two_clerks_assigning_at_once_leave_one_assignment(app, make):
    world = make.world()
    claim = make.claim(world.ir)
    claim_id, clerks = claim.id, (world.ir.clerk.id, world.ir.clerk2.id)
    verifiers = (world.ir.verifier.id, world.ir.verifier2.id)
    db.session.commit()

    def assign(barrier, clerk_id, verifier_id):
        clerk = db.session.get(User, clerk_id)
        mine = get_claim(claim_id, clerk)
        barrier.wait()
        assign_verifier(mine, {"verifier_id": verifier_id}, clerk)

    assert in_parallel(app, assign, *zip(clerks, verifiers, strict=True)) == ["409", "ok"]
    db.session.expire_all()
    rows = db.session.query(Assignment).all()
    assert len(rows) == 1
    assert db.session.get(type(claim), claim_id).assigned_verifier_id == rows[0].verifier_id
