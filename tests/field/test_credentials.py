"""Field-device credentials: made by a verifier on their profile or through the API, shown once, revocable by the
verifier or an administrator, audited, and never the web password."""

from __future__ import annotations

import re

import sqlalchemy as sa

from conflict_service.audit.models import AuditEvent
from conflict_service.auth.models import FieldCredential
from conflict_service.db import db
from tests.field.device import Device
from tests.helpers import bearer, login, post_form


def test_a_verifier_creates_lists_and_revokes_a_credential_through_the_api(client, world):
    headers = bearer(client, world.ir.verifier)
    created = client.post("/api/v1/users/me/field-credentials", json={"label": "Samsung A14"}, headers=headers)
    assert created.status_code == 201
    body = created.get_json()
    assert body["username"].startswith("verifier_ir.") and len(body["password"]) == 24
    assert body["server_url"] == "http://localhost/openrosa"
    device = Device(client, body["username"], body["password"])
    assert device.request("HEAD", "/openrosa/submission").status_code == 204

    listed = client.get("/api/v1/users/me/field-credentials", headers=headers).get_json()
    assert [c["label"] for c in listed] == ["Samsung A14"] and "password" not in listed[0]
    web_password = Device(client, body["username"], "correct horse battery")
    web_password.challenge = None
    assert web_password.request("HEAD", "/openrosa/submission").status_code == 401

    revoked = client.delete(f"/api/v1/users/me/field-credentials/{body['id']}", headers=headers)
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    assert device.request("HEAD", "/openrosa/submission").status_code == 401
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("user.field_%"))
                                 .order_by(AuditEvent.seq)).all()  # in the order they happened
    assert actions == ["user.field_credential_created", "user.field_credential_revoked"]


def test_only_verifiers_make_credentials_and_nobody_revokes_anothers_but_an_administrator(client, world):
    assert client.post("/api/v1/users/me/field-credentials", json={},
                       headers=bearer(client, world.ir.clerk)).status_code == 403
    mine = client.post("/api/v1/users/me/field-credentials", json={},
                       headers=bearer(client, world.ir.verifier)).get_json()
    other = bearer(client, world.ir.verifier2)
    assert client.delete(f"/api/v1/users/me/field-credentials/{mine['id']}", headers=other).status_code == 404
    admin = bearer(client, world.ir.admin)
    path = f"/api/v1/users/{world.ir.verifier.id}/field-credentials"
    assert [c["id"] for c in client.get(path, headers=admin).get_json()] == [mine["id"]]
    assert client.delete(f"{path}/{mine['id']}", headers=admin).status_code == 200


def test_the_profile_page_shows_the_password_once(client, world):
    login(client, world.ir.verifier)
    page = post_form(client, "/profile/field-credentials", {"label": "Tecno Spark"}, form_path="/profile")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "shown only once" in html
    password = re.search(r"data-field-password>([^<]+)<", html).group(1)
    assert password not in client.get("/profile").get_data(as_text=True)
    assert "Tecno Spark" in client.get("/profile").get_data(as_text=True)
    # the name's example is the verifier's own area, not an office on the other side of the border
    assert "For example: Samsung A14, Region of IR." in client.get("/profile").get_data(as_text=True)


def test_the_cli_creates_lists_and_revokes_a_verifiers_devices(app, client, world, runner, tmp_path, monkeypatch):
    """``flask field device-new``: the same credential the profile page makes, its password and settings code once
    (drawn in the terminal, or saved as a picture to import); ``devices`` and ``device-revoke`` for the verifier, and
    for an administrator of theirs with ``--owner``."""
    verifier, admin = world.ir.verifier.username, world.ir.admin.username
    unset = runner.invoke(args=["field", "device-new", "--as", verifier])
    assert unset.exit_code != 0 and "PUBLIC_BASE_URL" in unset.output
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://claims.example.org")
    made = runner.invoke(args=["field", "device-new", "--label", "Tecno Spark", "--language", "ru", "--as", verifier])
    assert made.exit_code == 0, made.output
    username = re.search(r"Username: +(\S+)", made.output).group(1)
    password = re.search(r"Password: +(\S+)", made.output).group(1)
    assert "Server URL: https://claims.example.org/openrosa" in made.output
    assert "\u2588" in made.output or "\u2580" in made.output  # the code, drawn with block characters
    device = Device(client, username, password)
    assert device.request("HEAD", "/openrosa/submission").status_code == 204
    picture = tmp_path / "phone.png"
    saved = runner.invoke(args=["field", "device-new", "--qr-png", str(picture), "--as", verifier])
    assert saved.exit_code == 0 and picture.read_bytes().startswith(b"\x89PNG")

    listed = runner.invoke(args=["field", "devices", "--as", verifier])
    assert listed.exit_code == 0 and "Tecno Spark" in listed.output and "2 device(s)" in listed.output
    assert password not in listed.output
    first = int(re.search(rf"^\s*(\d+)\s+{re.escape(username)}", listed.output, re.M).group(1))
    other = runner.invoke(args=["field", "devices", "--owner", verifier, "--as", world.ir.clerk.username])
    assert other.exit_code != 0 and "administrator" in other.output
    revoked = runner.invoke(args=["field", "device-revoke", str(first), "--owner", verifier, "--as", admin])
    assert revoked.exit_code == 0 and "can no longer connect" in revoked.output, revoked.output
    db.session.expire_all()
    assert device.request("HEAD", "/openrosa/submission").status_code == 401
    assert "revoked" in runner.invoke(args=["field", "devices", "--owner", verifier, "--as", admin]).output
    events = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("user.field_credential%")))
    assert sorted(events) == ["user.field_credential_created"] * 2 + ["user.field_credential_revoked"]


def test_a_name_too_long_is_refused_at_its_field_on_the_page_the_api_and_the_cli(client, world, runner, app,
                                                                                   monkeypatch):
    """Not cut to 80 characters behind the verifier's back: refused with the reason, what was typed kept, no device
    made — the same rule (the API's schema) on every way in."""
    name = "Samsung Galaxy A14 of the Herat office, the one with the cracked screen and the blue cover, kept by Nazir"
    login(client, world.ir.verifier)
    page = post_form(client, "/profile/field-credentials", {"label": name}, form_path="/profile")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Use at most 80 characters." in html and f'value="{name}"' in html
    assert 'class="qr-code"' not in html
    api = client.post("/api/v1/users/me/field-credentials", json={"label": name},
                      headers=bearer(client, world.ir.verifier))
    assert api.status_code == 422 and api.get_json()["errors"]["label"] == ["Use at most 80 characters."]
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://claims.example.org")
    cli = runner.invoke(args=["field", "device-new", "--label", name, "--as", world.ir.verifier.username])
    assert cli.exit_code != 0 and "Use at most 80 characters." in cli.output and "Password" not in cli.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FieldCredential)) == 0


def test_the_cli_refuses_what_the_page_refuses(app, world, make, runner, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://claims.example.org")
    clerk = runner.invoke(args=["field", "device-new", "--as", world.ir.clerk.username])
    assert clerk.exit_code != 0 and "Only field verifiers" in clerk.output
    for _ in range(5):
        assert runner.invoke(args=["field", "device-new", "--as", world.ir.verifier.username]).exit_code == 0
    sixth = runner.invoke(args=["field", "device-new", "--as", world.ir.verifier.username])
    assert sixth.exit_code != 0 and "already have 5 active devices" in sixth.output
    armenia = make.user("admin", world.am.country, username="admin_am")  # administers Armenia's users only
    db.session.commit()
    stranger = runner.invoke(args=["field", "device-revoke", "1", "--owner", world.ir.verifier.username,
                                   "--as", armenia.username])
    assert stranger.exit_code != 0 and "Not found" in stranger.output
