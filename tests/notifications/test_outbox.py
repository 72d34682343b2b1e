"""The managers' outbox (DESIGN §11): filters and states, failures with their reasons, resend (page, API, CLI);
previews of every owner's text per locale."""

from __future__ import annotations

import sqlalchemy as sa

from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from conflict_service.i18n import native_digits
from notifications import sender
from notifications.enums import MessageState
from tests.helpers import bearer, login, post_form
from tests.notifications.support import consent, outbox


def failed_message(world, make, generic):
    generic.answers = [(400, "invalid number")]
    owner = make.owner(world.ir.clerk, world.ir.office)
    consent(owner, world.ir.clerk, language="en")
    make.claim(world.ir, owner)
    db.session.commit()
    sender.send_due()
    [message] = outbox(owner_id=owner.id)
    assert message.state == MessageState.FAILED
    return message


def test_the_page_lists_failures_with_reasons_and_resends(client, world, make, generic, daytime):
    message = failed_message(world, make, generic)
    login(client, world.ir.manager)
    page = client.get("/outbox?state=failed").get_data(as_text=True)
    assert "invalid number" in page and "Send again" in page and message.address in page
    assert "No messages match" in client.get("/outbox?state=delivered").get_data(as_text=True)
    r = post_form(client, f"/outbox/{message.id}/resend", {"next": "https://evil.example/outbox"}, form_path="/outbox")
    assert r.status_code == 302 and r.headers["Location"].endswith("/outbox")  # only a same-site path is followed
    assert "evil.example" not in r.headers["Location"]
    assert outbox(owner_id=message.owner_id)[0].state == MessageState.QUEUED
    assert sender.send_due().sent == 1 and len(generic.accepted) == 1
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "outbox_message.resent"))


def test_api_lists_filters_and_resends_once(client, world, make, generic, daytime):
    message = failed_message(world, make, generic)
    items = client.get("/api/v1/outbox?state=failed", headers=bearer(client, world.ir.auditor)).get_json()["items"]
    assert [(m["id"], m["last_error"][:8]) for m in items] == [(message.id, "HTTP 400")]
    assert items[0]["address"].endswith("67") and "+98" not in items[0]["address"]  # auditors: masked
    claim_pin = message.params["pin"]
    assert claim_pin not in items[0]["text"] and "••••••" in items[0]["text"]
    assert native_digits(claim_pin, message.language) not in items[0]["text"]  # as the owner's digits wrote it
    assert client.get("/api/v1/outbox", headers=bearer(client, world.am.manager)).get_json()["items"] == []
    headers = bearer(client, world.ir.manager)
    assert client.post(f"/api/v1/outbox/{message.id}/resend", headers=headers).get_json()["state"] == "queued"
    again = client.post(f"/api/v1/outbox/{message.id}/resend", headers=headers)
    assert again.status_code == 409  # only a failed message is sent again
    assert client.post(f"/api/v1/outbox/{message.id}/resend", headers=bearer(client, world.am.manager)).status_code \
        == 404


def test_cli_lists_and_resends(runner, world, make, generic, daytime):
    message = failed_message(world, make, generic)
    listed = runner.invoke(args=["notifications", "outbox", "--as", world.ir.manager.username, "--state", "failed"])
    assert f"#{message.id}" in listed.output and "invalid number" in listed.output
    resent = runner.invoke(args=["notifications", "resend", str(message.id), "--as", world.ir.manager.username])
    assert resent.exit_code == 0, resent.output
    sent = runner.invoke(args=["notifications", "send"])
    assert "sent 1," in sent.output


def test_previews_per_locale(client, world):
    rows = client.get("/api/v1/outbox/previews?locale=hy", headers=bearer(client, world.ir.manager)).get_json()
    assert [r["template"] for r in rows] == ["filed", "visited", "approved", "rejected", "paid"]
    assert all(r["locale"] == "hy" and r["segment_size"] == 70 for r in rows)
    login(client, world.ir.manager)
    page = client.get("/outbox/previews?locale=fa").get_data(as_text=True)
    assert "درخواست IR-DRG-2026-000078 ثبت شد" in page
