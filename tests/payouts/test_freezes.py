"""Retaliation freeze (DESIGN §6): payments to claims in the area of a leopard killing are held, then released."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from claims.enums import TimeOfDay
from claims.states import ClaimState
from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from conflict_service.errors import Conflict, Forbidden, ValidationError
from conflict_service.timeutil import local_today
from payouts import operations
from payouts.freezes import holds
from payouts.freezes import operations as freeze_ops
from payouts.freezes.models import KillCause
from tests.helpers import bearer, post_form
from tests.payouts.conftest import sign_in

DAY = {"time_of_day": TimeOfDay.DAY}
FAR = {"incident_lat": 38.9, "incident_lon": 47.1}  # ~1000 km west of the factory's incidents (37.45, 59.12)


@pytest.fixture
def ir(payouts, world):
    payouts.rates(world.ir)
    world.ir.programme.retaliation_freeze_days = 30
    db.session.flush()
    return world.ir


def today(country):
    return local_today(country.programme.jurisdiction.timezone)


def freeze(country, **data):
    data = {"programme_id": country.programme.id, "cause": KillCause.POISONED, "killed_on": today(country),
            "jurisdiction_id": None, "lat": None, "lon": None, "radius_km": None, "note": "", **data}
    return freeze_ops.record_freeze(data, country.manager)


def test_a_point_freeze_holds_approved_claims_inside_its_radius_and_not_outside(payouts, ir):
    near, far = payouts.approved(ir, **DAY), payouts.approved(ir, **DAY, **FAR)
    freeze(ir, lat=37.46, lon=59.13, radius_km=10)
    batch = payouts.batch(ir, approver=False)
    assert list(db.session.scalars(sa.text("SELECT claim_id FROM payments WHERE batch_id = :b")
                                       .bindparams(b=batch.id))) == [far.id]
    assert near.status == ClaimState.APPROVED and far.status == ClaimState.IN_PAYMENT


def test_asking_for_a_held_claim_by_name_is_refused_with_the_reason(payouts, ir):
    claim = payouts.approved(ir, **DAY)
    f = freeze(ir, jurisdiction_id=ir.office.id)
    with pytest.raises(Conflict) as refused:
        payouts.batch(ir, claims=[claim], approver=False)
    assert claim.number in refused.value.message and "retaliation freeze" in refused.value.message
    assert f.ends_on == today(ir) + timedelta(days=30)


def test_a_region_freeze_holds_claims_of_its_offices_and_an_office_freeze_only_its_own(payouts, ir, make):
    claim = payouts.approved(ir, **DAY)
    sibling = make.jurisdiction("OF2", "Another office", parent=ir.region)
    at_sibling = freeze(ir, jurisdiction_id=sibling.id)
    assert not holds.covers(at_sibling, claim) and holds.hold_of(claim) is None
    in_region = freeze(ir, jurisdiction_id=ir.region.id)
    assert holds.hold_of(claim) == in_region


def test_a_freeze_recorded_after_the_batch_was_built_stops_its_approval(payouts, ir):
    claim = payouts.approved(ir, **DAY)
    batch = payouts.batch(ir, approver=False)
    freeze(ir, jurisdiction_id=ir.office.id)
    with pytest.raises(Conflict, match=claim.number):
        operations.approve_batch(batch, ir.manager2)
    operations.cancel_batch(batch, {"reason": "held"}, ir.manager)
    assert claim.status == ClaimState.APPROVED


def test_lifting_releases_the_claims_and_is_audited(payouts, ir):
    claim = payouts.approved(ir, **DAY)
    f = freeze(ir, jurisdiction_id=ir.office.id)
    with pytest.raises(ValidationError):
        freeze_ops.lift_freeze(f, {"reason": "   "}, ir.manager)
    freeze_ops.lift_freeze(f, {"reason": "Investigation found a road accident"}, ir.manager2)
    assert holds.hold_of(claim) is None
    payouts.batch(ir)
    assert claim.status == ClaimState.IN_PAYMENT
    db.session.commit()
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "freeze.lifted")).one()
    assert event.reason == "Investigation found a road accident" and event.actor_id == ir.manager2.id
    assert event.data["released_claims"] == [claim.number]
    with pytest.raises(Conflict):
        freeze_ops.lift_freeze(f, {"reason": "again"}, ir.manager)


def test_the_hold_ends_by_itself_when_the_period_is_over(payouts, ir):
    claim = payouts.approved(ir, **DAY)
    freeze(ir, jurisdiction_id=ir.office.id, killed_on=today(ir) - timedelta(days=29))
    assert holds.hold_of(claim) is not None
    with time_machine.travel(timedelta(days=1)):
        assert holds.hold_of(claim) is None
        payouts.batch(ir)
    assert claim.status == ClaimState.IN_PAYMENT


def test_advances_are_held_too(payouts, ir):
    ir.programme.advance_pct = 50
    claim = payouts.verified(ir, **DAY)
    operations.grant_advance(claim, ir.manager)
    freeze(ir, lat=37.45, lon=59.12, radius_km=1)
    with pytest.raises(Conflict, match="Nothing"):
        payouts.batch(ir, approver=False)


@pytest.mark.parametrize("data, field", [
    ({"killed_on": date(2099, 1, 1), "jurisdiction_id": "office"}, "killed_on"),
    ({"jurisdiction_id": "country"}, "jurisdiction_id"),
    ({"jurisdiction_id": "am_office"}, "jurisdiction_id"),
])
def test_bad_areas_and_dates_are_refused(ir, world, data, field):
    places = {"office": ir.office.id, "country": ir.country.id, "am_office": world.am.office.id}
    data = {**data, "jurisdiction_id": places[data["jurisdiction_id"]]}
    with pytest.raises(ValidationError) as refused:
        freeze(ir, **data)
    assert field in refused.value.errors


def test_a_programme_with_the_freeze_off_refuses_a_freeze(world):
    assert world.am.programme.retaliation_freeze_days == 0
    with pytest.raises(ValidationError) as refused:
        freeze(world.am, jurisdiction_id=world.am.office.id)
    assert "off" in refused.value.errors["programme_id"][0]


@pytest.mark.parametrize("role", ["clerk", "verifier", "auditor"])
def test_only_managers_record_freezes(ir, role):
    with pytest.raises(Forbidden):
        freeze_ops.record_freeze({"programme_id": ir.programme.id, "cause": KillCause.KILLED,
                                  "killed_on": today(ir), "jurisdiction_id": ir.office.id}, getattr(ir, role))


def test_api_records_lists_and_lifts(client, payouts, ir):
    claim = payouts.approved(ir, **DAY)
    headers = bearer(client, ir.manager)
    r = client.post("/api/v1/freezes", headers=headers, json={"programme_id": ir.programme.id, "cause": "killed",
                                                                "killed_on": today(ir).isoformat(), "lat": 37.45})
    assert r.status_code == 422 and set(r.get_json()["errors"]) == {"lon", "radius_km"}
    r = client.post("/api/v1/freezes", headers=headers, json={
        "programme_id": ir.programme.id, "cause": "killed", "killed_on": today(ir).isoformat(),
        "jurisdiction_id": ir.office.id, "note": "Found by rangers"})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["active"] is True and body["held_claims"] == [claim.number]
    auditor = bearer(client, ir.auditor)
    listed = client.get("/api/v1/freezes?active=true", headers=auditor).get_json()
    assert [f["id"] for f in listed["items"]] == [body["id"]]
    assert client.post(f"/api/v1/freezes/{body['id']}/lift", headers=auditor, json={"reason": "x"}).status_code == 403
    assert client.post(f"/api/v1/freezes/{body['id']}/lift", headers=headers, json={}).status_code == 422
    r = client.post(f"/api/v1/freezes/{body['id']}/lift", headers=headers, json={"reason": "False report"})
    assert r.status_code == 200 and r.get_json()["active"] is False and r.get_json()["lift_reason"] == "False report"
    assert client.get("/api/v1/freezes?active=true", headers=auditor).get_json()["total"] == 0
    assert client.get(f"/api/v1/freezes/{body['id']}", headers=bearer(client, "manager_am")).status_code == 404


def test_pages_show_why_a_payment_is_held(client, payouts, ir):
    claim = payouts.approved(ir, **DAY)
    sign_in(client, ir.manager)
    r = post_form(client, "/freezes/new", {"programme_id": ir.programme.id, "cause": "poisoned",
                                           "killed_on": today(ir).isoformat(), "lat": "37.45"})
    assert r.status_code == 422 and "Give latitude, longitude and radius together." in r.get_data(as_text=True)
    r = post_form(client, "/freezes/new", {"programme_id": ir.programme.id, "cause": "poisoned",
                                           "killed_on": today(ir).isoformat(), "jurisdiction_id": ir.office.id})
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert claim.number in page and "Lift the freeze" in page
    assert "Payment held: retaliation freeze" in client.get(f"/claims/{claim.id}").get_data(as_text=True)
    batch_page = client.get(f"/payment-batches/new?programme_id={ir.programme.id}").get_data(as_text=True)
    assert "Held by a retaliation freeze" in batch_page


def test_the_form_names_each_programme_and_its_freeze_in_the_readers_language(client, ir):
    """The programme by its Persian name, its freeze length with the right plural in Persian digits."""
    ir.programme.names = {"en": "Razavi programme", "fa": "برنامهٔ رضوی"}
    ir.programme.retaliation_freeze_days = 30
    db.session.commit()
    sign_in(client, ir.manager)
    page = client.get("/freezes/new?lang=fa").get_data(as_text=True)
    assert "برنامهٔ رضوی (۳۰ روز)" in page
    ir.programme.retaliation_freeze_days = 1
    db.session.commit()
    assert "Razavi programme (1 day)<" in client.get("/freezes/new?lang=en").get_data(as_text=True)
