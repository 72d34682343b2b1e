"""Assignment of a submitted claim to a verifier of its area, reassignment and its history."""

from datetime import timedelta

import pytest

from claims.states import ClaimState
from conflict_service.db import db
from tests.helpers import bearer


def assign(client, claim, verifier_id, headers, **extra):
    return client.post(f"/api/v1/claims/{claim.id}/assign", json={"verifier_id": verifier_id, **extra},
                       headers=headers)


@pytest.mark.parametrize("role", ["clerk", "manager"])
def test_clerk_or_manager_assigns_and_the_claim_is_due_72_hours_after_filing(client, world, claim, role):
    r = assign(client, claim, world.ir.verifier.id, bearer(client, world.ir.users[role]))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "under_verification"
    assert body["assigned_verifier_id"] == world.ir.verifier.id
    db.session.expire_all()
    assert claim.verification_due_at == claim.filed_at + timedelta(hours=72)
    history = client.get(f"/api/v1/claims/{claim.id}/history", headers=bearer(client, world.ir.auditor)).get_json()
    event = history[-1]
    assert event["action"] == "claim.assign"
    assert event["changes"] == {"status": ["submitted", "under_verification"]}
    assert event["data"]["verifier"] == world.ir.verifier.display_name


def test_due_time_follows_the_programme_setting(client, world, make):
    programme = make.programme(world.ir.country, verification_sla_hours=24)
    claim = make.claim(world.ir, programme_id=programme.id)
    r = assign(client, claim, world.ir.verifier.id, bearer(client, world.ir.clerk))
    assert r.status_code == 200
    db.session.expire_all()
    assert claim.verification_due_at == claim.filed_at + timedelta(hours=24)


def test_reassignment_is_kept_in_the_history_and_keeps_the_due_time(client, world, assigned):
    due = assigned.verification_due_at
    headers = bearer(client, world.ir.manager)
    r = assign(client, assigned, world.ir.verifier2.id, headers, reason="First verifier is ill.")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["assigned_verifier_id"] == world.ir.verifier2.id
    rows = client.get(f"/api/v1/claims/{assigned.id}/assignments", headers=headers).get_json()
    assert [(a["verifier"]["username"], a["end_reason"]) for a in rows] == [
        ("verifier_ir", "reassigned"), ("verifier2_ir", None)]
    assert rows[0]["ended_at"] is not None
    db.session.expire_all()
    assert assigned.verification_due_at == due
    history = client.get(f"/api/v1/claims/{assigned.id}/history", headers=headers).get_json()
    assert history[-1]["action"] == "claim.reassign"
    assert history[-1]["reason"] == "First verifier is ill."
    assert history[-1]["data"]["previous_verifier"] == world.ir.verifier.display_name


def test_assigning_the_verifier_already_assigned_is_refused(client, world, assigned):
    r = assign(client, assigned, world.ir.verifier.id, bearer(client, world.ir.clerk))
    assert r.status_code == 422
    assert "already assigned" in r.get_json()["errors"]["verifier_id"][0]


def test_verifier_of_another_area_is_refused_and_nothing_changes(client, world, claim):
    r = assign(client, claim, world.am.verifier.id, bearer(client, world.ir.clerk))
    assert r.status_code == 422
    assert r.get_json()["errors"]["verifier_id"] == ["Choose an active verifier who works in this claim's area."]
    db.session.expire_all()
    assert claim.status == ClaimState.SUBMITTED and claim.assigned_verifier_id is None


@pytest.mark.parametrize("who", ["clerk", "manager", "auditor"])
def test_a_user_of_a_non_verifier_role_cannot_be_assigned(client, world, claim, who):
    r = assign(client, claim, world.ir.users[who].id, bearer(client, world.ir.clerk))
    assert r.status_code == 422


def test_an_inactive_verifier_cannot_be_assigned(client, world, claim):
    world.ir.verifier2.is_active = False
    db.session.flush()
    r = assign(client, claim, world.ir.verifier2.id, bearer(client, world.ir.clerk))
    assert r.status_code == 422


@pytest.mark.parametrize("role,status", [("verifier", 403), ("auditor", 403)])
def test_roles_that_may_not_assign(client, world, claim, role, status):
    r = assign(client, claim, world.ir.verifier.id, bearer(client, world.ir.users[role]))
    assert r.status_code == status
    assert "roles" in r.get_json()["message"]


def test_a_clerk_of_another_country_gets_404(client, world, claim):
    r = assign(client, claim, world.ir.verifier.id, bearer(client, world.am.clerk))
    assert r.status_code == 404


def test_a_withdrawn_claim_cannot_be_assigned(client, world, claim):
    from claims.operations import withdraw_claim

    withdraw_claim(claim, world.ir.clerk, "Animals found.")
    r = assign(client, claim, world.ir.verifier.id, bearer(client, world.ir.clerk))
    assert r.status_code == 409
    assert "withdrawn" in r.get_json()["message"]


def test_the_filer_cannot_be_assigned_as_verifier(client, world, claim):
    clerk = world.ir.clerk
    clerk.role, clerk.jurisdictions = "verifier", [world.ir.region]  # promoted to the field since filing
    db.session.flush()
    r = assign(client, claim, clerk.id, bearer(client, world.ir.clerk2))
    assert r.status_code == 422
    assert r.get_json()["errors"]["verifier_id"] == [f"{clerk.display_name} filed this claim, so someone else must "
                                                     "verify it."]
