"""The owner's report (DESIGN §5.3): when and how the owner first reported the loss, dated at most the programme's
``report_backdating_days`` before filing, audited, shown, and through the web form, the API and the case file."""

from __future__ import annotations

import html
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from claims.enums import ReportChannel
from claims.models import Claim
from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from tests.claims.conftest import claim_body
from tests.factories import at
from tests.helpers import csrf_token, login

NOW = at(2026, 11, 21, 9, 0)  # 12:30 in Tehran, 30 Aban 1405


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def owner(world, make):
    return make.owner(world.ir.clerk, world.ir.office, name="Gholamreza Hosseini")


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Claim.id)))


def test_a_phone_report_six_days_before_filing_is_kept_with_its_channel(api, world, owner):
    r = api("clerk").post("/api/v1/claims", json=claim_body(
        owner.id, world.ir.programme.id, incident_at="2026-11-15T06:00:00+03:30",
        reported_at="2026-11-15T08:10:00+03:30", report_channel="phone"))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert datetime.fromisoformat(body["reported_at"]) == at(2026, 11, 15, 4, 40) and body["report_channel"] == "phone"
    assert body["reported_date"] == "2026-11-15"
    # The office heard of it by phone: the site visit was due 72 hours after the call, so it is overdue already.
    assert datetime.fromisoformat(body["verification_due_at"]) == at(2026, 11, 18, 4, 40)
    assert body["is_verification_overdue"]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "claim.submitted"))
    assert event.changes["report_channel"] == [None, "phone"]


def test_a_paper_form_starts_the_site_visit_clock_at_filing(api, world, owner):
    body = api("clerk").post("/api/v1/claims", json=claim_body(
        owner.id, world.ir.programme.id, incident_at="2026-11-15T06:00:00+03:30",
        reported_at="2026-11-16T10:00:00+03:30", report_channel="paper_form")).get_json()
    assert datetime.fromisoformat(body["verification_due_at"]) == at(2026, 11, 24, 9, 0)  # filed now + 72 h
    assert not body["is_verification_overdue"]


def test_without_a_report_date_the_owner_reports_at_the_office_now(api, world, owner):
    body = api("clerk").post("/api/v1/claims", json=claim_body(owner.id, world.ir.programme.id)).get_json()
    assert (body["reported_at"], body["report_channel"]) == ("2026-11-21T09:00:00+00:00", "office")


def test_the_backdating_refusal_names_the_programme_in_the_readers_language(api, world, owner):
    programme = world.ir.programme
    programme.names = {**(programme.names or {}), "en": "Leopard losses, Razavi Khorasan"}
    db.session.commit()
    r = api("clerk").post("/api/v1/claims", json=claim_body(
        owner.id, programme.id, incident_at="2026-11-12T06:00:00+03:30", reported_at="2026-11-13T23:00:00+03:30",
        report_channel="ranger"))
    message = str(r.get_json()["errors"]["reported_at"])
    assert r.status_code == 422 and message.startswith("['Leopard losses, Razavi Khorasan accepts"), message


def test_a_report_beyond_the_backdating_limit_is_refused_with_the_limit(api, world, owner):
    before = _count()
    # Filed on 30 Aban (21 Nov) at the office: a week back is 14 Nov; 13 Nov is one day too early.
    r = api("clerk").post("/api/v1/claims", json=claim_body(
        owner.id, world.ir.programme.id, incident_at="2026-11-12T06:00:00+03:30",
        reported_at="2026-11-13T23:00:00+03:30", report_channel="ranger"))
    assert r.status_code == 422
    message = str(r.get_json()["errors"]["reported_at"])
    assert "accepts an earlier report at most 7 days before the claim is filed" in message
    assert "Nov 14, 2026" in message
    assert _count() == before
    ok = api("clerk").post("/api/v1/claims", json=claim_body(
        owner.id, world.ir.programme.id, incident_at="2026-11-12T06:00:00+03:30",
        reported_at="2026-11-14T00:10:00+03:30", report_channel="ranger"))
    assert ok.status_code == 201, ok.get_json()  # the first minutes of the office's 14 Nov are within the week


def test_an_unknown_channel_is_refused(api, world, owner):
    r = api("clerk").post("/api/v1/claims", json=claim_body(owner.id, world.ir.programme.id, report_channel="fax"))
    assert r.status_code == 422
    assert "Must be one of: office, phone, ranger, paper_form, field_record." in str(r.get_json()["errors"])


def test_a_correction_of_the_report_is_audited_and_checked_against_the_filing(api, world, owner):
    claim_id = api("clerk").post("/api/v1/claims", json=claim_body(owner.id, world.ir.programme.id)).get_json()["id"]
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):  # a report an hour after the filing: refused
        later = api("clerk").patch(f"/api/v1/claims/{claim_id}", json={"reported_at": "2026-11-21T13:30:00+03:30"})
    assert later.status_code == 422
    assert "by the time the claim was filed" in str(later.get_json()["errors"]["reported_at"])
    r = api("clerk").patch(f"/api/v1/claims/{claim_id}", json={"reported_at": "2026-11-20T07:00:00+03:30",
                                                              "report_channel": "field_record"})
    assert r.status_code == 200, r.get_json()
    assert datetime.fromisoformat(r.get_json()["verification_due_at"]) == at(2026, 11, 23, 3, 30)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "claim.updated"))
    assert event.changes["report_channel"] == ["office", "field_record"]
    assert set(event.changes) >= {"reported_at", "report_channel"}


def test_the_backdating_limit_is_a_money_rule_that_a_second_manager_confirms(api, world):
    programme = world.ir.programme
    r = api("manager").patch(f"/api/v1/programmes/{programme.id}", json={"report_backdating_days": 30})
    assert r.status_code == 200, r.get_json()
    db.session.refresh(programme)
    assert programme.report_backdating_days == 7  # proposed, not applied
    too_long = api("manager").patch(f"/api/v1/programmes/{programme.id}", json={"report_backdating_days": 91})
    assert too_long.status_code == 422 and "Must be between 0 and 90." in str(too_long.get_json()["errors"])


def test_the_form_takes_a_solar_hijri_report_date_and_channel_and_refuses_one_too_early(client, world, owner):
    world.ir.clerk.preferred_language = "fa"
    db.session.commit()
    login(client, world.ir.clerk)
    path = f"/claims/new?owner_id={owner.id}"
    form = {"csrf_token": csrf_token(client, path), "owner_id": owner.id, "programme_id": world.ir.programme.id,
            "incident_date": "۱۴۰۵/۰۸/۲۰", "incident_time": "۰۶:۰۰", "time_of_day": "day",
            "incident_village": "چهل‌میر", "reported_date": "۱۴۰۵/۰۸/۲۲", "reported_time": "۰۸:۰۰",
            "report_channel": "phone", "idempotency_key": "report-date-1",
            "lines-0-species": "sheep", "lines-0-age_class": "adult", "lines-0-outcome": "killed",
            "lines-0-count": "۲"}
    r = client.post(path, data=form)  # 22 Aban is 13 Nov: eight days before filing
    assert r.status_code == 422
    page = html.unescape(r.get_data(as_text=True))
    assert 'id="reported_at-errors"' in page or "reported_at-errors" in page
    assert "۷" in page and 'value="۱۴۰۵/۰۸/۲۲"' in page  # the limit in Persian digits; the typed date kept
    assert '<option value="phone"  selected>' in page or 'value="phone" selected' in page.replace("  ", " ")
    assert _count() == 0
    form["reported_date"] = "۱۴۰۵/۰۸/۲۴"  # 15 Nov: within the week
    r = client.post(path, data=form)
    assert r.status_code == 302, html.unescape(r.get_data(as_text=True))[-2000:]
    claim = db.session.scalar(sa.select(Claim))
    assert claim.report_channel == ReportChannel.PHONE and claim.reported_date.isoformat() == "2026-11-15"
    detail = html.unescape(client.get(f"/claims/{claim.id}").get_data(as_text=True))
    assert "تلفن" in detail or str(ReportChannel.PHONE.title) in detail
