"""Test fixtures: one app per test session, each test inside a transaction that is rolled back.

Set TEST_DATABASE_URL (postgresql+psycopg://...) to run the same suite on PostgreSQL; every xdist
worker then gets its own schema. Without it the suite runs on a SQLite file per worker.
"""

from __future__ import annotations

import contextvars
import hashlib
import os
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient

from conflict_service import migrations
from conflict_service.app import create_app
from conflict_service.db import db
from conflict_service.security import limiter
from tests.browser import chromium, live_server, phone  # noqa: F401 - fixtures for browser tests
from tests.factories import Factory

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
IS_POSTGRES = POSTGRES_URL.startswith("postgresql")
TEST_AUDIT_KEY = "test-audit-key-kept-outside-the-database"  # subprocesses started by tests use it too


def _worker() -> str:
    """A schema name of this checkout and xdist worker, so parallel test runs never share tables."""
    checkout = hashlib.sha256(str(Path(__file__).resolve().parent).encode()).hexdigest()[:8]
    return f"{checkout}_" + re.sub(r"\W", "", os.environ.get("PYTEST_XDIST_WORKER", "main"))


def _database_url(tmp_path_factory) -> str:
    if not IS_POSTGRES:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    schema = f"test_{_worker()}"
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options={quote(f'-csearch_path={schema}')}"


def pytest_collection_modifyitems(config, items):
    """Each test runs on the databases where it can fail differently: `postgres` tests only on PostgreSQL,
    `same_on_every_database` tests only on SQLite (.ci/run runs both passes, so CI still runs every test)."""
    if IS_POSTGRES:
        marker, reason = "same_on_every_database", "checks nothing that differs by database: runs on SQLite"
    else:
        marker, reason = "postgres", "needs PostgreSQL (set TEST_DATABASE_URL)"
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if marker in item.keywords:
            item.add_marker(skip)
    items.sort(key=_longest_first)


def _longest_first(item) -> int:
    """Browser walks and other `slow` tests start first: xdist (`--maxschedchunk`, pyproject) hands out tests a few
    at a time, so the long ones spread over the workers and the short ones fill in after them, and no worker is left
    alone at the end with a test of minutes that started late. The sort is stable: otherwise the collection order."""
    return 0 if "browser" in item.keywords and "slow" in item.keywords else 1 if "slow" in item.keywords else 2


class IsolatedClient(FlaskClient):
    """Each request gets its own application context (its own `g` and database session), as in production,
    even while the test itself holds a context open for calling operations directly."""

    def open(self, *args, **kwargs):
        if has_app_context() and "db_session" in g:
            g.db_session.commit()  # what the test built is committed (to its savepoint) before a request sees it
        kwargs.setdefault("buffered", True)  # streamed bodies are read inside the request's own context
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app({"TESTING": True, "DATABASE_URL": _database_url(tmp_path_factory), "SECRET_KEY": "test",
                      "AUDIT_KEY": TEST_AUDIT_KEY, "WTF_CSRF_ENABLED": True, "SERVER_NAME": "localhost",
                      "EVIDENCE_DIR": str(instance / "evidence"),
                      "INSTANCE": str(instance)})
    app.test_client_class = IsolatedClient
    with app.app_context():
        with db.engine.begin() as connection:
            migrations.upgrade("head", connection=connection)
    yield app
    with app.app_context():  # close the pool's connections: left to the garbage collector, they warn (psycopg)
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(app):
    limiter.reset()


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Run each test in a transaction rolled back at the end (tests marked `committing` use real commits)."""
    if "committing" in request.keywords:
        yield
        _truncate_all(app)
        return
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        db.configure_sessions(app, bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield
        finally:
            db.configure_sessions(app, bind=db.engine)
            outer.rollback()
            connection.close()


def _clear_evidence(app) -> None:
    evidence = Path(app.config["EVIDENCE_DIR"])
    if evidence.is_dir():
        for child in evidence.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()


def _truncate_all(app) -> None:
    _clear_evidence(app)  # files a committing test stored go with its rows
    with app.app_context(), db.engine.begin() as conn:
        for t in reversed(db_metadata().sorted_tables):  # children first
            conn.execute(t.delete())
        if conn.dialect.name == "postgresql":
            # What TRUNCATE ... RESTART IDENTITY did, at a fraction of its cost: TRUNCATE gives each of ~60 tables a
            # new file (0.3-2 s a test), deleting the few rows a test left takes milliseconds.
            conn.execute(sa.text("SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
                                 "WHERE c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace"))


def db_metadata():
    from conflict_service.db import Base

    return Base.metadata


@pytest.fixture
def ctx(app):
    """A request context for calling operations and queries directly."""
    with app.test_request_context():
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(ctx) -> Factory:
    return Factory()


@pytest.fixture
def world(make):
    """Two countries (IR, AM), each with a region, an office, a programme and users of every role."""
    return make.world()
