"""Helpers for driving the web UI and the API in tests."""

from __future__ import annotations

import re

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
