"""The gateway's webhooks: delivery reports and inbound texts (STATUS with the status page's PIN lock, STOP),
checked with X-Gateway-Secret; and the Jasmin and Kavenegar adapters against real servers on 127.0.0.1."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from conflict_service.db import db
from conflict_service.i18n import native_digits
from notifications import sender
from notifications.enums import ConsentChannel, MessageState, Template
from notifications.models import Consent
from oversight.models import StatusLookupGuard
from tests.helpers import bearer, login, post_form
from tests.notifications.support import consent, outbox

SECRET = {"X-Gateway-Secret": "s3cret"}


def inbound(client, text, sender_phone="+98 915 123 4567", headers=SECRET):
    return client.post("/api/v1/sms/inbound", json={"from": sender_phone, "text": text}, headers=headers)


def test_a_bad_or_missing_secret_is_refused(client, world, make, generic):
    for headers in ({}, {"X-Gateway-Secret": "wrong"}):
        assert inbound(client, "STOP", headers=headers).status_code == 403
        r = client.post("/api/v1/sms/delivery", json={"reference": "x", "status": "delivered"}, headers=headers)
        assert r.status_code == 403


def test_status_is_answered_in_the_owners_language_with_native_digits(client, world, make, generic, daytime):
    owner = make.owner(world.ir.clerk, world.ir.office)
    consent(owner, world.ir.clerk, language="fa")
    claim = make.claim(world.ir, owner)
    db.session.commit()
    typed = f"status {claim.number.lower()} {claim.pin}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    r = inbound(client, typed)
    assert r.status_code == 200, r.get_json()
    reply = r.get_json()["reply"]
    assert reply.startswith(f"درخواست {claim.number}: ثبت‌شده")
    db.session.expire_all()
    [answer] = outbox(template=Template.STATUS)
    assert answer.address == "+98 915 123 4567" and answer.text == reply
    sender.send_due()
    assert [g.json()["text"] for g in generic.accepted][-1] == reply


def test_five_wrong_pins_lock_as_on_the_status_page(client, world, make, generic, daytime):
    claim = make.claim(world.ir)  # the owner reads Persian
    db.session.commit()
    wrong = "000000" if claim.pin != "000000" else "111111"
    with force_locale("fa"):
        mismatch = _("This PIN does not match the claim number.")
        locked = ngettext("Too many wrong PINs. Try again after %(minutes)s minute.",
                          "Too many wrong PINs. Try again after %(minutes)s minutes.", 30, minutes="۳۰")
    for _attempt in range(5):
        assert inbound(client, f"STATUS {claim.number} {wrong}").get_json()["reply"] == mismatch
    db.session.expire_all()
    assert db.session.get(StatusLookupGuard, claim.id).locked_until is not None
    assert inbound(client, f"STATUS {claim.number} {claim.pin}").get_json()["reply"] == locked
    page = post_form(client, f"/status/{claim.number}", {"pin": claim.pin})
    assert page.status_code == 429  # the status page is locked too


def test_stop_ends_consent_and_nothing_is_sent_after(client, world, make, generic, daytime, payouts):
    owner = make.owner(world.ir.clerk, world.ir.office, phone="0915 123 4567")
    consent(owner, world.ir.clerk, language="en")
    make.claim(world.ir, owner)
    db.session.commit()
    assert inbound(client, " stop ", sender_phone="+989151234567").status_code == 200
    db.session.expire_all()
    assert db.session.get(Consent, owner.id).channel == ConsentChannel.NONE
    [filed] = outbox(owner_id=owner.id)
    assert filed.state == MessageState.FAILED and filed.last_error == "STOP"  # queued, never sent
    payouts.rates(world.ir)
    payouts.approved(world.ir, owner=owner)
    db.session.commit()
    assert sender.send_due().sent == 0 and generic.accepted == []
    assert [m.template for m in outbox(owner_id=owner.id)] == [Template.FILED]
    r = client.get(f"/api/v1/owners/{owner.id}/consent", headers=bearer(client, world.ir.clerk))
    assert r.get_json()["source"] == "sms" and r.get_json()["channel"] == "none"


def test_delivery_reports_mark_the_message(client, world, make, generic, daytime):
    owner = make.owner(world.ir.clerk, world.ir.office)
    consent(owner, world.ir.clerk)
    make.claim(world.ir, owner)
    make.claim(world.ir, owner)
    db.session.commit()
    sender.send_due()
    first, second = outbox(owner_id=owner.id)
    ok = client.post("/api/v1/sms/delivery", json={"reference": first.gateway_reference, "status": "delivered"},
                     headers=SECRET)
    bad = client.post("/api/v1/sms/delivery", json={"reference": second.gateway_reference, "status": "UNDELIV"},
                      headers=SECRET)
    unknown = client.post("/api/v1/sms/delivery", json={"reference": "nope", "status": "delivered"}, headers=SECRET)
    assert (ok.status_code, bad.status_code, unknown.status_code) == (204, 204, 404)
    first, second = outbox(owner_id=owner.id)
    assert first.state == MessageState.DELIVERED and first.delivered_at is not None
    assert second.state == MessageState.FAILED and "UNDELIV" in second.last_error


@pytest.fixture
def kavenegar(app, monkeypatch, gateway_server):
    """Kavenegar's lookup API at the real server on 127.0.0.1, accepting every message (change ``default``)."""
    gateway_server.default = (200, '{"return": {"status": 200, "message": "ok"}, "entries": [{"messageid": 1}]}')
    for key, value in {"SMS_GATEWAY": "kavenegar", "SMS_GATEWAY_URL": gateway_server.url,
                       "SMS_GATEWAY_TOKEN": "k"}.items():
        monkeypatch.setitem(app.config, key, value)
    return gateway_server


def test_jasmin_gets_ucs2_hex_content_and_its_message_id_is_kept(app, monkeypatch, world, make, gateway_server,
                                                                 daytime):
    gateway_server.default = (200, 'Success "9fa42bd1-77c2-4e2b-8f39-3f0d6f6fbb27"')
    for key, value in {"SMS_GATEWAY": "jasmin", "SMS_GATEWAY_URL": gateway_server.url,
                       "SMS_GATEWAY_TOKEN": "lcs:pa55"}.items():
        monkeypatch.setitem(app.config, key, value)
    owner = make.owner(world.ir.clerk, world.ir.office)
    consent(owner, world.ir.clerk, language="fa")
    make.claim(world.ir, owner)
    db.session.commit()
    assert sender.send_due().sent == 1
    [got] = gateway_server.accepted
    form = got.form()
    [message] = outbox(owner_id=owner.id)
    assert got.path == "/send" and (form["username"], form["password"], form["coding"]) == ("lcs", "pa55", "8")
    assert bytes.fromhex(form["hex-content"]).decode("utf-16-be") == message.text
    assert message.gateway_reference == "9fa42bd1-77c2-4e2b-8f39-3f0d6f6fbb27"


def test_kavenegar_gets_its_registered_template_with_tokens(app, monkeypatch, world, make, gateway_server, daytime):
    gateway_server.default = (200, '{"return": {"status": 200, "message": "ok"}, "entries": [{"messageid": 8792343}]}')
    for key, value in {"SMS_GATEWAY": "kavenegar", "SMS_GATEWAY_URL": gateway_server.url + "/v1",
                       "SMS_GATEWAY_TOKEN": "API-KEY-1"}.items():
        monkeypatch.setitem(app.config, key, value)
    owner = make.owner(world.ir.clerk, world.ir.office)
    consent(owner, world.ir.clerk, language="fa")
    claim = make.claim(world.ir, owner)
    db.session.commit()
    assert sender.send_due().sent == 1
    [got] = gateway_server.accepted
    assert got.path == "/v1/API-KEY-1/verify/lookup.json"
    assert got.form() == {"receptor": "+98 915 123 4567", "template": "lcs-filed", "token": claim.number,
                          "token2": native_digits(claim.pin, "fa")}  # the owner's digits, as in the plain text
    assert outbox(owner_id=owner.id)[0].gateway_reference == "8792343"


@pytest.mark.parametrize(("language", "amount", "until", "reason"), [
    ("fa", "۴۵٬۰۰۰٬۰۰۰ ریال", "۱۴۰۵/۰۲/۲۸", "گزارش بسیار دیرهنگام"),
    ("en", "IRR 45,000,000", "2026-05-18", "reported too late"),
])
def test_kavenegar_tokens_are_written_in_the_owners_language(kavenegar, world, make, daytime, language, amount, until,
                                                             reason):
    """Amounts, dates and reasons in tokens follow the owner's language as the plain texts do: Persian digits for a
    Persian reader, the date in their calendar as one word (a date token takes no spaces), the reason in words."""
    from notifications.operations import queue_for_owner

    owner = make.owner(world.ir.clerk, world.ir.office)
    consent(owner, world.ir.clerk, language=language)
    claim = make.claim(world.ir, owner)
    queue_for_owner(claim, Template.APPROVED, {"number": claim.number, "amount": "45000000", "currency": "IRR"}, "a")
    queue_for_owner(claim, Template.REJECTED, {"number": claim.number, "reason_code": "late_report",
                                               "appeal_until": "2026-05-18"}, "r")
    db.session.commit()
    assert sender.send_due().sent == 3
    forms = {form["template"]: form for form in (got.form() for got in kavenegar.accepted)}
    assert forms["lcs-approved"]["token10"] == amount
    assert (forms["lcs-rejected"]["token2"], forms["lcs-rejected"]["token20"]) == (until, reason)
    assert all(" " not in form.get(name, "") for form in forms.values() for name in ("token", "token2", "token3"))


def test_kavenegar_token10_keeps_at_most_four_spaces(kavenegar, world, make, daytime):
    """Kavenegar takes a phrase of up to four spaces in token10 (its support's answer, kavenegar/kavenegar-php#8):
    a Russian amount over a trillion has five (between the groups of three digits and before the currency); the
    client joins what is beyond the fourth with a zero-width non-joiner, as it does in the tokens that take no spaces,
    so the lookup is not refused for it, and every digit is kept."""
    from notifications.operations import queue_for_owner

    owner = make.owner(world.ir.clerk, world.ir.office)
    consent(owner, world.ir.clerk, language="ru")
    claim = make.claim(world.ir, owner)
    queue_for_owner(claim, Template.APPROVED, {"number": claim.number, "amount": "1234567890123", "currency": "IRR"},
                    "a")
    db.session.commit()
    assert sender.send_due().sent == 2
    [approved] = [got.form() for got in kavenegar.accepted if got.form()["template"] == "lcs-approved"]
    amount = approved["token10"]
    assert amount.count(" ") == 4, amount
    assert amount.replace("\u200c", " ").split() == ["1", "234", "567", "890", "123", "риал"], amount


def test_kavenegar_refusal_fails_the_message(kavenegar, world, make, daytime):
    kavenegar.default = (200, '{"return": {"status": 424, "message": "template not found"}, "entries": null}')
    owner = make.owner(world.ir.clerk, world.ir.office)
    consent(owner, world.ir.clerk)
    make.claim(world.ir, owner)
    db.session.commit()
    assert sender.send_due().failed == 1
    assert "template not found" in outbox(owner_id=owner.id)[0].last_error


def test_quiet_hours_hold_the_message_until_morning(world, make, generic, daytime):
    from tests.factories import at
    daytime.move_to(at(2026, 5, 4, 19))  # 22:30 in Tehran
    owner = make.owner(world.ir.clerk, world.ir.office)
    consent(owner, world.ir.clerk)
    make.claim(world.ir, owner)
    db.session.commit()
    assert sender.send_due().sent == 0
    [message] = outbox(owner_id=owner.id)
    assert message.next_attempt_at == at(2026, 5, 5, 3, 30)  # 07:00 in Tehran
    daytime.move_to(at(2026, 5, 5, 3, 31))
    assert sender.send_due().sent == 1


def test_each_languages_stop_word_ends_consent_and_the_page_names_the_readers(client, world, make, generic, daytime):
    """A Persian herder texts «لغو», whatever language the messages were in; the clerk's page names the word in the
    clerk's language (issue 20: no English keyword in a Persian page)."""
    owner = make.owner(world.ir.clerk, world.ir.office, phone="0915 765 4321")
    consent(owner, world.ir.clerk, language="en")
    db.session.commit()
    assert inbound(client, " لغو ", sender_phone="+989157654321").status_code == 200
    db.session.expire_all()
    assert db.session.get(Consent, owner.id).channel == ConsentChannel.NONE
    assert inbound(client, "hello", sender_phone="+989157654321").get_json().get("reply") is None
    login(client, world.ir.clerk)
    page = client.get(f"/owners/{owner.id}/consent?lang=fa").get_data(as_text=True)
    assert "لغو" in page and "STOP" not in page
