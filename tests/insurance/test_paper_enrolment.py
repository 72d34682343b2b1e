"""Enrolment dates (issue 17, point 3): a paper enrolment is dated the day it was signed, within the season, with the
paper's reference; one signed during a season may be typed in up to the scheme's ``report_backdating_days`` after
the season's end; cover starts on the enrolment day; audited; through the operation, the API and the web form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
import time_machine

from claims.enums import Species
from conflict_service.audit.presentation import describe
from conflict_service.audit.queries import events_for
from conflict_service.db import db
from conflict_service.errors import ValidationError
from conflict_service.timeutil import clock_at
from insurance import operations, queries
from insurance.models import Policy
from payouts import assessment
from tests.factories import at
from tests.helpers import bearer, post_form
from tests.payouts.conftest import sign_in


def _data(insurance, owner, season=None, **extra) -> dict:
    return {"owner_id": owner.id, "season_id": (season or insurance.season).id,
            "agreement_signed_on": date(2026, 2, 20), "lines": [{"species": Species.SHEEP, "head_count": 50}]} | extra


@pytest.fixture
def last_season(insurance):
    season = operations.create_season(insurance.scheme, {"name": "2025", "starts_on": date(2025, 1, 1),
                                                         "ends_on": date(2025, 12, 31)}, insurance.am.manager)
    insurance.premium_rates(season, valid_from=date(2025, 1, 1))
    return season


def test_a_paper_enrolment_typed_in_today_covers_a_loss_since_it_was_signed(insurance):
    owner = insurance.owner()
    policy = operations.enrol(_data(insurance, owner, enrolled_on=date(2026, 6, 1), paper_reference="SY-114"),
                              insurance.am.clerk)
    assert (policy.enrolled_on, policy.cover_from, policy.paper_reference) == (date(2026, 6, 1), date(2026, 6, 1),
                                                                              "SY-114")
    claim = insurance.verified(owner)  # the loss was yesterday, 14 June; typed in today, 15 June
    result = assessment.live(claim)
    assert result.payable and result.total == Decimal("48000.00")  # 60,000 × 80 %
    db.session.commit()
    event = events_for("insurance_policy", policy.id)[0]
    assert event.action == "insurance_policy.enrolled_on_paper"
    assert event.data["enrolled_on"] == "2026-06-01" and event.data["reference"] == "SY-114"
    assert describe(event) == (f"{owner.name} enrolled for 2026 on paper on Jun 1, 2026 (form \u2068SY-114\u2069), "
                               "typed in later: premium AMD\xa0100,000.00")


def test_the_premium_is_priced_at_the_rates_in_force_on_the_paper_day(insurance):
    insurance.premium_rates(insurance.season, {"sheep": "2500"}, valid_from=date(2026, 4, 1))
    owner = insurance.owner()
    policy = operations.enrol(_data(insurance, owner, enrolled_on=date(2026, 3, 10), paper_reference="SY-7"),
                              insurance.am.clerk)
    assert policy.premium_due == Decimal(100000)  # 50 × 2,000, the rate before April's 2,500


def test_a_paper_enrolment_typed_in_after_the_season_ended_covers_the_claim_it_should(insurance, last_season):
    insurance.contribute("500000")
    owner = insurance.owner()
    with time_machine.travel(at(2025, 12, 31, 9, 0), tick=False):
        claim = insurance.verified(owner)  # a loss on 30 December 2025, reported and filed on the 31st
        assert assessment.live(claim).reasons == ("not_insured",)  # the paper has not reached the office
    with clock_at(at(2026, 1, 6, 9, 0)):  # six days after the season's end: within the week
        policy = operations.enrol(_data(insurance, owner, season=last_season, agreement_signed_on=date(2025, 11, 2),
                                        enrolled_on=date(2025, 11, 2), paper_reference="SY-2025-88"),
                                  insurance.am.clerk)
        assert policy.status_on(claim.incident_date).value == "active"
        awarded = insurance.approve(claim)
    assert awarded.status.value == "approved"
    assert assessment.live(claim).total == Decimal("48000.00")


@pytest.mark.parametrize(("typed_on", "extra", "field", "message"), [
    (at(2026, 1, 8, 9, 0), {"enrolled_on": date(2025, 11, 2), "paper_reference": "SY-1"}, "season_id",
     "The season 2025 ended on Dec 31, 2025; enrol the owner for a later season."),
    (at(2026, 1, 5, 9, 0), {}, "enrolled_on",
     "only a paper enrolment signed during it can be typed in, until Jan 7, 2026"),
    (at(2026, 1, 5, 9, 0), {"enrolled_on": date(2026, 1, 2), "paper_reference": "SY-1"}, "enrolled_on",
     "falls within the season, Jan 1, 2025 to Dec 31, 2025"),
    (at(2026, 1, 5, 9, 0), {"enrolled_on": date(2025, 11, 2)}, "paper_reference",
     "Give the reference of the paper enrolment form"),
    (at(2025, 11, 5, 9, 0), {"enrolled_on": date(2025, 11, 6)}, "enrolled_on",
     "The owner cannot have enrolled after today."),
])
def test_enrolment_dates_outside_the_rules_are_refused(insurance, last_season, typed_on, extra, field, message):
    owner = insurance.owner()
    with clock_at(typed_on), pytest.raises(ValidationError) as error:
        operations.enrol(_data(insurance, owner, season=last_season, agreement_signed_on=date(2025, 11, 2), **extra),
                         insurance.am.clerk)
    assert message in " ".join(error.value.errors[field])
    assert queries.policies_of_owner(owner.id) == []


def test_the_enrolment_form_lists_a_season_ended_within_the_limit_only(insurance, last_season):
    with clock_at(at(2026, 1, 7, 9, 0)):
        assert last_season in queries.open_seasons(insurance.am.clerk)
    with clock_at(at(2026, 1, 8, 9, 0)):
        assert last_season not in queries.open_seasons(insurance.am.clerk)


def test_the_api_takes_the_paper_day_and_reference(client, insurance):
    owner = insurance.owner()
    db.session.commit()
    headers = bearer(client, insurance.am.clerk)
    body = {"owner_id": owner.id, "season_id": insurance.season.id, "agreement_signed_on": "2026-05-20",
            "lines": [{"species": "sheep", "head_count": 10}], "enrolled_on": "2026-05-20"}
    r = client.post("/api/v1/policies", headers=headers, json=body)
    assert r.status_code == 422
    assert r.get_json()["errors"] == {"paper_reference": [
        "Give the reference of the paper enrolment form signed on that day."]}
    r = client.post("/api/v1/policies", headers=headers, json=body | {"paper_reference": "SY-31"})
    assert r.status_code == 201, r.get_json()
    policy = r.get_json()
    assert (policy["enrolled_on"], policy["cover_from"], policy["paper_reference"]) == ("2026-05-20", "2026-05-20",
                                                                                       "SY-31")
    assert policy["enrolled_at"].startswith("2026-06-15")


def test_the_enrolment_form_takes_the_paper_day_and_keeps_what_was_typed(client, insurance):
    owner = insurance.owner()
    db.session.commit()
    sign_in(client, insurance.am.clerk)
    path = f"/insurance/policies/new?owner_id={owner.id}"
    form = {"owner_id": owner.id, "season_id": insurance.season.id, "agreement_signed_on": "2026-05-02",
            "enrolled_on": "2025-12-20", "paper_reference": "SY-40", "lines-0-species": "sheep",
            "lines-0-head_count": "20"}
    r = post_form(client, path, form)
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "falls within the season" in page
    assert 'value="SY-40"' in page and "2025-12-20" in page
    r = post_form(client, path, form | {"enrolled_on": "2026-05-02"})
    assert r.status_code == 302
    policy = db.session.scalar(sa.select(Policy).where(Policy.owner_id == owner.id))
    assert (policy.enrolled_on, policy.paper_reference) == (date(2026, 5, 2), "SY-40")
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "SY-40" in page and "Paper form reference" in page
