"""Parallel submissions on PostgreSQL: claim numbers stay unique; one Idempotency-Key files one claim."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
import sqlalchemy as sa

from claims.models import Claim
from conflict_service.db import db
from tests.claims.conftest import claim_body
from tests.factories import Factory
from tests.helpers import bearer

pytestmark = [pytest.mark.postgres, pytest.mark.committing]
THREADS = 20


@pytest.fixture
def setup(app):
    with app.test_request_context():
        make = Factory()
        world = make.world()
        owner = make.owner(world.ir.clerk, world.ir.office)
        db.session.commit()
        ids = {"owner": owner.id, "programme": world.ir.programme.id, "office": world.ir.office.id}
    client = app.test_client()
    return ids, bearer(client, "clerk_ir")


def _parallel(app, fn):
    barrier = Barrier(THREADS)

    def run(i):
        client = app.test_client()
        barrier.wait()
        return fn(client, i)

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(run, range(THREADS)))


def test_parallel_submissions_get_unique_consecutive_numbers(app, setup):
    ids, headers = setup
    body = claim_body(ids["owner"], ids["programme"])
    responses = _parallel(app, lambda client, i: client.post("/api/v1/claims", json=body, headers=headers))
    assert [r.status_code for r in responses] == [201] * THREADS, [r.get_json() for r in responses]
    numbers = sorted(r.get_json()["number"] for r in responses)
    assert len(set(numbers)) == THREADS
    assert [int(n[-6:]) for n in numbers] == list(range(1, THREADS + 1))


def test_parallel_retries_with_one_key_file_one_claim(app, setup):
    ids, headers = setup
    body = claim_body(ids["owner"], ids["programme"])
    keyed = {**headers, "Idempotency-Key": "same-key"}
    responses = _parallel(app, lambda client, i: client.post("/api/v1/claims", json=body, headers=keyed))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {200, 201}
    assert len({r.get_json()["number"] for r in responses}) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Claim.id))) == 1
