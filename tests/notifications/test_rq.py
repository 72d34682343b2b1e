"""With REDIS_URL the commit enqueues an RQ job and a worker sends the message (a real Redis on 127.0.0.1)."""

from __future__ import annotations

import os
import uuid

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisDown
from rq import SimpleWorker

from conflict_service.db import db
from notifications import jobs
from notifications.enums import MessageState
from tests.factories import Factory
from tests.notifications.support import consent, outbox

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
pytestmark = [pytest.mark.committing, pytest.mark.slow]


@pytest.fixture
def redis_app(app, monkeypatch, generic):
    try:
        Redis.from_url(REDIS_URL).ping()
    except RedisDown:
        pytest.skip("no Redis at " + REDIS_URL)
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "RQ_NOTIFICATIONS_QUEUE", f"test-notifications-{uuid.uuid4().hex[:8]}")
    monkeypatch.setitem(app.config, "NOTIFICATIONS_SENDER", "thread")  # with Redis: an RQ job, not a thread
    return app


def test_the_commit_enqueues_and_a_worker_sends(redis_app, generic, daytime):
    with redis_app.test_request_context():
        make = Factory()
        world = make.world()
        owner = make.owner(world.ir.clerk, world.ir.office)
        consent(owner, world.ir.clerk, language="en")
        make.claim(world.ir, owner)
        db.session.commit()
        queue = jobs.queue()
        assert queue.count == 1 and generic.received == []  # queued on commit, not sent inline
        SimpleWorker([queue], connection=Redis.from_url(REDIS_URL)).work(burst=True, logging_level="ERROR")
        assert len(generic.accepted) == 1
        assert [m.state for m in outbox(owner_id=owner.id)] == [MessageState.SENT]
        queue.delete(delete_jobs=True)
