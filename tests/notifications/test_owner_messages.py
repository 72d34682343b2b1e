"""Owners hear about their claims by SMS (DESIGN §11): with consent only, once, in their language, never after a
rolled-back change or after STOP; a real HTTP server on 127.0.0.1 stands in for the gateway."""

from __future__ import annotations

import threading
from datetime import timedelta

from conflict_service.db import db
from conflict_service.i18n import native_digits
from notifications import operations, sender
from notifications.enums import ConsentChannel, MessageState, Template
from tests.helpers import sql_statements
from tests.notifications.support import consent, outbox


def test_filing_sends_the_owner_one_message_in_their_language(world, make, generic, daytime):
    owner = make.owner(world.ir.clerk, world.ir.office)
    consent(owner, world.ir.clerk, language="fa")
    claim = make.claim(world.ir, owner)
    db.session.commit()
    [message] = outbox(claim_id=claim.id)
    assert (message.template, message.state, message.language) == (Template.FILED, MessageState.QUEUED, "fa")

    assert sender.send_due().sent == 1
    assert sender.send_due().sent == 0  # nothing is sent twice
    [got] = generic.accepted
    body = got.json()
    assert got.headers["Authorization"] == "Bearer tok-123"
    assert body["to"] == "+98 915 123 4567" and body["reference"] == f"lcs-{message.id}"
    # The PIN in the owner's digits (the status page and STATUS texts read both)
    assert claim.number in body["text"] and native_digits(claim.pin, "fa") in body["text"] and "درخواست" in body["text"]
    assert "http" not in body["text"]  # Iran's profile refuses links
    assert outbox(claim_id=claim.id)[0].state == MessageState.SENT


def test_filing_reads_only_the_language_consented_to_and_nothing_for_an_owner_without_a_phone(app, world, make):
    texted, no_phone = make.owner(world.ir.clerk, world.ir.office), make.owner(world.ir.clerk, world.ir.office)
    consent(texted, world.ir.clerk, language="fa")
    no_phone.phone = None
    db.session.commit()
    with sql_statements(app) as statements:
        make.claim(world.ir, texted)
        read_for_texted = [s for s in statements if " FROM consents" in s]
        statements.clear()
        make.claim(world.ir, no_phone)
    # One column of the consent row, without the owner and office its relations would join in
    assert len(read_for_texted) == 1 and read_for_texted[0].startswith("SELECT consents.language FROM consents WHERE")
    assert [s for s in statements if " FROM consents" in s] == []  # no phone: no text, nothing to read
    db.session.commit()
    assert [m.language for m in outbox(owner_id=texted.id)] == ["fa"] and outbox(owner_id=no_phone.id) == []


def test_no_consent_no_message(world, make, generic, daytime):
    claim = make.claim(world.ir)
    declined = make.owner(world.ir.clerk, world.ir.office)
    consent(declined, world.ir.clerk, channel=ConsentChannel.NONE)
    make.claim(world.ir, declined)
    db.session.commit()
    assert outbox(claim_id=claim.id) == [] and outbox(owner_id=declined.id) == []
    assert sender.send_due().sent == 0 and generic.received == []


def test_a_rolled_back_change_sends_nothing(world, make, generic, daytime):
    owner = make.owner(world.ir.clerk, world.ir.office)
    consent(owner, world.ir.clerk)
    db.session.commit()
    savepoint = db.session.begin_nested()
    make.claim(world.ir, owner)
    savepoint.rollback()
    db.session.commit()
    assert outbox(owner_id=owner.id) == []
    assert sender.send_due().sent == 0 and generic.received == []


def test_a_gateway_failing_twice_then_accepting_gets_the_message_once(world, make, generic, daytime):
    generic.answers = [(503, "busy"), (500, "oops")]
    owner = make.owner(world.ir.clerk, world.ir.office)
    consent(owner, world.ir.clerk, language="en")
    make.claim(world.ir, owner)
    db.session.commit()
    assert sender.send_due().retrying == 1
    assert sender.send_due().sent == 0  # backing off: not due yet
    daytime.shift(timedelta(minutes=1, seconds=1))
    assert sender.send_due().retrying == 1
    daytime.shift(timedelta(minutes=4, seconds=1))
    assert sender.send_due().sent == 1
    daytime.shift(timedelta(hours=1))
    assert sender.send_due().sent == 0
    assert len(generic.received) == 3 and len(generic.accepted) == 1
    [message] = outbox(owner_id=owner.id)
    assert (message.state, message.attempts, message.last_error) == (MessageState.SENT, 3, None)


def test_a_refusing_gateway_fails_the_message_with_its_reason(world, make, generic, daytime):
    generic.answers = [(400, "invalid number")]
    owner = make.owner(world.ir.clerk, world.ir.office)
    consent(owner, world.ir.clerk)
    make.claim(world.ir, owner)
    db.session.commit()
    assert sender.send_due().failed == 1
    [message] = outbox(owner_id=owner.id)
    assert message.state == MessageState.FAILED and "invalid number" in message.last_error


def test_each_event_in_the_owners_language_once(world, make, generic, daytime, payouts):
    ir = world.ir
    payouts.rates(ir)
    owner = make.owner(ir.clerk, ir.office)
    consent(owner, ir.clerk, language="ru")
    claim = payouts.approved(ir, owner=owner)
    db.session.commit()
    sender.send_due()
    texts = [r.json()["text"] for r in generic.accepted]
    assert [m.template for m in outbox(owner_id=owner.id)] == [Template.FILED, Template.VISITED, Template.APPROVED]
    assert texts[0].startswith(f"Заявка {claim.number}") and "осмотр" in texts[1].lower()
    assert "одобрена" in texts[2]



def test_the_status_link_is_built_outside_a_request(app, monkeypatch):
    """With PUBLIC_BASE_URL set, a message queued by the command line or a background job (no request, no SERVER_NAME)
    gets its status-page link: ``flask demo load`` failed on url_for outside a request."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://conflict.example.org/")
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    got = {}

    def queue_from_the_command_line():  # a thread of its own: no request context, as in `flask ...` or a worker
        with app.app_context():
            try:
                got["link"] = operations._link()
            except RuntimeError as error:
                got["error"] = str(error)

    thread = threading.Thread(target=queue_from_the_command_line)
    thread.start()
    thread.join()
    assert got == {"link": "https://conflict.example.org/status"}
