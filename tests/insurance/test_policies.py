"""Enrolment, premiums and violations: the rules a clerk or a manager meets, and what the history keeps."""

from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale

from claims.enums import Species
from conflict_service.audit.queries import events_for
from conflict_service.db import db
from conflict_service.errors import Conflict, ValidationError
from insurance import operations, queries
from insurance.enums import PolicyStatus
from tests.factories import at


def test_the_premium_is_priced_at_the_rates_in_force_on_the_day_of_enrolment(insurance):
    insurance.premium_rates(insurance.season, {"sheep": "2500"}, valid_from=date(2026, 4, 1))  # version 2
    early = insurance.enrol(lines={"sheep": 10}, when=at(2026, 3, 1))
    late = insurance.enrol(lines={"sheep": 10}, when=at(2026, 4, 2))
    assert (early.premium_due, late.premium_due) == (Decimal(20000), Decimal(25000))
    assert [ln.rate for ln in late.lines] == [Decimal(2500)]  # kept with the policy: later versions change nothing


def test_a_later_version_for_the_same_date_corrects_the_earlier(insurance):
    insurance.premium_rates(insurance.season, {"sheep": "2200"})  # again from 1 January: version 2 wins
    assert queries.premium_rates_in_force(insurance.season.id, date(2026, 3, 1))[Species.SHEEP]["amount"] == 2200
    assert [t.version for t in queries.premium_tables(insurance.season.id)] == [2, 1]


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"agreement_signed_on": date(2026, 6, 16)}, "agreement_signed_on", "cannot have been signed after today"),
    ({"lines": []}, "lines", "Insure at least one species."),
    ({"lines": [{"species": Species.SHEEP, "head_count": 5}, {"species": Species.SHEEP, "head_count": 1}]}, "lines",
     "Each species may appear only once."),
])
def test_enrolment_refuses_bad_input_and_enrols_nobody(insurance, change, field, message):
    owner = insurance.owner()
    data = {"owner_id": owner.id, "season_id": insurance.season.id, "agreement_signed_on": date(2026, 6, 1),
            "lines": [{"species": Species.SHEEP, "head_count": 5}]} | change
    with pytest.raises(ValidationError) as error:
        operations.enrol(data, insurance.am.clerk)
    assert message in str(error.value.errors[field])
    assert queries.policies_of_owner(owner.id) == []


def test_an_ended_season_takes_no_enrolment(insurance):
    old = operations.create_season(insurance.scheme, {"name": "2025", "starts_on": date(2025, 1, 1),
                                                      "ends_on": date(2025, 12, 31)}, insurance.am.manager)
    with pytest.raises(ValidationError, match="Some fields") as error:
        insurance.enrol(season=old, when=at(2026, 6, 15))
    assert "ended on Dec 31, 2025" in error.value.errors["season_id"][0]


def test_one_policy_per_owner_and_season(insurance):
    policy = insurance.enrol()
    with pytest.raises(Conflict, match=f"already enrolled for 2026: policy {policy.number}"):
        insurance.enrol(policy.owner)


def test_policy_numbers_run_per_office_and_year(insurance):
    first, second = insurance.enrol(), insurance.enrol()
    assert (first.number, second.number) == ("AM-OFF-P2026-00001", "AM-OFF-P2026-00002")


def test_premiums_are_numbered_receipts_and_audited_on_the_policy(insurance):
    policy = insurance.enrol(lines={"sheep": 10})
    first, second = insurance.pay(policy, "5000"), insurance.pay(policy, "15000", method="mobile_money")
    assert (first.receipt_number, second.receipt_number) == (f"{policy.number}-R1", f"{policy.number}-R2")
    with pytest.raises(ValidationError, match="Some fields"):
        insurance.pay(policy, "0.01")  # nothing is still due
    db.session.commit()
    events = [e.action for e in events_for("insurance_policy", policy.id)]
    assert events == ["insurance_policy.enrolled", "insurance_policy.premium_paid", "insurance_policy.premium_paid"]
    assert [e.action for e in events_for("owner", policy.owner_id)][-1] == "owner.insurance_enrolled"


def test_a_violation_cannot_predate_the_agreement_or_be_recorded_twice(insurance):
    policy = insurance.enrol(signed=date(2026, 2, 20))
    with pytest.raises(ValidationError) as error:
        operations.record_violation(policy, {"occurred_on": date(2026, 2, 1), "note": "x"}, insurance.am.manager)
    assert "signed on Feb 20, 2026" in error.value.errors["occurred_on"][0]
    with force_locale("fa"), pytest.raises(ValidationError) as error:  # in the reader's calendar and digits
        operations.record_violation(policy, {"occurred_on": date(2026, 2, 1), "note": "x"}, insurance.am.manager)
    assert "۱ اسفند ۱۴۰۴" in error.value.errors["occurred_on"][0]
    operations.record_violation(policy, {"occurred_on": date(2026, 5, 1), "note": "Poison bait"}, insurance.am.manager)
    assert policy.status_on(date(2026, 6, 15)) == PolicyStatus.VIOLATION
    assert policy.status_on(date(2026, 4, 30)) == PolicyStatus.ACTIVE and policy.cover_to == date(2026, 4, 30)
    with pytest.raises(Conflict, match="already recorded"):
        operations.record_violation(policy, {"occurred_on": date(2026, 5, 2), "note": "y"}, insurance.am.manager)
    db.session.commit()
    event = events_for("insurance_policy", policy.id)[-1]
    assert (event.action, event.reason, event.changes) == (
        "insurance_policy.violation_recorded", "Poison bait", {"violation_on": [None, "2026-05-01"]})


def test_premium_rates_are_checked_like_rate_tables(insurance):
    with pytest.raises(ValidationError) as error:
        operations.record_premium_rates(insurance.season, {"entries": [
            {"species": Species.SHEEP, "amount": Decimal("1.001"), "valid_from": date(2026, 1, 1)},
            {"species": Species.GOAT, "amount": Decimal(1), "valid_from": date(2026, 1, 1)},
            {"species": Species.GOAT, "amount": Decimal(2), "valid_from": date(2026, 1, 1)}]}, insurance.am.manager)
    assert error.value.errors == {"entries": {
        "0": {"amount": ["AMD amounts have at most 2 decimal places."]},
        "2": {"valid_from": ["This species already has a premium rate from this date in the table."]}}}


def test_seasons_only_belong_to_insurance_schemes(insurance):
    with pytest.raises(ValidationError, match="Some fields") as error:
        operations.create_season(insurance.am.programme, {"name": "x", "starts_on": date(2027, 1, 1),
                                                          "ends_on": date(2027, 2, 1)}, insurance.am.manager)
    assert "is a compensation programme" in error.value.errors["programme_id"][0]
