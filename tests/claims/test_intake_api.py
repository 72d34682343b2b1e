"""Owners and claims through the API: creation, validation messages, idempotency, lists and edits."""

import re
from datetime import datetime

import pytest
import sqlalchemy as sa
import time_machine

from claims.models import Claim
from claims.schemas import ClaimCreatedSchema
from conflict_service.db import db
from tests.claims.conftest import claim_body
from tests.factories import at
from tests.helpers import sql_statements

NOW = at(2026, 11, 21, 9, 0)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def owner(world, make):
    return make.owner(world.ir.clerk, world.ir.office, name="غلامرضا حسینی")


def test_register_owner(api, world):
    r = api("clerk").post("/api/v1/owners", json={
        "name": "Արամ Սարգսյան", "village": "Shikahogh", "office_id": world.ir.office.id, "phone": "+98 915 000 1111",
        "herd": [{"species": "sheep", "head_count": 80, "counted_on": "2026-04-01"}]})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["name"] == "Արամ Սարգսյան" and body["herd"][0]["head_count"] == 80


def test_owner_validation_messages(api, world):
    r = api("clerk").post("/api/v1/owners", json={"name": "", "village": "X", "office_id": world.am.office.id,
                                                   "home_lat": 95, "phone": "call me",
                                                   "herd": [{"species": "tiger", "head_count": -1,
                                                             "counted_on": "2026-04-01"}]})
    assert r.status_code == 422
    errors = r.get_json()["errors"]
    assert errors["name"] == ["This field is required."]
    assert errors["home_lat"] == ["Latitude is between -90 and 90."]
    assert errors["phone"] == ["Use digits, spaces, brackets, dashes and an optional +."]
    assert "Must be one of" in errors["herd"]["0"]["species"][0]
    assert errors["herd"]["0"]["head_count"] == ["Must not be negative."]


def test_owner_in_another_countrys_office_is_refused(api, world):
    r = api("clerk").post("/api/v1/owners", json={"name": "A", "village": "X", "office_id": world.am.office.id})
    assert r.status_code == 422
    assert r.get_json()["errors"] == {"office_id": ["Choose one of your offices."]}


def test_file_a_claim(api, world, owner):
    r = api("clerk").post("/api/v1/claims", json=claim_body(owner.id, world.ir.programme.id))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert re.fullmatch(r"IR-OFF-2026-\d{6}", body["number"])
    assert re.fullmatch(r"\d{6}", body["pin"])
    assert body["status"] == "submitted"
    assert body["incident_date"] == "2026-11-19"  # local date in Tehran
    assert body["verification_due_at"] == "2026-11-24T09:00:00+00:00"  # 72 hours after filing
    assert body["lines"][0]["count"] == 3 and body["owner"]["name"] == "غلامرضا حسینی"


def test_claim_numbers_follow_each_other(api, world, owner):
    body = claim_body(owner.id, world.ir.programme.id)
    numbers = [api("clerk").post("/api/v1/claims", json=body).get_json()["number"] for _ in range(3)]
    assert [int(n[-6:]) for n in numbers] == [1, 2, 3]


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"incident_at": "2026-11-23T10:00:00+03:30"}, "incident_at", "The incident cannot be in the future."),
    ({"incident_at": "2026-11-19T22:30:00"}, "incident_at", "Give the time with its time-zone offset"),
    ({"lines": [{"species": "sheep", "age_class": "adult", "outcome": "killed", "count": 0}]}, "lines",
     "The count must be between 1 and 10000."),
    ({"lines": [{"species": "unicorn", "age_class": "adult", "outcome": "killed", "count": 1}]}, "lines",
     "Must be one of: sheep, goat, cattle, horse, donkey, camel, yak, dog."),
    ({"lines": []}, "lines", "Give between 1 and 20 loss lines."),
    ({"lines": [{"species": "goat", "age_class": "young", "outcome": "injured", "count": 1}] * 2}, "lines",
     "Two lines have the same species, age class and outcome; combine them."),
    ({"reported_at": "2026-11-18T10:00:00+03:30"}, "reported_at",
     "The loss cannot have been reported before it happened."),
    ({"incident_lat": 37.4, "incident_lon": None}, "incident_lon", "Give both latitude and longitude, or neither."),
    ({"time_of_day": "dusk"}, "time_of_day", "Must be one of: day, night."),
    ({"owner_id": 999999}, "owner_id", "No owner with this number is registered in your offices."),
    ({"programme_id": 999999}, "programme_id", "Choose an active programme that covers this office."),
    ({"colour": "brown"}, "colour", "Unknown field."),
])
def test_claim_validation_messages(api, world, owner, change, field, message):
    before = db.session.scalar(sa.select(sa.func.count(Claim.id)))
    r = api("clerk").post("/api/v1/claims", json=claim_body(owner.id, world.ir.programme.id, **change))
    assert r.status_code == 422
    body = r.get_json()
    assert body["code"] == "validation_error" and body["message"] == "Some fields need attention."
    assert message in str(body["errors"][field])
    assert db.session.scalar(sa.select(sa.func.count(Claim.id))) == before


def test_owner_of_another_country_is_refused(api, world, make):
    am_owner = make.owner(world.am.clerk, world.am.office)
    r = api("clerk").post("/api/v1/claims", json=claim_body(am_owner.id, world.ir.programme.id))
    assert r.status_code == 422
    assert r.get_json()["errors"]["owner_id"] == ["No owner with this number is registered in your offices."]


def test_only_clerks_file(api, world, owner):
    r = api("manager").post("/api/v1/claims", json=claim_body(owner.id, world.ir.programme.id))
    assert r.status_code == 403
    assert "Office clerk" in r.get_json()["message"]


def test_idempotent_submission(api, world, owner):
    body = claim_body(owner.id, world.ir.programme.id)
    first = api("clerk").post("/api/v1/claims", json=body, headers={"Idempotency-Key": "k-1"})
    again = api("clerk").post("/api/v1/claims", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["number"] == first.get_json()["number"]
    assert db.session.scalar(sa.select(sa.func.count(Claim.id))) == 1
    changed = {**body, "narrative": "changed"}
    other = api("clerk").post("/api/v1/claims", json=changed, headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 409
    assert "different request" in other.get_json()["message"]
    fresh = api("clerk").post("/api/v1/claims", json=body, headers={"Idempotency-Key": "k-2"})
    assert fresh.status_code == 201 and fresh.get_json()["number"] != first.get_json()["number"]


def test_edit_only_while_submitted(api, world, owner):
    claim = api("clerk").post("/api/v1/claims", json=claim_body(owner.id, world.ir.programme.id)).get_json()
    r = api("clerk").patch(f"/api/v1/claims/{claim['id']}", json={
        "lines": [{"species": "goat", "age_class": "young", "outcome": "killed", "count": 2}], "narrative": "Goats."})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["lines"][0]["species"] == "goat"
    r = api("clerk").post(f"/api/v1/claims/{claim['id']}/withdraw", json={"reason": "Animals came back."})
    assert r.status_code == 200 and r.get_json()["status"] == "withdrawn"
    r = api("clerk").patch(f"/api/v1/claims/{claim['id']}", json={"narrative": "late change"})
    assert r.status_code == 409
    assert "withdrawn" in r.get_json()["message"]
    r = api("clerk").post(f"/api/v1/claims/{claim['id']}/withdraw", json={"reason": "again"})
    assert r.status_code == 409 and "withdrawn" in r.get_json()["message"]


def test_history_lists_every_change(api, world, owner):
    claim = api("clerk").post("/api/v1/claims", json=claim_body(owner.id, world.ir.programme.id)).get_json()
    api("clerk").patch(f"/api/v1/claims/{claim['id']}", json={"narrative": "Corrected narrative."})
    api("clerk").post(f"/api/v1/claims/{claim['id']}/withdraw", json={"reason": "Owner asked."})
    events = api("manager").get(f"/api/v1/claims/{claim['id']}/history").get_json()
    assert [e["action"] for e in events] == ["claim.submitted", "claim.updated", "claim.withdraw"]
    assert events[1]["changes"]["narrative"] == ["Three sheep killed outside the corral.", "Corrected narrative."]
    assert events[2]["reason"] == "Owner asked." and events[2]["actor"] == "clerk_ir"
    assert all(len(e["hash"]) == 64 for e in events)


def test_list_filters_and_pages(api, world, make):
    a = make.owner(world.ir.clerk, world.ir.office, name="Ali Karimi")
    b = make.owner(world.ir.clerk, world.ir.office, name="Zahra Mohammadi")
    for owner, day in ((a, 1), (a, 5), (b, 10)):
        make.claim(world.ir, owner, incident_at=at(2026, 11, day, 10))
    db.session.commit()
    get = api("manager").get
    assert get("/api/v1/claims").get_json()["total"] == 3
    assert get("/api/v1/claims?q=karimi").get_json()["total"] == 2
    assert get("/api/v1/claims?incident_from=2026-11-04&incident_to=2026-11-30").get_json()["total"] == 2
    assert get(f"/api/v1/claims?owner_id={b.id}").get_json()["items"][0]["owner"]["name"] == "Zahra Mohammadi"
    assert get("/api/v1/claims?status=withdrawn").get_json()["total"] == 0
    page = get("/api/v1/claims?per_page=2&page=2").get_json()
    assert (page["total"], page["pages"], len(page["items"])) == (3, 2, 1)
    number = get("/api/v1/claims").get_json()["items"][0]["number"]
    assert get(f"/api/v1/claims?q={number.lower()}").get_json()["total"] == 1
    bad = get("/api/v1/claims?incident_from=2026-11-30&incident_to=2026-11-01")
    assert bad.status_code == 422 and "before its start" in bad.get_json()["errors"]["incident_to"][0]


def test_a_submissions_token_check_is_one_statement_and_its_scope_check_reads_nothing(app, api, world, owner):
    clerk = api("clerk")
    clerk.post("/api/v1/claims", json=claim_body(owner.id, world.ir.programme.id))  # warm up caches
    with sql_statements(app) as statements:
        assert clerk.post("/api/v1/claims", json=claim_body(owner.id, world.ir.programme.id)).status_code == 201
    # The token with its user and the scope version, in one statement; the ids of the clerk's own jurisdictions are
    # kept under that version (read once, at the warm-up) and the owner's office came with the owner, so the scope
    # checks of the office read nothing of their own (tests/core/test_token_check.py: changes count at once).
    assert len([s for s in statements if "api_tokens" in s]) == 1, statements
    assert [s for s in statements if " FROM jurisdictions" in s or " FROM user_jurisdictions" in s] == []


def _moments(answer: dict) -> dict:
    return {key: datetime.fromisoformat(value) if key.endswith("_at") and value else value
            for key, value in answer.items()}


def test_a_submission_writes_its_rows_once_reads_none_back_and_answers_what_it_stored(app, api, world, owner):
    clerk = api("clerk")
    clerk.post("/api/v1/claims", json=claim_body(owner.id, world.ir.programme.id))  # warm up caches
    lines = [{"species": "sheep", "age_class": "adult", "outcome": "killed", "count": 3},
             {"species": "goat", "age_class": "young", "outcome": "injured", "count": 1}]
    with sql_statements(app) as statements:
        answer = clerk.post("/api/v1/claims", json=claim_body(owner.id, world.ir.programme.id, lines=lines))
    assert answer.status_code == 201, answer.get_json()
    # The owner (with its office) and the programme in one statement; the claim and its lines written once each and
    # never read back.
    [read] = [s for s in statements if " FROM owners" in s or " FROM programmes" in s]
    assert "= programmes.jurisdiction_id" not in read, read  # the owner's office is joined, not the programme's
    assert len([s for s in statements if s.startswith("INSERT INTO claims ")]) == 1, statements
    assert len([s for s in statements if s.startswith("INSERT INTO loss_lines ")]) == 1, statements
    assert [s for s in statements if " FROM claims" in s or " FROM loss_lines" in s] == []
    body = answer.get_json()
    with app.app_context():
        stored = db.session.get(Claim, body["id"])
        # The same values (a time as typed, +03:30, answers as the moment stored in UTC)
        assert _moments(ClaimCreatedSchema().dump(stored)) == _moments(body)
        assert [(line.position, line.species.value, line.count) for line in stored.lines] == [
            (0, "sheep", 3), (1, "goat", 1)]
        assert stored.updated_at == stored.filed_at == stored.status_changed_at
        assert (stored.assigned_verifier_id, stored.prior_verifier_id, stored.appealed_at) == (None, None, None)


def test_listing_uses_a_fixed_number_of_statements(app, api, world, make):
    owner = make.owner(world.ir.clerk, world.ir.office)
    for day in range(1, 13):
        make.claim(world.ir, owner, incident_at=at(2026, 11, day, 10))
    db.session.commit()
    get = api("manager").get
    get("/api/v1/claims?per_page=2")  # warm up caches
    counts = []
    for per_page in (2, 12):
        statements: list[str] = []

        def listener(*args, _seen=statements, **kwargs):
            _seen.append(args[2])

        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", listener)
            try:
                assert len(get(f"/api/v1/claims?per_page={per_page}").get_json()["items"]) == per_page
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", listener)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
