"""Stored flags, the review queue and decisions: audited, managers only, never a change of the claim's state."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from claims.states import ClaimState
from conflict_service.audit.models import AuditEvent
from conflict_service.audit.presentation import describe
from conflict_service.db import db
from conflict_service.errors import Forbidden, ValidationError
from conflict_service.timeutil import utcnow
from oversight.flags import operations, queries
from oversight.models import AnomalyFlag, FlagDecision
from tests.helpers import bearer, post_form
from tests.oversight.flagging import flags_of, line
from tests.payouts.conftest import sign_in


@pytest.fixture
def ir(world):
    return world.ir


@pytest.fixture
def big(make, ir):
    """A claim of more sheep than the owner has: flagged for the loss larger than the herd."""
    owner = make.owner(ir.clerk, ir.office)
    return make.claim(ir, owner, lines=[line("sheep", 500)])


def flag_of(claim, rule="loss_exceeds_herd") -> AnomalyFlag:
    return next(f for f in queries.for_claim(claim) if f.rule == rule)


def events(action):
    db.session.commit()
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()


def test_refresh_is_idempotent_and_clears_a_flag_the_facts_no_longer_support(big):
    assert operations.refresh(sa.select(sa.literal(big.id)))["raised"] == 1
    assert operations.refresh(sa.select(sa.literal(big.id)))["raised"] == 0
    assert len(events("claim.flag_raised")) == 1
    assert describe(events("claim.flag_raised")[0]) == "Anomaly flag raised: Loss larger than the registered herd"
    big.lines[0].count = 3
    db.session.flush()
    assert operations.refresh(sa.select(sa.literal(big.id)))["cleared"] == 1
    assert flags_of(big) == set() and len(events("claim.flag_cleared")) == 1


def test_a_decision_is_recorded_and_audited_and_the_claim_state_is_untouched(big, ir):
    flag = flag_of(big)
    operations.decide(flag, {"decision": FlagDecision.DISMISSED, "note": "Herd count is out of date"}, ir.manager)
    assert flag.decision == FlagDecision.DISMISSED and flag.decided_by_id == ir.manager.id
    assert big.status == ClaimState.SUBMITTED
    [event] = events("claim.flag_decided")
    assert event.entity_id == big.id and event.reason == "Herd count is out of date"
    assert event.changes == {"flag_decision": [None, "dismissed"]} and event.data == {"rule": "loss_exceeds_herd"}
    operations.refresh(sa.select(sa.literal(big.id)))
    assert flag_of(big).decision == FlagDecision.DISMISSED  # kept while the facts stay the same


@pytest.mark.parametrize("role", ["auditor", "clerk", "verifier"])
def test_only_managers_decide(big, ir, role):
    with pytest.raises(Forbidden):
        operations.decide(flag_of(big), {"decision": FlagDecision.CONFIRMED, "note": "x"}, getattr(ir, role))


def test_a_decision_needs_a_note(big, ir):
    with pytest.raises(ValidationError) as refused:
        operations.decide(flag_of(big), {"decision": FlagDecision.CONFIRMED, "note": "  "}, ir.manager)
    assert "note" in refused.value.errors and flag_of(big).decision is None


def test_api_queue_claim_flags_and_decision(client, big, ir, world):
    manager, auditor = bearer(client, ir.manager), bearer(client, ir.auditor)
    body = client.get("/api/v1/flags", headers=auditor).get_json()
    assert [(f["claim_number"], f["rule"]) for f in body["items"]] == [(big.number, "loss_exceeds_herd")]
    assert "Sheep: 500 claimed, 120 registered" in body["items"][0]["description"]
    flag_id = body["items"][0]["id"]
    assert client.get(f"/api/v1/claims/{big.id}/flags", headers=auditor).get_json()[0]["id"] == flag_id
    assert client.post(f"/api/v1/flags/{flag_id}/decision", headers=auditor,
                       json={"decision": "confirmed", "note": "x"}).status_code == 403
    r = client.post(f"/api/v1/flags/{flag_id}/decision", headers=manager, json={"decision": "maybe"})
    assert r.status_code == 422 and set(r.get_json()["errors"]) == {"decision", "note"}
    r = client.post(f"/api/v1/flags/{flag_id}/decision", headers=manager,
                    json={"decision": "confirmed", "note": "Ask the office to recount"})
    assert r.status_code == 200 and r.get_json()["decision"] == "confirmed"
    assert client.get("/api/v1/flags", headers=manager).get_json()["total"] == 0
    assert client.get("/api/v1/flags?state=decided", headers=manager).get_json()["total"] == 1
    assert client.get("/api/v1/flags?rule=nonsense", headers=manager).status_code == 422
    other = bearer(client, world.am.manager)
    assert client.get("/api/v1/flags", headers=other).get_json()["total"] == 0
    assert client.post(f"/api/v1/flags/{flag_id}/decision", headers=other,
                       json={"decision": "dismissed", "note": "x"}).status_code == 404
    assert client.get(f"/api/v1/claims/{big.id}/flags", headers=bearer(client, ir.clerk)).status_code == 403
    db.session.expire_all()
    assert db.session.get(type(big), big.id).status == ClaimState.SUBMITTED


def test_queue_page_and_claim_page(client, big, ir):
    sign_in(client, ir.manager)
    page = client.get("/flags").get_data(as_text=True)
    assert big.number in page and "Loss larger than the registered herd" in page and '/decision"' in page
    flag_id = db.session.scalar(sa.select(AnomalyFlag.id).where(AnomalyFlag.claim_id == big.id))
    r = post_form(client, f"/flags/{flag_id}/decision", {"decision": "dismissed", "note": ""}, form_path="/flags")
    assert r.status_code == 422 and "This field is required." in r.get_data(as_text=True)
    r = post_form(client, f"/flags/{flag_id}/decision", {"decision": "dismissed", "note": "Recounted: 520 sheep"},
                  form_path="/flags")
    assert r.status_code == 302
    claim_page = client.get(f"/claims/{big.id}").get_data(as_text=True)
    assert "Anomaly flags" in claim_page and "Recounted: 520 sheep" in claim_page


def test_auditors_read_but_see_no_decision_form(client, big, ir):
    sign_in(client, ir.auditor)
    page = client.get("/flags").get_data(as_text=True)
    assert big.number in page and '/decision"' not in page
    assert "Anomaly flags" in client.get(f"/claims/{big.id}").get_data(as_text=True)
    flag_id = db.session.scalar(sa.select(AnomalyFlag.id).where(AnomalyFlag.claim_id == big.id))
    r = post_form(client, f"/flags/{flag_id}/decision", {"decision": "dismissed", "note": "x"}, form_path="/flags")
    assert r.status_code == 403


def test_clerks_do_not_see_flags_on_the_claim_page(client, big, ir):
    sign_in(client, ir.clerk)
    assert "Anomaly flags" not in client.get(f"/claims/{big.id}").get_data(as_text=True)


def test_cli_scan_and_list(runner, make, big, ir):
    make.claim(ir, big.owner, incident_at=utcnow() - timedelta(hours=30))  # a duplicate of ``big``
    db.session.commit()
    result = runner.invoke(args=["flags", "scan"])
    assert result.exit_code == 0, result.output
    assert "possible_duplicate          2" in result.output
    assert "3 raised, 0 cleared, 3 flags on open claims." in result.output
    assert "0 raised" in runner.invoke(args=["flags", "scan"]).output
    listed = runner.invoke(args=["flags", "list", "--user", ir.auditor.username, "--rule", "loss_exceeds_herd"])
    assert big.number in listed.output and listed.output.strip().endswith("1 flags.")


def test_a_flags_numbers_are_written_in_the_readers_digits(app):
    from flask_babel import force_locale

    from oversight.flags.rules import describe

    details = {"count": 5, "year": 2026, "limit": 3}
    with app.test_request_context(), force_locale("fa"):
        text = describe("too_many_claims", details)
    # the year too (issue 20)
    assert "۵" in text and "۳" in text and "۲۰۲۶" in text and "5" not in text and "2026" not in text
