"""Guards against guessing hold under real parallel attempts on PostgreSQL: every failure is counted.

Ten wrong passwords (or PINs) sent at the same moment must lock the account (or the claim's lookup) as ten sent
one after the other do; a count read, incremented in Python and written back would keep only a few of them.
"""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
import sqlalchemy as sa

from conflict_service.audit.models import AuditEvent
from conflict_service.auth.models import User
from conflict_service.db import db
from conflict_service.security import limiter
from oversight.models import StatusLookupGuard
from oversight.public import MAX_FAILURES
from tests.factories import PASSWORD, Factory
from tests.helpers import csrf_token

pytestmark = [pytest.mark.postgres, pytest.mark.committing]
ATTEMPTS = 10


def _parallel(app, prepare, attempt):
    """Each of ATTEMPTS clients prepares (a CSRF token...), then all fire at once."""
    barrier = Barrier(ATTEMPTS)

    def run(i):
        client = app.test_client()
        state = prepare(client)
        barrier.wait()
        return attempt(client, state)

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        return list(pool.map(run, range(ATTEMPTS)))


@pytest.fixture
def world(app):
    with app.test_request_context():
        make = Factory()
        world = make.world()
        claim = make.claim(world.ir, make.owner(world.ir.clerk, world.ir.office))
        db.session.commit()
        return {"user_id": world.ir.clerk.id, "username": world.ir.clerk.username, "claim_id": claim.id,
                "number": claim.number, "pin": claim.pin}


def test_ten_parallel_wrong_passwords_lock_the_account(app, world):
    body = {"username": world["username"], "password": "not the password"}
    responses = _parallel(app, lambda client: None,
                          lambda client, _state: client.post("/api/v1/auth/token", json=body))
    assert [r.status_code for r in responses] == [401] * ATTEMPTS
    with app.app_context():
        failures = db.session.scalar(sa.select(sa.func.count()).where(
            AuditEvent.action == "user.sign_in_failed", AuditEvent.entity_id == world["user_id"]))
        assert failures == ATTEMPTS
        assert db.session.get(User, world["user_id"]).locked_until is not None
    limiter.reset()  # the per-address rate limit is not what is tested here
    right = app.test_client().post("/api/v1/auth/token", json={**body, "password": PASSWORD})
    assert right.status_code == 401  # the right password is refused while the account is locked


def test_ten_parallel_wrong_pins_lock_the_lookup(app, world):
    path = f"/status/{world['number']}"
    wrong = "000000" if world["pin"] != "000000" else "111111"
    responses = _parallel(app, lambda client: csrf_token(client, path),
                          lambda client, token: client.post(path, data={"csrf_token": token, "pin": wrong}))
    codes = [r.status_code for r in responses]
    # Each is a counted wrong PIN (422) or, once the lookup is locked, refused unseen (429): the lock comes after
    # MAX_FAILURES wrong PINs however they interleave, so at least that many were counted, and none got through.
    assert set(codes) <= {422, 429} and codes.count(422) >= MAX_FAILURES, codes
    with app.app_context():
        assert db.session.get(StatusLookupGuard, world["claim_id"]).locked_until is not None
    client = app.test_client()
    right = client.post(path, data={"csrf_token": csrf_token(client, path), "pin": world["pin"]})
    assert right.status_code == 429
