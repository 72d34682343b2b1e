"""SQLite: a request that changes data begins its transaction IMMEDIATE, so that two writers take turns (as a row
lock makes them on PostgreSQL) instead of the second failing when it comes to write (answered 503 before). A handler
declared with ``write_lock_at_first_write`` (the claim submission) reads without the lock and takes it at its first
write, still waiting its turn."""

import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa

from conflict_service.app import create_app
from conflict_service.db import db, hold_write_lock, write_lock_at_first_write


@pytest.fixture
def file_app(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'writers.db'}", "SECRET_KEY": "test",
                      "INSTANCE": str(tmp_path)})
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE tally (n INTEGER)")
    app.add_url_rule("/late", "late", write_lock_at_first_write(lambda: ""), methods=["POST"])
    yield app
    with app.app_context():
        db.engine.dispose()


def _read_then_write(app, method: str, before_write=None, path: str = "/") -> None:
    with app.test_request_context(path, method=method), db.engine.connect() as connection, connection.begin():
        seen = connection.exec_driver_sql("SELECT count(*) FROM tally").scalar()  # read first, as a request does
        if before_write:
            before_write()
        connection.execute(sa.text("INSERT INTO tally VALUES (:n)"), {"n": seen + 1})


def _race(app, method: str, path: str = "/") -> list[Exception]:
    """A reads, B reads and writes, then A writes: deferred, A's write fails; immediate, B waits for A."""
    errors: list[Exception] = []

    def other():
        try:
            _read_then_write(app, method, path=path)
        except sa.exc.OperationalError as error:
            errors.append(error)

    def let_the_other_in():
        worker = threading.Thread(target=other)
        worker.start()
        time.sleep(0.5)
        let_the_other_in.worker = worker

    try:
        _read_then_write(app, method, let_the_other_in, path)
    except sa.exc.OperationalError as error:
        errors.append(error)
    let_the_other_in.worker.join()
    return errors


def test_writing_requests_take_turns(file_app):
    assert _race(file_app, "POST") == []
    with file_app.app_context(), db.engine.connect() as connection:
        assert sorted(connection.exec_driver_sql("SELECT n FROM tally").scalars()) == [1, 2]  # B saw A's row


def test_reading_requests_begin_deferred(file_app):
    """The same race under GET shows what IMMEDIATE prevents (and that reads do not take the write lock)."""
    errors = _race(file_app, "GET")
    assert len(errors) == 1 and "locked" in str(errors[0])


def _hold_the_lock(app):
    """Another writer holding SQLite's write lock, released by calling the result."""
    holder = sqlite3.connect(app.config["DATABASE_URL"].removeprefix("sqlite:///"), isolation_level=None,
                             check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO tally VALUES (100)")
    return lambda: (holder.execute("COMMIT"), holder.close())


def test_a_late_writer_reads_beside_another_writer_then_waits_its_turn(file_app):
    release = _hold_the_lock(file_app)
    with file_app.test_request_context("/late", method="POST"), db.engine.connect() as connection:
        with connection.begin():
            started = time.perf_counter()
            assert connection.exec_driver_sql("SELECT count(*) FROM tally").scalar() == 0  # no wait for the lock
            assert time.perf_counter() - started < 1
            threading.Timer(0.3, release).start()
            connection.exec_driver_sql("INSERT INTO tally VALUES (1)")  # waits for the other writer's commit
        assert sorted(connection.exec_driver_sql("SELECT n FROM tally").scalars()) == [1, 100]


def test_late_writers_take_turns(file_app):
    assert _race(file_app, "POST", "/late") == []
    with file_app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM tally").scalar() == 2


def test_a_read_that_must_be_fresh_takes_the_lock_first(file_app):
    """The audit chain's head is read after hold_write_lock: what another writer committed meanwhile is seen."""
    with file_app.test_request_context("/late", method="POST"), db.engine.connect() as connection, \
            connection.begin():
        assert connection.exec_driver_sql("SELECT count(*) FROM tally").scalar() == 0
        _hold_the_lock(file_app)()
        hold_write_lock(connection)
        assert connection.exec_driver_sql("SELECT count(*) FROM tally").scalar() == 1
