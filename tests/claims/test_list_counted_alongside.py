"""The claim list on PostgreSQL counts its claims on another pooled connection while it reads and writes the rows
(``Database.scalar_alongside``): the page waits for the longer of the two, not their sum. These tests commit, as a
deployment does: in the suite's rolled-back transaction another connection would see nothing, and the count runs in
line (every other claim-list test runs that way)."""

from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa

from claims import queries
from claims.states import ClaimState
from conflict_service import db as database
from conflict_service.db import db
from tests.helpers import login

pytestmark = [pytest.mark.postgres, pytest.mark.committing]


@pytest.fixture
def listed(app, world, make):
    """Seven claims of Iran's office, two of them paid, committed."""
    claims = [make.claim(world.ir) for _ in range(7)]
    for claim in claims[:2]:
        claim.status = ClaimState.PAID
    db.session.commit()
    return claims


@pytest.fixture
def threads_of_counts(app):
    """The name of the thread that sent each of the claim list's counts."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT COUNT") and "claims" in statement:
            seen.append(threading.current_thread().name)

    engine = app.extensions["database"]["engine"]
    sa.event.listen(engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", record)


def _count_line(html: str) -> str:
    return re.search(r'<p class="muted">([^<]*claims?)</p>', html).group(1)


def test_the_page_counts_on_another_connection_and_shows_the_same_number(app, world, listed, threads_of_counts):
    client = app.test_client()
    login(client, world.ir.clerk)
    html = client.get("/claims").get_data(as_text=True)
    assert _count_line(html) == "7 claims"
    assert html.index('<p class="muted">7 claims</p>') < html.index("<table")  # still above the table
    assert len(re.findall(r'<td data-label="Claim">', html)) == 7
    assert threads_of_counts and all(name.startswith("db-alongside") for name in threads_of_counts)
    html = client.get("/claims?status=paid").get_data(as_text=True)
    assert _count_line(html) == "2 claims" and len(re.findall(r'<td data-label="Claim">', html)) == 2


def test_with_every_helper_thread_busy_the_request_counts_in_line(app, world, listed, threads_of_counts):
    """The helpers are a few threads a process: when all are busy the count does not queue behind them."""
    release = threading.Event()
    helpers = database._alongside_helpers()
    busy = [helpers.try_submit(release.wait, 30) for _ in range(database.ALONGSIDE_THREADS)]
    assert all(busy) and helpers.try_submit(release.wait, 30) is None  # every one taken
    try:
        with app.test_request_context():
            page = queries.claim_list_page(db.session.get(type(world.ir.clerk), world.ir.clerk.id),
                                           queries.ClaimFilters(), 1, 50)
            assert (page.total, len(page.items)) == (7, 7)
    finally:
        release.set()
        for future in busy:
            future.result(timeout=30)
    assert threads_of_counts == [threading.current_thread().name]


def test_a_failing_count_fails_the_request_that_waits_for_it(app, world, listed):
    with app.test_request_context():
        wait = db.scalar_alongside(sa.text("SELECT 1 / 0"), {})
        with pytest.raises(sa.exc.DataError):
            wait()
