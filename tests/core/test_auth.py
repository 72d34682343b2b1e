"""Sign-in, lockout, sessions, API tokens, CSRF and configuration refusals."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from conflict_service.app import create_app
from conflict_service.audit.models import AuditEvent
from conflict_service.auth import operations as auth_ops
from conflict_service.auth.models import User, UserSession
from conflict_service.config import ConfigError
from conflict_service.db import db
from conflict_service.timeutil import utcnow
from tests.helpers import bearer, csrf_token, login

REFUSED = "Wrong username or password, or the account is locked for 15 minutes after 5 failed sign-ins."


def test_sign_in_and_out(client, world):
    r = login(client, world.ir.clerk)
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, world):
    r = login(client, world.ir.clerk, password="wrong password")
    assert r.status_code == 401
    assert REFUSED in r.get_data(as_text=True)
    r = login(client, "nobody-here", password="wrong password")
    assert r.status_code == 401
    assert client.get("/").status_code == 302


def test_lockout_after_repeated_failures(client, world):
    for _ in range(5):
        login(client, world.ir.clerk, password="wrong password")
    r = login(client, world.ir.clerk)  # even the right password is refused while locked
    assert r.status_code == 401
    assert REFUSED in r.get_data(as_text=True)
    with time_machine.travel(utcnow() + timedelta(minutes=16), tick=False):
        assert login(client, world.ir.clerk).status_code == 302


def test_idle_session_expires(client, world):
    login(client, world.ir.clerk)
    with time_machine.travel(utcnow() + timedelta(minutes=31), tick=False):
        r = client.get("/claims")
        assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_the_session_cookie_is_sent_again_only_when_its_last_use_moved(client, world):
    """Every page refreshes the idle clock, but the cookie is signed and sent again only when that moved by a
    sixtieth of the idle limit (30 s of 30 minutes): most pages answer without Set-Cookie."""
    start = utcnow()
    with time_machine.travel(start, tick=False):
        login(client, world.ir.clerk)
    for seconds in (5, 10):
        with time_machine.travel(start + timedelta(seconds=seconds), tick=False):
            r = client.get("/claims")
    assert r.status_code == 200 and "Set-Cookie" not in r.headers
    for minutes in (20, 40, 60):  # in use every 20 minutes: the idle clock moves, the session lives on
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            r = client.get("/claims")
            assert r.status_code == 200 and "session=" in r.headers.get("Set-Cookie", "")
    with time_machine.travel(start + timedelta(minutes=91), tick=False):
        assert client.get("/claims").status_code == 302  # 31 minutes idle


def test_absolute_session_limit(client, world):
    start = utcnow()
    login(client, world.ir.clerk)
    for minutes in range(20, 12 * 60, 20):  # active all day: never idle, still ends after 12 hours
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get("/claims").status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=5), tick=False):
        assert client.get("/claims").status_code == 302


def test_forms_without_csrf_token_are_refused(client, world):
    r = client.post("/login", data={"username": "clerk_ir", "password": "x"})
    assert r.status_code == 400
    login(client, world.ir.clerk)
    r = client.post("/owners/new", data={"name": "No token", "village": "X", "office_id": world.ir.office.id})
    assert r.status_code == 400
    assert "The CSRF token is missing" in r.get_data(as_text=True) or "form" in r.get_data(as_text=True).lower()


def test_api_token_lifecycle(client, world):
    headers = bearer(client, world.ir.manager)
    assert client.get("/api/v1/auth/me", headers=headers).get_json()["username"] == "manager_ir"
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    r = client.get("/api/v1/auth/me", headers=headers)
    assert r.status_code == 401
    assert "revoked" in r.get_json()["message"]


def test_api_token_expires(client, world):
    headers = bearer(client, world.ir.manager)
    with time_machine.travel(utcnow() + timedelta(hours=13), tick=False):
        assert client.get("/api/v1/claims", headers=headers).status_code == 401


def test_api_wrong_credentials(client, world):
    r = client.post("/api/v1/auth/token", json={"username": "clerk_ir", "password": "nope"})
    assert r.status_code == 401
    assert r.get_json()["message"] == REFUSED
    r = client.post("/api/v1/auth/token", json={"username": "clerk_ir"})
    assert r.status_code == 422
    assert r.get_json()["errors"] == {"password": ["This field is required."]}


def test_api_ignores_session_cookies(client, world):
    login(client, world.ir.clerk)
    assert client.get("/api/v1/claims").status_code == 401


def test_no_secret_key_no_start(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})


def test_users_cli(runner, world):
    r = runner.invoke(args=["users", "create", "field_officer", "--role", "verifier", "--jurisdiction", "IR-REG",
                            "--password-stdin"], input="a long enough password\n")
    assert r.exit_code == 0, r.output
    assert "Created field_officer (verifier) in IR-REG" in r.output
    r = runner.invoke(args=["users", "create", "short", "--role", "clerk", "--jurisdiction", "IR", "--password-stdin"],
                      input="short\n")
    assert r.exit_code != 0 and "at least 10 characters" in r.output
    r = runner.invoke(args=["users", "create", "x_user", "--role", "clerk", "--jurisdiction", "ZZ", "--password-stdin"],
                      input="a long enough password\n")
    assert r.exit_code != 0 and "No jurisdiction with the code ZZ" in r.output
    listing = runner.invoke(args=["users", "list"]).output
    assert "field_officer" in listing and "IR-REG" in listing
    db.session.expire_all()


def test_sign_in_is_rate_limited(client, world):
    statuses = [client.post("/api/v1/auth/token", json={"username": "nobody", "password": "x"}).status_code
                for _ in range(11)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    r = client.post("/api/v1/auth/token", json={"username": "nobody", "password": "x"})
    assert r.get_json()["message"] == "Too many attempts. Please wait a moment and try again."
    assert int(r.headers["Retry-After"]) > 0


def test_production_session_cookie_is_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("CONFLICT_DEPLOYMENT", "production")
    monkeypatch.setenv("SECRET_KEY", "a production secret")
    monkeypatch.setenv("AUDIT_KEY", "an audit key of at least thirty-two characters")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "INSTANCE": str(tmp_path)})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    with app.test_request_context("/", base_url="https://example.org"):
        from flask import session
        session["seen"] = 1
        response = app.make_response("ok")
        app.session_interface.save_session(app, session, response)
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    monkeypatch.setenv("CONFLICT_DEPLOYMENT", "development")
    assert create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'y.db'}"}).config["SESSION_COOKIE_SECURE"] is False


def _copy_of_cookie(app, client):
    """Another browser holding a copy of the client's session cookie (as a thief would)."""
    thief = app.test_client()
    thief.set_cookie("lcs_session", client.get_cookie("lcs_session").value, domain="localhost")
    return thief


def test_signing_out_ends_the_session_on_the_server(app, client, world):
    login(client, world.ir.clerk)
    thief = _copy_of_cookie(app, client)
    assert thief.get("/claims").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    r = thief.get("/claims")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_a_new_password_ends_every_session_and_token(app, client, world):
    login(client, world.ir.clerk)
    other = app.test_client()
    login(other, world.ir.clerk)
    headers = bearer(app.test_client(), world.ir.clerk)
    auth_ops.set_password(world.ir.clerk, "a brand new password", world.ir.clerk)
    db.session.commit()
    assert client.get("/claims").status_code == 302 and other.get("/claims").status_code == 302
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_deactivation_ends_sessions_and_revokes_tokens_for_good(app, client, world):
    login(client, world.ir.clerk)
    headers = bearer(app.test_client(), world.ir.clerk)
    admin = bearer(app.test_client(), world.ir.users["admin"])
    path = f"/api/v1/users/{world.ir.clerk.id}"
    assert client.patch(path, json={"is_active": False}, headers=admin).status_code == 200
    assert client.get("/claims").status_code == 302
    assert client.patch(path, json={"is_active": True}, headers=admin).status_code == 200
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401  # reactivation brings no token back
    db.session.expire_all()
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "user.updated")
                               .order_by(AuditEvent.seq)).first()
    assert event.data == {"sessions_ended": 1, "tokens_revoked": 1}
    assert login(client, world.ir.clerk).status_code == 302  # the person may sign in again and get a new token
    assert client.get("/claims").status_code == 200


def test_a_locked_account_and_an_unknown_name_get_the_same_answer(client, world):
    for _ in range(6):
        locked = client.post("/api/v1/auth/token", json={"username": "clerk_ir", "password": "wrong password"})
    unknown = client.post("/api/v1/auth/token", json={"username": "no_such_user", "password": "wrong password"})
    same = ("status", "code", "message", "errors")
    assert [locked.get_json()[k] for k in same] == [unknown.get_json()[k] for k in same]
    assert locked.status_code == unknown.status_code == 401
    db.session.expire_all()
    assert db.session.get(User, world.ir.clerk.id).locked_until is not None  # the account is locked all the same


def test_sign_in_is_limited_per_purpose_across_the_page_and_the_token_endpoint(client, world):
    for _ in range(10):
        assert client.post("/api/v1/auth/token", json={"username": "nobody", "password": "x"}).status_code == 401
    token = csrf_token(client)
    r = client.post("/login", data={"username": "nobody", "password": "x", "csrf_token": token})
    assert r.status_code == 429  # the page draws on the same allowance as the token endpoint


def test_sessions_past_the_absolute_limit_are_forgotten_at_the_next_sign_in(app, client, world):
    login(client, world.ir.clerk)
    with time_machine.travel(utcnow() + timedelta(hours=13), tick=False):
        login(app.test_client(), world.ir.clerk)
    rows = db.session.scalars(sa.select(UserSession).where(UserSession.user_id == world.ir.clerk.id)).all()
    assert len(rows) == 1
