"""Pooled PostgreSQL connections are pinged before use only after sitting idle (conflict_service.db.ping_when_idle):
a busy page saves the round trip, and a connection that died while idle is still replaced before a request uses it."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from conflict_service.db import _engine_options, ping_when_idle
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.postgres


@pytest.fixture()
def engine():
    engine = sa.create_engine(POSTGRES_URL, **_engine_options(POSTGRES_URL))
    yield engine
    engine.dispose()


def _backend(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()


def test_a_connection_in_steady_use_is_not_pinged_and_one_left_idle_is(engine):
    ping_when_idle(engine, 0.3)
    pings, real = [], engine.dialect.do_ping
    engine.dialect.do_ping = lambda connection: pings.append(connection) or real(connection)
    first = _backend(engine)
    assert [_backend(engine) for _ in range(3)] == [first] * 3  # the same pooled connection, never pinged
    assert pings == []
    time.sleep(0.4)
    assert _backend(engine) == first
    assert len(pings) == 1


def test_a_connection_that_died_while_idle_is_replaced_before_use(engine):
    ping_when_idle(engine, 0.0)
    dead = _backend(engine)
    with sa.create_engine(POSTGRES_URL, poolclass=sa.pool.NullPool).connect() as other:
        other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": dead})
    time.sleep(0.1)
    assert _backend(engine) != dead  # no error: the ping found it dead and the pool connected anew
