"""No one manager moves money alone (DESIGN §2, issue 16 item 1): money rules change only with a second manager, an
approval keeps the rules it started with, and an advance above the threshold needs two managers."""

from decimal import Decimal

import pytest

from claims import rule_changes
from claims.enums import TimeOfDay
from claims.operations import update_programme
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.errors import Conflict, Forbidden
from payouts import operations
from tests.helpers import bearer

DAY = {"time_of_day": TimeOfDay.DAY}


@pytest.fixture
def ir(payouts, world):
    payouts.rates(world.ir)
    world.ir.programme.dual_approval_threshold = Decimal("50000000")
    return world.ir


def test_the_bypass_of_the_issue_leaves_the_claim_waiting_for_a_second_manager(client, payouts, ir):
    claim = payouts.verified(ir, **DAY)  # 90,000,000 > 50,000,000
    db.session.commit()
    alone = bearer(client, ir.manager)
    url, programme_url = f"/api/v1/claims/{claim.id}/approve", f"/api/v1/programmes/{ir.programme.id}"
    assert client.post(url, json={"note": "first"}, headers=alone).status_code in (200, 201)
    r = client.patch(programme_url, json={"dual_approval_threshold": None}, headers=alone)
    assert r.status_code == 200 and r.get_json()["dual_approval_threshold"] == "50000000"  # not switched off
    (pending,) = r.get_json()["pending_rule_changes"]
    assert pending["after"] == {"dual_approval_threshold": None} and pending["proposed_by"] == "manager_ir"
    confirm = f"{programme_url}/rule-changes/{pending['id']}/confirm"
    assert client.post(confirm, headers=alone).status_code == 403  # the proposer cannot confirm it
    assert client.post(url, json={"note": "again"}, headers=alone).status_code == 403
    db.session.expire_all()
    assert claim.status == ClaimState.VERIFIED and ir.programme.dual_approval_threshold == Decimal("50000000")


def test_an_approval_under_way_keeps_its_rules_after_the_threshold_is_lifted(payouts, ir):
    claim = payouts.verified(ir, **DAY)
    assert operations.approve_claim(claim, {}, ir.manager).awaiting_second
    change = rule_changes.propose(ir.programme, {"dual_approval_threshold": None}, ir.manager)
    rule_changes.confirm(change, ir.manager2)  # lifted for real, by two managers
    assert ir.programme.dual_approval_threshold is None
    with pytest.raises(Forbidden, match="second, different manager"):
        operations.approve_claim(claim, {}, ir.manager)  # one person's two approvals never make a final one
    assert not operations.approve_claim(claim, {}, ir.manager2).awaiting_second
    assert claim.status == ClaimState.APPROVED


def test_money_rules_are_proposals_until_a_second_manager_confirms(payouts, ir):
    update_programme(ir.programme, {"injured_pct": Decimal(45), "name": "Razavi programme"}, ir.manager)
    assert ir.programme.name == "Razavi programme" and ir.programme.injured_pct == 30  # the name at once
    (change,) = rule_changes.pending(ir.programme)
    assert (change.before, change.after) == ({"injured_pct": "30"}, {"injured_pct": "45"})
    with pytest.raises(Forbidden, match="a second manager must confirm"):
        rule_changes.confirm(change, ir.manager)
    rule_changes.confirm(change, ir.manager2)
    assert ir.programme.injured_pct == 45 and rule_changes.pending(ir.programme) == []


def test_a_stale_proposal_cannot_be_confirmed_and_refusing_changes_nothing(payouts, ir):
    one = rule_changes.propose(ir.programme, {"advance_pct": Decimal(10)}, ir.manager)
    two = rule_changes.propose(ir.programme, {"advance_pct": Decimal(20)}, ir.manager)
    rule_changes.confirm(two, ir.manager2)
    with pytest.raises(Conflict, match="changed since"):
        rule_changes.confirm(one, ir.manager2)
    rule_changes.refuse(one, ir.manager, "superseded")  # its author withdraws it
    assert ir.programme.advance_pct == 20 and rule_changes.pending(ir.programme) == []


def test_an_advance_above_the_threshold_needs_two_managers(payouts, ir):
    ir.programme.advance_pct = Decimal(20)
    claim = payouts.verified(ir, **DAY)
    with pytest.raises(Forbidden, match="advance needs two managers"):
        operations.grant_advance(claim, ir.manager)
    operations.approve_claim(claim, {}, ir.manager)  # the first approval
    with pytest.raises(Forbidden, match="must grant the advance"):
        operations.grant_advance(claim, ir.manager)  # the same manager again: alone
    advance = operations.grant_advance(claim, ir.manager2)
    assert advance.amount == Decimal("18000000")  # 20 % of 90,000,000


def test_proposals_are_audited_and_reachable_from_the_page_and_the_cli(client, runner, payouts, ir):
    from tests.helpers import login, post_form

    update_programme(ir.programme, {"advance_pct": Decimal(15)}, ir.manager)
    (change,) = rule_changes.pending(ir.programme)
    db.session.commit()
    listed = runner.invoke(args=["programmes", "rule-changes", str(ir.programme.id), "--user", "auditor_ir"])
    assert f"#{change.id} pending" in listed.output and "advance_pct: 0 -> 15" in listed.output
    refused = runner.invoke(args=["programmes", "confirm-rules", str(ir.programme.id), str(change.id),
                                  "--user", "manager_ir"])
    assert refused.exit_code != 0 and "second manager" in refused.output
    login(client, ir.manager2)
    page = client.get(f"/programmes/{ir.programme.id}").get_data(as_text=True)
    assert "Confirm the change" in page
    r = post_form(client, f"/programmes/{ir.programme.id}/rule-changes/{change.id}/confirm", {},
                  form_path=f"/programmes/{ir.programme.id}")
    assert r.status_code == 302
    db.session.expire_all()
    assert ir.programme.advance_pct == 15
    events = [e["action"] for e in client.get(f"/api/v1/audit?entity_type=programme&entity_id={ir.programme.id}",
                                               headers=bearer(client, ir.auditor)).get_json()["items"]]
    assert events[:2] == ["programme.rules_confirmed", "programme.rules_proposed"]


def test_a_refusal_with_an_over_long_reason_changes_nothing_and_says_why(client, payouts, ir):
    from tests.helpers import login, post_form

    update_programme(ir.programme, {"advance_pct": Decimal(15)}, ir.manager)
    (change,) = rule_changes.pending(ir.programme)
    db.session.commit()
    login(client, ir.manager2)
    url = f"/programmes/{ir.programme.id}/rule-changes/{change.id}/refuse"
    r = post_form(client, url, {"note": "x" * 2001}, form_path=f"/programmes/{ir.programme.id}")
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "At most 2000 characters." in page  # refused, not cut short
    db.session.expire_all()
    assert rule_changes.pending(ir.programme) == [change]


def test_a_rate_version_recorded_by_a_manager_is_in_force_only_once_another_confirms(client, payouts, ir):
    from datetime import date

    from payouts import assessment
    from tests.payouts.conftest import set_rates

    claim = payouts.verified(ir, **DAY)
    before = assessment.live(claim).total  # 90,000,000 with the operator's rates
    table = set_rates(ir.programme, {("sheep", "adult"): "90000000"}, date(2020, 1, 1), actor=ir.manager)
    assert table.is_pending and assessment.live(claim).total == before  # a proposal, not a rate
    with pytest.raises(Forbidden, match="a second manager must confirm"):
        operations.confirm_rates(table, ir.manager)
    db.session.commit()
    url = f"/api/v1/programmes/{ir.programme.id}/rates/{table.version}/confirm"
    assert client.post(url, headers=bearer(client, ir.manager)).status_code == 403
    r = client.post(url, headers=bearer(client, ir.manager2))
    assert r.status_code == 200 and r.get_json()["decided_by"] == "manager2_ir"
    db.session.expire_all()
    assert assessment.live(claim).total == Decimal("180000000")
    refused = set_rates(ir.programme, {("sheep", "adult"): "1"}, date(2020, 1, 1), actor=ir.manager)
    operations.refuse_rates(refused, ir.manager2)
    assert assessment.live(claim).total == Decimal("180000000")  # a refused version never applies
