"""Overdue flags: a claim not verified by its due time, with the clock frozen."""

from datetime import timedelta

import pytest
import time_machine

from tests.factories import at
from tests.helpers import bearer, login
from tests.verification.conftest import visit_payload
from verification.operations import assign_verifier, file_appeal, record_verification
from verification.schemas import VerificationCreateSchema

FILED = at(2026, 5, 1, 8)


@pytest.fixture
def clock():
    with time_machine.travel(FILED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def three(world, make, clock):
    """Three claims filed 08:00, 10:00 and 12:00 UTC; the second is assigned to the verifier, the third verified."""
    first = make.claim(world.ir)
    clock.move_to(FILED + timedelta(hours=2))
    second = make.claim(world.ir)
    assign_verifier(second, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)
    clock.move_to(FILED + timedelta(hours=4))
    third = make.claim(world.ir)
    assign_verifier(third, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)
    record_verification(third, VerificationCreateSchema().load(visit_payload()), world.ir.verifier)
    return first, second, third


def overdue_numbers(client, user, value="true"):
    r = client.get(f"/api/v1/claims?overdue={value}", headers=bearer(client, user))
    assert r.status_code == 200, r.get_json()
    return sorted(c["number"] for c in r.get_json()["items"])


def test_nothing_is_overdue_before_the_due_time(client, world, three, clock):
    clock.move_to(FILED + timedelta(hours=71, minutes=59))
    assert overdue_numbers(client, world.ir.manager) == []


def test_claims_past_their_due_time_are_flagged_unless_verified(client, world, three, clock):
    first, second, third = three
    clock.move_to(FILED + timedelta(hours=73))  # the first is 1 h late; the second is due in an hour
    assert overdue_numbers(client, world.ir.manager) == [first.number]
    clock.move_to(FILED + timedelta(hours=80))  # both open claims are late; the verified one never is
    assert overdue_numbers(client, world.ir.manager) == sorted([first.number, second.number])
    assert overdue_numbers(client, world.ir.manager, "false") == [third.number]
    items = client.get("/api/v1/claims", headers=bearer(client, world.ir.clerk)).get_json()["items"]
    assert {c["number"]: c["is_verification_overdue"] for c in items} == {
        first.number: True, second.number: True, third.number: False}
    assert overdue_numbers(client, world.am.manager) == []  # scoped like everything else


def test_overdue_claims_are_flagged_in_the_list_and_on_the_home_page(client, world, three, clock):
    first, second, _third = three
    clock.move_to(FILED + timedelta(hours=73))
    login(client, world.ir.clerk)
    page = client.get("/claims?overdue=true").get_data(as_text=True)
    assert first.number in page and second.number not in page
    assert page.count(">Overdue</span>") == 1
    home = client.get("/").get_data(as_text=True)
    assert "Overdue for verification" in home
    assert first.number in home.split("Longest overdue")[1]
    assert "Times are local to the office (Tehran" in home.split("Longest overdue")[1]


def test_the_worklist_is_soonest_due_first_with_overdue_marked(client, world, make, three, clock):
    _first, second, _third = three
    clock.move_to(FILED + timedelta(hours=5))
    later = make.claim(world.ir)
    assign_verifier(later, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)
    clock.move_to(FILED + timedelta(hours=75))
    body = client.get("/api/v1/worklist", headers=bearer(client, world.ir.verifier)).get_json()
    assert [(c["number"], c["is_verification_overdue"]) for c in body["items"]] == [
        (second.number, True), (later.number, False)]
    only = client.get("/api/v1/worklist?overdue=true", headers=bearer(client, world.ir.verifier)).get_json()
    assert [c["number"] for c in only["items"]] == [second.number]
    login(client, world.ir.verifier)
    page = client.get("/worklist").get_data(as_text=True)
    assert page.index(second.number) < page.index(later.number)
    assert page.count(">Overdue</span>") == 1
    assert "Times are local to the office (Tehran" in page  # the due times' zone, named once
    home = client.get("/").get_data(as_text=True)
    assert "2 claims wait for your site visit." in home and "1 overdue" in home
    assert "Times are local to the office (Tehran" in home


def test_an_appeal_is_due_one_verification_period_after_it(client, world, make, clock):
    claim = make.claim(world.ir)
    assign_verifier(claim, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)
    record_verification(claim, VerificationCreateSchema().load(visit_payload(
        outcome="rejected", rejection_reason="insufficient_evidence", lines=[])), world.ir.verifier)
    clock.move_to(FILED + timedelta(days=10))
    file_appeal(claim, {"reason": "New witness.", "verifier_id": world.ir.verifier2.id}, world.ir.clerk)
    clock.move_to(FILED + timedelta(days=10, hours=71))
    assert overdue_numbers(client, world.ir.manager) == []
    clock.move_to(FILED + timedelta(days=10, hours=73))
    assert overdue_numbers(client, world.ir.manager) == [claim.number]
