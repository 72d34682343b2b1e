"""Helpers for driving the web UI and the API in tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from tests.factories import PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, user_or_name, password: str = PASSWORD):
    username = getattr(user_or_name, "username", user_or_name)
    token = csrf_token(client)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def whole(reference: str) -> str:
    """A reference (a claim's number) as a message composed in Python shows it: no language, kept whole."""
    return f'<bdi lang="zxx" dir="ltr">{reference}</bdi>'


def post_form(client, path: str, data: dict, *, form_path: str | None = None):
    """POST a form with a fresh CSRF token taken from the page that shows it."""
    data = dict(data)
    data["csrf_token"] = csrf_token(client, form_path or path)
    return client.post(path, data=data)


def bearer(client, user_or_name, password: str = PASSWORD) -> dict:
    username = getattr(user_or_name, "username", user_or_name)
    r = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert r.status_code == 201, r.get_json()
    return {"Authorization": f"Bearer {r.get_json()['token']}"}



SAVEPOINTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@contextmanager
def sql_statements(app, *, savepoints: bool = True) -> Iterator[list[str]]:
    """The SQL statements the database is sent while the block runs, each on one line (whitespace collapsed);
    ``savepoints=False`` leaves out the test's own savepoints."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if savepoints or not statement.startswith(SAVEPOINTS):
            seen.append(" ".join(statement.split()))

    engine = app.extensions["database"]["engine"]
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
