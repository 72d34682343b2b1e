"""``generate``: the whole synthetic data set, reference data first, then owners and claims in chunks.

Each chunk is written in its own transaction while the next one is drawn (the database driver releases the GIL),
under the advisory lock that the service's audit writes take on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bench.synth.assess import Assessor
from bench.synth.audit import Chain
from bench.synth.claims import STATES, ClaimMaker
from bench.synth.owners import OwnerMaker, OwnerRow
from bench.synth.world import PASSWORD, World, load_rules
from bench.synth.writer import Writer
from claims.states import ClaimState
from conflict_service.audit.operations import PG_CHAIN_LOCK_KEYS
from conflict_service.auth.passwords import hash_password
from conflict_service.db import Base, db

CHUNK = 20_000


@dataclass
class Outcome:
    claims: int
    owners: int
    rows: dict
    states: dict
    seconds: float


@contextlib.contextmanager
def _chain_lock(conn: sa.Connection):
    """PostgreSQL: hold the audit chain's advisory lock for the whole run, as a normal write holds it."""
    if conn.dialect.name != "postgresql":
        yield
        return
    conn.execute(sa.text(f"SELECT pg_advisory_lock({PG_CHAIN_LOCK_KEYS})"))
    conn.commit()
    try:
        yield
    finally:
        conn.execute(sa.text(f"SELECT pg_advisory_unlock({PG_CHAIN_LOCK_KEYS})"))
        conn.commit()


def generate(claims: int, *, seed: int = 1, progress: Callable[[int], None] | None = None,
             owners: int | None = None) -> Outcome:
    """Write ``claims`` claims (and ~claims/5 owners) with everything around them; returns what was written."""
    started = time.perf_counter()
    rnd = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    owners_n = owners or max(20, claims // 5)
    with db.engine.connect() as conn, _chain_lock(conn):
        writer = Writer(conn)
        chain = Chain(conn, writer)
        world = World(conn, writer, chain, now, hash_password(PASSWORD)).build()
        chain.flush()
        writer.commit()
        load_rules(world.programmes())
        people = _owners(OwnerMaker(world.offices, writer, chain, rnd, now, world.usernames), owners_n)
        maker = ClaimMaker(writer, chain, rnd, now, world, {}, Assessor())
        _claims(conn, writer, maker, people, claims, progress)
        writer.fix_sequences()
        writer.commit()
    settle(db.engine)
    return Outcome(claims, owners_n, dict(writer.counts), {s.value: n for s, n in maker.state_counts.items()},
                   time.perf_counter() - started)


def settle(engine: sa.Engine) -> None:
    """PostgreSQL: leave the tables as autovacuum keeps them in service, vacuumed and analysed. A bulk load that no
    vacuum has followed (autovacuum off, as on a test server, or not yet round) has no visibility map: a count that
    an index could answer alone reads every matching page of the table instead (the claim list's count: 3,017 table
    pages and 10–14 ms at 100,000 claims, against an index-only scan of 43 pages and 2–5 ms once vacuumed), so every
    figure measured on it would describe a database no installation runs for long."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:  # VACUUM: outside a transaction
        # this schema's tables only: another installation (a test worker's schema) in the same database is not ours
        tables = conn.scalars(sa.text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                      "ORDER BY tablename")).all()
        if tables:
            quote = conn.dialect.identifier_preparer.quote
            conn.execute(sa.text(f"VACUUM ANALYZE {', '.join(quote(t) for t in tables)}"))


def _owners(maker: OwnerMaker, n: int) -> list[OwnerRow]:
    people: list[OwnerRow] = []
    for start in range(0, n, CHUNK):
        people += maker.make(min(CHUNK, n - start))
        maker.chain.flush()
        maker.w.commit()
    return people


def _claims(conn, writer: Writer, maker: ClaimMaker, people: list[OwnerRow], claims: int, progress) -> None:
    """Draw the claims chunk by chunk; the database takes one chunk while the next is drawn."""
    counters = Counters(conn)
    maker.counters = counters.numbers
    writer.prime()
    pending: tuple[Future, int] | None = None
    with ThreadPoolExecutor(max_workers=1) as pool:
        for done in range(0, claims, CHUNK):
            n = min(CHUNK, claims - done)
            _draw_chunk(maker, people, done, n)
            _wait(pending, progress)
            pending = pool.submit(_write_chunk, writer, counters, maker.take(), dict(counters.numbers)), n
        _wait(pending, progress)
    counters.save(counters.numbers)


def _draw_chunk(maker: ClaimMaker, people: list[OwnerRow], done: int, n: int) -> None:
    """The first claims of a run go to every state in turn, so that even a small run has each of them."""
    forced = [s for s, _w, _a in STATES]
    insured = next((o for o in people if o.insured), None)
    for k in range(done, done + n):
        owner = maker.rnd.choice(people)
        state = forced[k] if k < len(forced) else None
        if state == ClaimState.AWAITING_FUNDS and insured is not None:
            owner = insured
        maker.claim(owner, state)


def _wait(pending, progress) -> None:
    if pending is not None:
        pending[0].result()
        if progress:
            progress(pending[1])


def _write_chunk(writer: Writer, counters: Counters, tables: list[tuple[str, list]], numbers: dict) -> None:
    for name, rows in tables:
        writer.write(name, rows)
    counters.save(numbers)  # an interrupted run leaves no claim number reusable
    writer.commit()


class Counters:
    """The claim number counters per office and year: continued from the database, saved with each chunk."""

    def __init__(self, conn: sa.Connection):
        self.conn, self.table = conn, Base.metadata.tables["claim_counters"]
        self.numbers = {(r.office_id, r.year): r.last_seq for r in conn.execute(sa.select(self.table))}
        self.saved = dict(self.numbers)

    def save(self, numbers: dict) -> None:
        for (office_id, year), seq in numbers.items():
            if (office_id, year) not in self.saved:
                self.conn.execute(sa.insert(self.table).values(office_id=office_id, year=year, last_seq=seq))
            elif seq != self.saved[(office_id, year)]:
                self.conn.execute(sa.update(self.table).where(self.table.c.office_id == office_id,
                                                              self.table.c.year == year).values(last_seq=seq))
        self.saved.update(numbers)
