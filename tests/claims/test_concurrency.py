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


def test_parallel_merges_of_one_household_leave_one_record_with_every_claim(app):
    """Managers merging the same two records both ways at once: one merge happens, the others find a record gone
    (404, 409 or 422, never a deadlock's 500), and the record left holds every claim and herd count."""
    with app.test_request_context():
        make = Factory()
        world = make.world()
        first = make.owner(world.ir.clerk, world.ir.office, name="Ali Karimi")
        second = make.owner(world.ir.clerk, world.ir.office, name="Ali Karimi")
        claims = [make.claim(world.ir, owner).id for owner in (first, second, first, second)]
        db.session.commit()
        ids = [first.id, second.id]
    headers = bearer(app.test_client(), "manager_ir")

    def merge(client, i):
        merged, kept = ids if i % 2 else ids[::-1]
        return client.post(f"/api/v1/owners/{merged}/merge", json={"into": kept, "reason": "Twice"},
                           headers=headers)

    responses = _parallel(app, merge)
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == 1 and set(statuses) <= {200, 404, 409, 422}, statuses
    survivor = next(r.get_json()["id"] for r in responses if r.status_code == 200)
    with app.app_context():
        from claims.models import HerdCount, Owner
        from conflict_service.audit.chain import verify_chain

        assert db.session.scalars(sa.select(Owner.id).where(Owner.id.in_(ids))).all() == [survivor]
        assert set(db.session.scalars(sa.select(Claim.owner_id).where(Claim.id.in_(claims)))) == {survivor}
        assert db.session.scalar(sa.select(sa.func.count(HerdCount.id)).where(HerdCount.owner_id == survivor)) == 2
        assert verify_chain().is_intact
