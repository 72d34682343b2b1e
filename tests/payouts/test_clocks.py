"""A clock on every stage (DESIGN §6): a claim walked past each deadline with a frozen clock shows the flag."""

from datetime import timedelta

import pytest
import time_machine

from claims.enums import Clock
from claims.queries import overdue_counts
from conflict_service.db import db
from payouts import operations
from payouts.models import Award, Payment
from tests.factories import at
from tests.helpers import bearer, login

FILED = at(2026, 5, 1, 8)


@pytest.fixture
def clock():
    with time_machine.travel(FILED, tick=False) as traveller:
        yield traveller


def api_claim(client, user, claim):
    r = client.get(f"/api/v1/claims/{claim.id}", headers=bearer(client, user))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def overdue_ids(client, user, clock_name):
    r = client.get(f"/api/v1/claims?overdue=true&clock={clock_name}", headers=bearer(client, user))
    assert r.status_code == 200, r.get_json()
    return [c["id"] for c in r.get_json()["items"]]


def check_stage(client, world, claim, stage: Clock, due, traveller):
    """Just before ``due`` the stage is on time; just after, it is flagged in the API, lists, counts and page."""
    manager = world.ir.manager
    assert (claim.due_clock, claim.due_at) == (stage, due)
    traveller.move_to(due - timedelta(minutes=1))
    body = api_claim(client, manager, claim)
    assert (body["due_clock"], body["is_overdue"]) == (stage.value, False)
    assert claim.id not in overdue_ids(client, manager, stage.value)
    traveller.move_to(due + timedelta(minutes=1))
    assert api_claim(client, manager, claim)["is_overdue"] is True
    assert overdue_ids(client, manager, stage.value) == [claim.id]
    assert overdue_counts(manager)[stage] == 1
    login(client, manager)
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "Overdue" in page and f"{stage.title} due" in page
    home = client.get("/").get_data(as_text=True)
    assert f"overdue=true&amp;clock={stage.value}" in home


def test_a_claim_walked_past_every_deadline(client, world, payouts, clock):
    ir = world.ir
    ir.programme.decision_sla_days, ir.programme.confirmation_sla_days = 5, 3
    payouts.rates(ir)
    claim = payouts.make.claim(ir)
    check_stage(client, world, claim, Clock.VERIFICATION, FILED + timedelta(hours=72), clock)

    claim = payouts.verified(ir)
    verified_at = claim.status_changed_at
    check_stage(client, world, claim, Clock.DECISION, verified_at + timedelta(days=5), clock)

    operations.approve_claim(claim, {"note": ""}, ir.manager)
    award = db.session.query(Award).filter_by(claim_id=claim.id).one()
    # Payment is due by the end of due_on on the office's wall clock (Tehran, UTC+03:30).
    end_of_due_day = at(award.due_on.year, award.due_on.month, award.due_on.day, 20, 30)
    check_stage(client, world, claim, Clock.PAYMENT, end_of_due_day, clock)

    batch = payouts.batch(ir, [claim])
    check_stage(client, world, claim, Clock.CONFIRMATION, batch.approved_at + timedelta(days=3), clock)

    payment = db.session.query(Payment).filter_by(claim_id=claim.id).one()
    operations.confirm_payment(payment, {"paid_at": batch.approved_at, "reference": "BANK-1"}, ir.manager)
    assert (claim.due_clock, claim.due_at, claim.is_overdue) == (None, None, False)
    assert overdue_counts(ir.manager)[Clock.CONFIRMATION] == 0


def test_a_failed_payment_waits_for_payment_again_from_the_original_due_date(world, payouts, clock):
    ir = world.ir
    payouts.rates(ir)
    claim = payouts.approved(ir)
    due = claim.due_at
    batch = payouts.batch(ir, [claim])
    assert claim.due_clock == Clock.CONFIRMATION
    payment = db.session.query(Payment).filter_by(batch_id=batch.id).one()
    operations.fail_payment(payment, {"reason": "account closed"}, ir.manager)
    assert (claim.due_clock, claim.due_at) == (Clock.PAYMENT, due)


def test_deadlines_report_and_dashboard_count_the_open_overdue_claim(client, world, payouts, clock):
    ir = world.ir
    payouts.rates(ir)
    claim = payouts.verified(ir)
    clock.move_to(claim.due_at + timedelta(hours=1))
    rows = client.get("/api/v1/reports/deadlines", headers=bearer(client, ir.manager)).get_json()["rows"]
    assert [r["decision"]["open_late"] for r in rows] == [1]
    assert rows[0]["decision"]["share_within"] == "0.000"
    login(client, ir.manager)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "overdue=true&amp;clock=decision" in dashboard
