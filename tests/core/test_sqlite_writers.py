"""SQLite: a request that changes data begins its transaction IMMEDIATE, so that two writers take turns (as a row
lock makes them on PostgreSQL) instead of the second failing when it comes to write (answered 503 before)."""

import threading
import time

import pytest
import sqlalchemy as sa

from conflict_service.app import create_app
from conflict_service.db import db


@pytest.fixture
def file_app(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'writers.db'}", "SECRET_KEY": "test",
                      "INSTANCE": str(tmp_path)})
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE tally (n INTEGER)")
    return app


def _read_then_write(app, method: str, before_write=None) -> None:
    with app.test_request_context("/", method=method), db.engine.connect() as connection, connection.begin():
        seen = connection.exec_driver_sql("SELECT count(*) FROM tally").scalar()  # read first, as a request does
        if before_write:
            before_write()
        connection.execute(sa.text("INSERT INTO tally VALUES (:n)"), {"n": seen + 1})


def _race(app, method: str) -> list[Exception]:
    """A reads, B reads and writes, then A writes: deferred, A's write fails; immediate, B waits for A."""
    errors: list[Exception] = []

    def other():
        try:
            _read_then_write(app, method)
        except sa.exc.OperationalError as error:
            errors.append(error)

    def let_the_other_in():
        worker = threading.Thread(target=other)
        worker.start()
        time.sleep(0.5)
        let_the_other_in.worker = worker

    try:
        _read_then_write(app, method, let_the_other_in)
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
