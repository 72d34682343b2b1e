"""Site-visit records: submitted → assigned → verified or rejected, separation of duties, bad input."""

from datetime import timedelta

import pytest

from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.timeutil import utcnow
from tests.helpers import bearer
from tests.verification.conftest import visit_payload
from verification.models import Verification


def post_visit(client, claim, user, **overrides):
    return client.post(f"/api/v1/claims/{claim.id}/verification", json=visit_payload(**overrides),
                       headers=bearer(client, user))


def test_submitted_assigned_verified(client, world, claim):
    headers = bearer(client, world.ir.clerk)
    assert client.post(f"/api/v1/claims/{claim.id}/assign", json={"verifier_id": world.ir.verifier.id},
                       headers=headers).status_code == 200
    worklist = client.get("/api/v1/worklist", headers=bearer(client, world.ir.verifier)).get_json()
    assert [c["number"] for c in worklist["items"]] == [claim.number]

    r = post_visit(client, claim, world.ir.verifier, lines=[
        {"species": "sheep", "age_class": "adult", "outcome": "killed", "count": 1},
        {"species": "sheep", "age_class": "adult", "outcome": "injured", "count": 1}])
    assert r.status_code == 201, r.get_json()
    visit = r.get_json()
    assert (visit["predator"], visit["confidence"], visit["outcome"]) == ("leopard", "probable", "confirmed")
    assert visit["head_verified"] == 2 and visit["round"] == 1
    assert visit["verifier"]["username"] == "verifier_ir"
    assert visit["has_neck_bites"] is True and visit["canine_spacing_mm"] == 42 and visit["has_scat"] is False

    claim_now = client.get(f"/api/v1/claims/{claim.id}", headers=headers).get_json()
    assert claim_now["status"] == "verified"
    assert client.get("/api/v1/worklist", headers=bearer(client, world.ir.verifier)).get_json()["total"] == 0
    history = client.get(f"/api/v1/claims/{claim.id}/history", headers=headers).get_json()
    assert [e["action"] for e in history] == ["claim.submitted", "claim.assign", "claim.verify_confirm"]
    assert history[-1]["data"]["head_claimed"] == 2 and history[-1]["data"]["head_verified"] == 2
    rows = client.get(f"/api/v1/claims/{claim.id}/assignments", headers=headers).get_json()
    assert rows[0]["end_reason"] == "verified"


def test_rejected_with_a_reason_code(client, world, assigned):
    r = post_visit(client, assigned, world.ir.verifier, outcome="rejected", rejection_reason="other_predator",
                   predator="wolf", confidence="probable", lines=[])
    assert r.status_code == 201, r.get_json()
    db.session.expire_all()
    assert assigned.status == ClaimState.REJECTED
    history = client.get(f"/api/v1/claims/{assigned.id}/history", headers=bearer(client, world.ir.auditor)).get_json()
    assert history[-1]["action"] == "claim.verify_reject"
    assert history[-1]["data"]["rejection_reason"] == "other_predator"


def test_the_filer_cannot_verify_the_claim_they_filed(client, world, assigned):
    filer = world.ir.clerk
    filer.role, filer.jurisdictions = "verifier", [world.ir.region]  # moved to field work since filing
    db.session.flush()
    r = post_visit(client, assigned, filer)
    assert r.status_code == 403
    assert r.get_json()["message"] == "You filed this claim, so someone else must do this."
    db.session.expire_all()
    assert assigned.status == ClaimState.UNDER_VERIFICATION


def test_only_the_assigned_verifier_records_the_visit(client, world, assigned):
    r = post_visit(client, assigned, world.ir.verifier2)
    assert r.status_code == 403
    assert r.get_json()["message"] == "Only the verifier assigned to this claim can record its verification."


@pytest.mark.parametrize("role", ["clerk", "manager", "auditor"])
def test_other_roles_cannot_record_a_visit(client, world, assigned, role):
    r = post_visit(client, assigned, world.ir.users[role])
    assert r.status_code == 403
    assert r.get_json()["message"] == "This needs one of these roles: Field verifier."


def test_a_verifier_outside_the_jurisdiction_gets_404(client, world, assigned):
    headers = bearer(client, world.am.verifier)
    assert client.get(f"/api/v1/claims/{assigned.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/claims/{assigned.id}/verification", headers=headers).status_code == 404
    assert post_visit(client, assigned, world.am.verifier).status_code == 404
    assert client.get("/api/v1/worklist", headers=headers).get_json()["total"] == 0


def test_a_claim_not_yet_assigned_cannot_be_verified(client, world, claim):
    r = post_visit(client, claim, world.ir.verifier)
    assert r.status_code == 409
    assert r.get_json()["message"] == "This claim is submitted, so “confirm after verification” is not possible."


def test_a_verified_claim_cannot_be_verified_twice(client, world, assigned):
    assert post_visit(client, assigned, world.ir.verifier).status_code == 201
    r = post_visit(client, assigned, world.ir.verifier)
    assert r.status_code == 409
    assert "verified" in r.get_json()["message"]


@pytest.mark.parametrize("overrides,field,message", [
    ({"lines": []}, "lines", "A confirmed claim needs at least one verified loss line."),
    ({"outcome": "rejected", "lines": []}, "rejection_reason", "Give the reason for rejecting the claim."),
    ({"rejection_reason": "false_claim"}, "rejection_reason",
     "Leave the rejection reason empty when the claim is confirmed."),
    ({"carcass_disposal": None}, "carcass_disposal",
     "Say what was done with the carcass: one left in place may be poisoned and kill leopards."),
    ({"visit_lon": None}, "visit_lon", "Give both latitude and longitude, or neither."),
    ({"canine_spacing_mm": 400}, "canine_spacing_mm",
     "Give the spacing between the canine marks in mm, between 5 and 150."),
    ({"predator": "tiger"}, "predator", None),
    ({"outcome": "rejected", "rejection_reason": "other_predator", "predator": "leopard", "lines": []}, "predator",
     "The reason says another predator, but this programme covers Leopard."),
    ({"lines": [{"species": "sheep", "age_class": "adult", "outcome": "killed", "count": 1}] * 2}, "lines",
     "Two lines have the same species, age class and outcome; combine them."),
])
def test_bad_visit_records_are_refused_with_a_message_per_field(client, world, assigned, overrides, field, message):
    r = post_visit(client, assigned, world.ir.verifier, **overrides)
    assert r.status_code == 422, r.get_json()
    errors = r.get_json()["errors"]
    assert field in errors
    if message:
        assert errors[field] == [message]
    db.session.expire_all()
    assert assigned.status == ClaimState.UNDER_VERIFICATION
    assert db.session.query(Verification).count() == 0


def test_a_visit_cannot_be_in_the_future_or_before_the_incident(client, world, assigned):
    r = post_visit(client, assigned, world.ir.verifier, visited_at=(utcnow() + timedelta(hours=2)).isoformat())
    assert r.get_json()["errors"]["visited_at"] == ["The visit cannot be in the future."]
    r = post_visit(client, assigned, world.ir.verifier, visited_at=(utcnow() - timedelta(days=5)).isoformat())
    assert r.status_code == 422
    assert r.get_json()["errors"]["visited_at"][0].startswith("The visit cannot be before the incident")


def test_corrected_circumstances_and_a_carcass_left_in_place_are_kept(client, world, assigned):
    r = post_visit(client, assigned, world.ir.verifier, carcass_disposal="left_in_place", is_in_corral=True,
                   time_of_day="day")
    visit = r.get_json()
    assert visit["is_carcass_left"] is True
    assert (visit["is_in_corral"], visit["time_of_day"], visit["is_herder_present"]) == (True, "day", None)
