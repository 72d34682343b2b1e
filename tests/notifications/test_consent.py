"""Consent per owner (DESIGN §11): API, page and CLI share one operation; every change is audited."""

from __future__ import annotations

import sqlalchemy as sa

from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from notifications.models import Consent
from tests.helpers import bearer, login, post_form

GOOD = {"channel": "sms", "language": "ru", "recorded_on": "2026-05-01", "source": "phone"}


def test_put_then_get_and_audited(client, world, make):
    owner = make.owner(world.ir.clerk, world.ir.office)
    db.session.commit()
    url = f"/api/v1/owners/{owner.id}/consent"
    none_yet = client.get(url, headers=bearer(client, world.ir.clerk)).get_json()
    assert (none_yet["channel"], none_yet["recorded_on"], none_yet["source"]) == ("none", None, None)
    r = client.put(url, json=GOOD, headers=bearer(client, world.ir.clerk))
    assert r.status_code == 200, r.get_json()
    got = client.get(url, headers=bearer(client, world.ir.verifier)).get_json()
    assert {k: got[k] for k in GOOD} == GOOD and got["recorded_by_id"] == world.ir.clerk.id
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "owner.consent"))
    assert event.entity_id == owner.id and event.changes["channel"] == [None, "sms"]


def test_bad_input_is_422_per_field_and_changes_nothing(client, world, make):
    owner = make.owner(world.ir.clerk, world.ir.office, phone=None)
    db.session.commit()
    url = f"/api/v1/owners/{owner.id}/consent"
    r = client.put(url, json={"channel": "pigeon", "language": "xx", "recorded_on": "2099-01-01"},
                   headers=bearer(client, world.ir.clerk))
    assert r.status_code == 422 and set(r.get_json()["errors"]) == {"channel", "language", "recorded_on", "source"}
    r = client.put(url, json=GOOD, headers=bearer(client, world.ir.clerk))
    assert r.status_code == 422 and list(r.get_json()["errors"]) == ["channel"]  # no phone to text
    db.session.expire_all()
    assert db.session.get(Consent, owner.id) is None


def test_a_foreign_owner_is_not_found_and_verifiers_cannot_record(client, world, make):
    owner = make.owner(world.am.clerk, world.am.office)
    db.session.commit()
    url = f"/api/v1/owners/{owner.id}/consent"
    assert client.put(url, json=GOOD, headers=bearer(client, world.ir.clerk)).status_code == 404
    assert client.put(url, json=GOOD, headers=bearer(client, world.am.verifier)).status_code == 403


def test_the_owner_page_shows_it_and_the_form_records_it(client, world, make):
    owner = make.owner(world.ir.clerk, world.ir.office)
    db.session.commit()
    login(client, world.ir.clerk)
    assert "No consent recorded" in client.get(f"/owners/{owner.id}").get_data(as_text=True)
    bad = post_form(client, f"/owners/{owner.id}/consent", {**GOOD, "recorded_on": "not a date"})
    assert bad.status_code == 422 and 'value="not a date"' in bad.get_data(as_text=True)  # nothing typed is lost
    r = post_form(client, f"/owners/{owner.id}/consent", GOOD)
    assert r.status_code == 302
    page = client.get(f"/owners/{owner.id}").get_data(as_text=True)
    assert "Text messages (SMS)" in page and "Asked by telephone" in page


def test_cli_records_consent(runner, world, make):
    owner = make.owner(world.ir.clerk, world.ir.office)
    db.session.commit()
    result = runner.invoke(args=["notifications", "consent", str(owner.id), "--as", world.ir.clerk.username,
                                 "--channel", "sms", "--language", "fa", "--on", "2026-05-01"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Consent, owner.id).language == "fa"


def _owner_form(world, **changes):
    return {"name": "Hossein Rahimi", "village": "Dargaz", "office_id": world.ir.office.id,
            "preferred_language": "fa", "phone": "+98 915 765 4321", "herd-0-species": "sheep",
            "herd-0-head_count": "150", "herd-0-counted_on": "2026-04-01", "consent_sms": ["false", "true"]} | changes


def test_the_intake_form_records_consent_with_the_owner(client, world):
    from claims.models import Owner

    login(client, world.ir.clerk)
    assert "agrees to text messages" in client.get("/owners/new").get_data(as_text=True)
    no_phone = post_form(client, "/owners/new", _owner_form(world, phone=""), form_path="/owners/new")
    page = no_phone.get_data(as_text=True)
    assert no_phone.status_code == 422 and "no phone number" in page and 'value="Hossein Rahimi"' in page
    assert db.session.scalar(sa.select(sa.func.count(Owner.id))) == 0  # nothing saved
    r = post_form(client, "/owners/new", _owner_form(world), form_path="/owners/new")
    assert r.status_code == 302
    owner = db.session.scalar(sa.select(Owner))
    found = db.session.get(Consent, owner.id)
    assert (found.channel.value, found.language, found.source.value) == ("sms", "fa", "office")
