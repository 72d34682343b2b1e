"""Database access: the declarative base, column types and the per-app-context session."""

from __future__ import annotations

import enum
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from conflict_service import textsearch

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp always stored and returned in UTC, and always timezone-aware in Python."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; attach a time zone first")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Money(sa.types.TypeDecorator):
    """An exact amount of money (the currency is a separate column)."""

    impl = sa.Numeric(20, 4)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money is Decimal, never float")
        return Decimal(value)

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value)


def enum_column(enum_cls: type[enum.StrEnum], **kwargs) -> sa.Enum:
    """Store a StrEnum by its value in a VARCHAR with a CHECK constraint (portable, migration-friendly); a second
    column of the same enum in one table passes its own ``name`` so that the constraints' names differ."""
    kwargs.setdefault("name", enum_cls.__name__.lower())
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        **kwargs,
    )


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), Decimal: Money()}


class Database:
    """Holds the engine and hands out one session per application context.

    Operations flush but never commit; the request (or CLI command) commits once, or rolls back.
    """

    def __init__(self):
        self._sessionmaker: sessionmaker | None = None

    def init_app(self, app: Flask) -> None:
        url = app.config["DATABASE_URL"]
        engine = sa.create_engine(url, **_engine_options(url))
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
            event.listen(engine, "before_cursor_execute", _sqlite_lock_at_first_write)
            for name in ("commit", "rollback"):
                event.listen(engine, name, _sqlite_end)
        else:
            ping_when_idle(engine, app.config.get("DATABASE_PING_AFTER_IDLE_SECONDS", PING_AFTER_IDLE_SECONDS))
        app.extensions["database"] = {"engine": engine}
        self.configure_sessions(app, bind=engine)
        app.teardown_appcontext(self._remove_session)

    def configure_sessions(self, app: Flask, bind, **options) -> None:
        """(Re)build the session factory; tests bind it to one connection inside a transaction."""
        app.extensions["database"]["sessionmaker"] = sessionmaker(bind=bind, expire_on_commit=False, **options)

    @property
    def engine(self) -> sa.Engine:
        return current_app.extensions["database"]["engine"]

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = current_app.extensions["database"]["sessionmaker"]()
        return g.db_session

    def _remove_session(self, exc=None):
        session = g.pop("db_session", None)
        if session is not None:
            if exc is not None:
                session.rollback()
            session.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def scalar_alongside(self, stmt, values: dict) -> Callable[[], object]:
        """Start a read-only scalar statement on another pooled connection, to run on PostgreSQL while this request
        goes on (fetches its own rows, renders them); the function returned waits for its value. A list page's count
        over a large table takes longer than its rows and their rendering together: counted alongside, the page waits
        for the longer of the two instead of their sum.

        The value is what a statement of this request's own transaction would see: at PostgreSQL's READ COMMITTED,
        which the service uses, each statement reads its own snapshot of what is committed, on either connection. So
        it is only for a request that has written nothing the statement reads (a list page's GET). It runs in line,
        on the session's connection, where another connection could not see the same data or would gain nothing:
        on SQLite, when the session is bound to one connection (the tests' rolled-back transaction), when the pool
        has no idle connection to spare, or when the helper threads are all busy."""
        session = self.session
        engine = self.engine
        pool = engine.pool
        if (engine.dialect.name != "postgresql" or not isinstance(session.bind, sa.Engine)
                or not hasattr(pool, "checkedout") or pool.checkedout() >= pool.size()):
            connection = session.connection()
            return lambda: connection.scalar(stmt, values)
        future = _alongside_helpers().try_submit(_scalar_on_own_connection, engine, stmt, values)
        if future is None:  # every helper thread busy: in line rather than queued behind them
            connection = session.connection()
            return lambda: connection.scalar(stmt, values)
        return future.result


def _engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_size": 10, "max_overflow": 10}  # pinged when idle (ping_when_idle), not at every checkout


# A pooled connection that sat unused this long is pinged before it is handed out (the server restarted, a firewall
# dropped a quiet connection); one in steady use is not: SQLAlchemy's pool_pre_ping costs every request a round trip.
PING_AFTER_IDLE_SECONDS = 10.0


ALONGSIDE_THREADS = 4  # per process: as many as a gunicorn worker's request threads (gunicorn_conf.threads)


class _Helpers:
    """A process's helper threads for :meth:`Database.scalar_alongside`, handing work only to a thread that is free.
    Whether one is free is known when the work is handed over (a count of the threads taken), not guessed later
    from whether it has started: a free thread not yet scheduled on a busy machine looked busy, and the count ran
    in line (CI at eb0a2846)."""

    def __init__(self, threads: int):
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="db-alongside")
        self._free = threading.BoundedSemaphore(threads)

    def try_submit(self, fn, *args) -> Future | None:
        """Run ``fn(*args)`` on a free helper thread; ``None`` when every one is taken."""
        if not self._free.acquire(blocking=False):
            return None

        def run():
            try:
                return fn(*args)
            finally:
                self._free.release()

        try:
            return self._executor.submit(run)
        except BaseException:
            self._free.release()
            raise


_alongside: dict[int, _Helpers] = {}  # by process id: a forked worker makes its own threads
_alongside_lock = threading.Lock()


def _alongside_helpers() -> _Helpers:
    pid = os.getpid()
    with _alongside_lock:
        if pid not in _alongside:
            _alongside[pid] = _Helpers(ALONGSIDE_THREADS)
        return _alongside[pid]


def _scalar_on_own_connection(engine: sa.Engine, stmt, values: dict):
    # One statement is its own transaction: in autocommit (psycopg's client-side switch) neither BEGIN nor ROLLBACK
    # travels to the server and back before the value is handed over.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return connection.scalar(stmt, values)


def ping_when_idle(engine: sa.Engine, seconds: float) -> None:
    """Ping a connection at checkout only when it was checked in over ``seconds`` ago. One that broke while in recent
    use fails its request with a disconnect error, on which SQLAlchemy discards every pooled connection of that age,
    so the next request connects afresh (https://docs.sqlalchemy.org/en/20/core/pooling.html#disconnect-handling)."""

    def checkin(_dbapi_connection, record):
        record.info["checked_in_at"] = time.monotonic()

    def checkout(dbapi_connection, record, _proxy):
        idle_since = record.info.pop("checked_in_at", None)
        if idle_since is None or time.monotonic() - idle_since <= seconds:
            return  # just connected, or in use moments ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # any failure: the pool replaces this connection and tries again
            raise sa.exc.DisconnectionError() from error

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


def _sqlite_pragmas(dbapi_connection, _record):
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (needed for SAVEPOINTs).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    # A search folds names in SQL as in Python (conflict_service.textsearch). SQLite's own lower() folds only ASCII
    # letters: «арам» or «արամ» would miss «Арам» and «Արամ» (Cyrillic and Armenian names), as they do not on
    # PostgreSQL; Python's folds every script, as the searched text is folded itself. SQLite has no translate(). No
    # index is built on either, so nothing stored depends on which one ran.
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
    dbapi_connection.create_function("translate", 3, textsearch.sql_translate, deterministic=True)


def _lower(value):
    return value.lower() if isinstance(value, str) else value


LOCK_LATE = "sqlite_write_lock_late"  # connection.info: a writing request's transaction began deferred


def write_lock_at_first_write(handler):
    """Declare that a handler's reads may come before SQLite's write lock (PostgreSQL: nothing changes).

    Its transaction begins deferred and takes the write lock at its first statement that is not a SELECT: the reads
    before it (the token, validation) then run beside another writer instead of queueing behind it, and may be as
    stale as a read on PostgreSQL without a row lock — so only a handler whose reads lock nothing on PostgreSQL
    either may say so; everything that must not race (a counter, the audit chain) is read after its first write.
    """
    handler.sqlite_write_lock_late = True
    return handler


def _sqlite_begin(connection):
    # A request that changes data takes SQLite's write lock as its transaction begins. Begun deferred, a transaction
    # that reads first (the token, the owner, the counter) fails at once when it comes to write after another writer
    # committed (SQLITE_BUSY, without waiting: the request answered 503); begun IMMEDIATE it waits its turn for up to
    # busy_timeout, as a row lock makes it wait on PostgreSQL. Reads and CLI commands begin deferred as before; so
    # does a handler declared with write_lock_at_first_write, which takes the lock at its first write instead.
    late = _request_writes() and _locks_late()
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _request_writes() and not late else "BEGIN")
    if late:
        connection.info[LOCK_LATE] = True


def _sqlite_lock_at_first_write(connection, cursor, statement, _parameters, _context, _executemany):
    if connection.info.get(LOCK_LATE) and not statement.lstrip()[:6].upper() == "SELECT":
        _take_write_lock(connection.info, cursor.connection)


def hold_write_lock(connection: sa.Connection) -> None:
    """Before a read that must not be stale (the audit chain's head): under ``write_lock_at_first_write``, take
    SQLite's write lock now if no write has taken it yet. Nothing to do otherwise (PostgreSQL locks rows itself)."""
    if connection.info.get(LOCK_LATE):
        _take_write_lock(connection.info, connection.connection.dbapi_connection)


def _take_write_lock(info: dict, dbapi_connection) -> None:
    # Only reads so far: end their snapshot and wait for the write lock, as BEGIN IMMEDIATE would have. A write
    # (or a SAVEPOINT) from a stale snapshot would fail at once with SQLITE_BUSY instead of waiting its turn.
    del info[LOCK_LATE]
    dbapi_connection.execute("COMMIT")
    dbapi_connection.execute("BEGIN IMMEDIATE")


def _sqlite_end(connection):
    connection.info.pop(LOCK_LATE, None)


def _request_writes() -> bool:
    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")


def _locks_late() -> bool:
    from conflict_service.auth.session import api_handler  # the request's handler; auth builds on this module

    return request.endpoint is not None and getattr(api_handler(request.endpoint, request.method),
                                                     "sqlite_write_lock_late", False)


db = Database()


def lock_row(model: type[Base], row_id: int):
    """The row of ``model`` with this id, read again under its lock until the transaction ends (``SELECT ... FOR
    UPDATE OF`` its table on PostgreSQL; SQLite's write lock), so that concurrent changes of it run one after
    another and each sees what the one before wrote; None if there is no such row."""
    stmt = (sa.select(model).where(model.id == row_id).with_for_update(of=model)
            .execution_options(populate_existing=True))
    return db.session.scalars(stmt).one_or_none()
