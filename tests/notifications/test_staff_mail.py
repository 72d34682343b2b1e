"""Staff e-mail (DESIGN §11) through a real SMTP server (aiosmtpd on 127.0.0.1): the daily digest in the user's
language, escalation to the jurisdiction's managers, never twice for the same item and day; digests can be
turned off. A frozen clock walks a verified claim past its decision deadline."""

from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from conflict_service.db import db
from notifications import digests, sender
from notifications.enums import MessageState, Template
from notifications.operations import set_staff_contact
from tests.helpers import bearer
from tests.notifications.support import outbox


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 - aiosmtpd's handler API
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app, monkeypatch):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{controller.port}")
    monkeypatch.setitem(app.config, "MAIL_FROM", "service@example.org")
    yield inbox
    controller.stop()


def _mail(user, email, wanted=True):
    set_staff_contact(user, {"email": email, "is_digest_wanted": wanted}, user)


def test_digest_line_and_escalation_for_a_claim_past_its_decision_deadline(world, payouts, smtp, daytime):
    ir = world.ir
    ir.manager.preferred_language = "ru"
    _mail(ir.manager, "manager@example.org")
    _mail(ir.manager2, "manager2@example.org", wanted=False)  # no digest, but escalations still come
    _mail(world.am.manager, "am@example.org")  # another country: hears nothing of Iran's claims
    payouts.rates(ir)
    claim = payouts.verified(ir)
    db.session.commit()

    assert digests.queue_digests() == 0  # due in seven days: nothing yet
    daytime.move_to(claim.due_at - timedelta(hours=2))  # due later today
    assert digests.queue_digests() == 1
    assert digests.queue_digests() == 0  # once a day
    daytime.move_to(claim.due_at + timedelta(hours=1))
    assert digests.escalate() == 0  # overdue, but not yet by 24 hours
    daytime.move_to(claim.due_at + timedelta(days=1, hours=2))
    assert digests.queue_digests() == 1  # the next day's digest: overdue
    assert digests.escalate() == 2  # both managers of Iran
    assert digests.escalate() == 0  # never twice for the same claim and day
    db.session.commit()
    assert sender.send_due().sent == 4
    by_address = {}
    for rcpt, mail in smtp.messages:
        by_address.setdefault(rcpt[0], []).append(mail)
    assert sorted(by_address) == ["manager2@example.org", "manager@example.org"]
    first, second, escalation = by_address["manager@example.org"]
    assert first["Subject"] == "Заявки к исполнению: просрочено 0, срок сегодня 1"
    assert claim.number in first.get_content() and claim.number in second.get_content()
    assert "просрочено" in second["Subject"] and first["Content-Language"] == "ru"
    assert "Эскалация" in escalation["Subject"] and claim.number in escalation.get_content()
    assert "просрочены более чем на 24 часа:" in escalation.get_content()  # the hours in the plural of 24
    [only] = by_address["manager2@example.org"]
    assert only["Subject"].startswith("Escalated: 1 claim overdue")
    assert [m.template for m in outbox(user_id=ir.manager2.id)] == [Template.ESCALATION]
    assert all(m.state == MessageState.SENT for m in outbox(user_id=ir.manager.id))


def test_users_set_their_mail_and_turn_the_digest_off(client, world):
    headers = bearer(client, world.ir.verifier)
    assert client.get("/api/v1/me/mail", headers=headers).get_json() == {"email": None, "is_digest_wanted": True}
    r = client.put("/api/v1/me/mail", json={"email": "not-an-address"}, headers=headers)
    assert r.status_code == 422 and list(r.get_json()["errors"]) == ["email"]
    r = client.put("/api/v1/me/mail", json={"email": "v@example.org", "is_digest_wanted": False}, headers=headers)
    assert r.status_code == 200 and r.get_json() == {"email": "v@example.org", "is_digest_wanted": False}


def test_an_unreachable_mail_server_retries(app, monkeypatch, world, payouts, daytime):
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{_free_port()}")
    _mail(world.ir.manager, "manager@example.org")
    payouts.rates(world.ir)
    claim = payouts.verified(world.ir)
    daytime.move_to(claim.due_at + timedelta(hours=1))
    digests.queue_digests()
    db.session.commit()
    result = sender.send_due()
    assert (result.sent, result.retrying) == (0, 1)
    [message] = outbox(user_id=world.ir.manager.id)
    assert message.state == MessageState.QUEUED and "ConnectionRefused" in message.last_error
