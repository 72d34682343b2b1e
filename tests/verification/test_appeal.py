"""Appeals: rejected → appealed → verified again by a different verifier; one appeal, within appeal_days."""

from datetime import timedelta

import pytest
import time_machine

from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.timeutil import utcnow
from tests.helpers import bearer
from tests.verification.conftest import visit_payload
from verification.operations import record_verification
from verification.schemas import VerificationCreateSchema


def reject(claim, verifier):
    data = VerificationCreateSchema().load(visit_payload(outcome="rejected", rejection_reason="insufficient_evidence",
                                                         predator="unknown", confidence="possible", lines=[]))
    return record_verification(claim, data, verifier)


@pytest.fixture
def rejected(world, assigned):
    reject(assigned, world.ir.verifier)
    return assigned


def appeal(client, claim, user, **body):
    body.setdefault("reason", "A neighbour saw the leopard at the corral.")
    return client.post(f"/api/v1/claims/{claim.id}/appeal", json=body, headers=bearer(client, user))


def test_rejected_appealed_and_verified_again_by_another_verifier(client, world, rejected):
    r = appeal(client, rejected, world.ir.clerk, verifier_id=world.ir.verifier2.id)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "under_verification"
    assert body["assigned_verifier_id"] == world.ir.verifier2.id
    db.session.expire_all()
    assert rejected.prior_verifier_id == world.ir.verifier.id
    # The owner waits again from the appeal: due one verification period after it.
    assert rejected.verification_due_at == rejected.appealed_at + timedelta(hours=72)

    first = client.post(f"/api/v1/claims/{rejected.id}/verification", json=visit_payload(),
                        headers=bearer(client, world.ir.verifier))
    assert first.status_code == 403
    second = client.post(f"/api/v1/claims/{rejected.id}/verification", json=visit_payload(),
                         headers=bearer(client, world.ir.verifier2))
    assert second.status_code == 201, second.get_json()
    assert second.get_json()["round"] == 2

    visits = client.get(f"/api/v1/claims/{rejected.id}/verification", headers=bearer(client, world.ir.auditor))
    assert [(v["round"], v["outcome"], v["verifier"]["username"]) for v in visits.get_json()] == [
        (1, "rejected", "verifier_ir"), (2, "confirmed", "verifier2_ir")]
    history = client.get(f"/api/v1/claims/{rejected.id}/history", headers=bearer(client, world.ir.auditor)).get_json()
    assert [e["action"] for e in history][-4:] == ["claim.verify_reject", "claim.appeal", "claim.reassign",
                                                   "claim.verify_confirm"]
    assert history[-3]["reason"] == "A neighbour saw the leopard at the corral."


def test_the_verifier_who_rejected_cannot_be_given_the_appeal(client, world, rejected):
    r = appeal(client, rejected, world.ir.clerk, verifier_id=world.ir.verifier.id)
    assert r.status_code == 422
    assert r.get_json()["errors"]["verifier_id"] == [
        f"{world.ir.verifier.display_name} verified this claim before the appeal; an appeal is verified again by a "
        "different verifier."]
    db.session.expire_all()
    assert rejected.status == ClaimState.REJECTED and rejected.appealed_at is None


def test_an_appeal_without_a_verifier_is_assigned_later_but_never_to_the_first(client, world, rejected):
    assert appeal(client, rejected, world.ir.clerk).status_code == 200
    headers = bearer(client, world.ir.clerk)
    r = client.post(f"/api/v1/claims/{rejected.id}/assign", json={"verifier_id": world.ir.verifier.id},
                    headers=headers)
    assert r.status_code == 422
    assert "before the appeal" in r.get_json()["errors"]["verifier_id"][0]
    r = client.post(f"/api/v1/claims/{rejected.id}/assign", json={"verifier_id": world.ir.verifier2.id},
                    headers=headers)
    assert r.status_code == 200
    rows = client.get(f"/api/v1/claims/{rejected.id}/assignments", headers=headers).get_json()
    assert [(a["round"], a["verifier"]["username"]) for a in rows] == [(1, "verifier_ir"), (2, "verifier2_ir")]


def test_only_one_appeal_per_claim(client, world, rejected):
    assert appeal(client, rejected, world.ir.clerk, verifier_id=world.ir.verifier2.id).status_code == 200
    db.session.expire_all()
    reject(rejected, world.ir.verifier2)
    r = appeal(client, rejected, world.ir.clerk, verifier_id=world.ir.verifier2.id)
    assert r.status_code == 409
    assert r.get_json()["message"] == "This claim was already appealed once; only one appeal is allowed."


def test_the_appeal_period_ends_after_appeal_days(client, world, rejected):
    with time_machine.travel(utcnow() + timedelta(days=30, hours=1), tick=False):
        r = appeal(client, rejected, world.ir.clerk, verifier_id=world.ir.verifier2.id)
    assert r.status_code == 409
    assert r.get_json()["message"] == "The appeal period of 30 days after the rejection has ended."


@pytest.mark.parametrize("role", ["verifier", "manager", "auditor"])
def test_only_clerks_file_appeals(client, world, rejected, role):
    r = appeal(client, rejected, world.ir.users[role])
    assert r.status_code == 403


def test_a_clerk_of_another_country_gets_404(client, world, rejected):
    assert appeal(client, rejected, world.am.clerk).status_code == 404


def test_an_appeal_needs_the_owners_grounds(client, world, rejected):
    r = appeal(client, rejected, world.ir.clerk, reason="")
    assert r.status_code == 422
    assert r.get_json()["errors"]["reason"] == ["Give the owner's grounds for the appeal."]


def test_a_claim_that_is_not_rejected_cannot_be_appealed(client, world, assigned):
    r = appeal(client, assigned, world.ir.clerk)
    assert r.status_code == 409
    assert "under verification" in r.get_json()["message"]


def test_the_appeal_periods_days_are_in_the_readers_digits(client, world, rejected):
    """A Sorani clerk read «ماوەی 30 ڕۆژەی …» on the appeal page, Latin digits in a sentence written in ٠-٩."""
    from tests.helpers import login

    world.ir.clerk.preferred_language = "ckb"
    db.session.commit()
    with time_machine.travel(utcnow() + timedelta(days=30, hours=1), tick=False):
        login(client, world.ir.clerk)
        r = client.get(f"/claims/{rejected.id}/appeal")
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "ماوەی ٣٠ ڕۆژەی" in page and " 30 " not in page
