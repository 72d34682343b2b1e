"""Worked examples for every rule of DESIGN §5, assessed from real verified claims.

Iran's programme pays in IRR (no minor unit); the rates used: adult sheep 45,000,000, young sheep
20,000,000, adult goat 35,000,000, adult cattle 350,000,000. Every expected amount is worked out by hand
in the test's comment.
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from claims.enums import Confidence, Predator, TimeOfDay
from conflict_service.db import db
from conflict_service.timeutil import local_date, utcnow
from payouts import assessment
from tests.payouts.conftest import loss, set_rates

DAY = {"time_of_day": TimeOfDay.DAY}


def codes(result):
    return [line.code for line in result.lines]


@pytest.fixture
def ir(payouts, world):
    payouts.rates(world.ir)
    return world.ir


def test_killed_animals_are_paid_at_the_full_rate(payouts, ir):
    # 3 adult sheep killed by day: 3 × 45,000,000 = 135,000,000
    claim = payouts.verified(ir, verified_lines=[loss(count=3)], **DAY)
    result = assessment.live(claim)
    assert result.payable and result.reasons == ()
    assert result.total == Decimal("135000000")
    assert codes(result) == ["covered", "base_killed", "base_total", "on_time", "guarded", "mitigation_none", "rounded"]


def test_injured_are_paid_at_injured_pct_and_missing_at_missing_pct(payouts, ir):
    # 1 adult goat killed 35,000,000 + 2 adult sheep injured 2 × 45,000,000 × 30 % = 27,000,000
    # + 4 young sheep missing 4 × 20,000,000 × 0 % = 0  → 62,000,000
    claim = payouts.verified(ir, verified_lines=[loss("goat"), loss(outcome="injured", count=2),
                                                 loss(age="young", outcome="missing", count=4)], **DAY)
    result = assessment.live(claim)
    base = [ln.amount for ln in result.lines if ln.step == "base"]
    assert base == [Decimal("35000000"), Decimal("27000000"), Decimal("0"), Decimal("62000000")]
    assert result.total == Decimal("62000000")


def test_verified_lines_are_paid_not_the_claimed_ones(payouts, ir):
    # claimed 2 adult sheep killed; the verifier found 1 killed: 45,000,000
    claim = payouts.verified(ir, verified_lines=[loss(count=1)], **DAY)
    assert claim.lines[0].count == 2
    assert assessment.live(claim).total == Decimal("45000000")


def test_programme_percentages_for_injured_and_missing_are_used(payouts, ir):
    ir.programme.injured_pct, ir.programme.missing_pct = Decimal(40), Decimal("12.5")
    # 1 injured adult sheep 45,000,000 × 40 % = 18,000,000; 2 missing adult goats 2 × 35,000,000 × 12.5 % = 8,750,000
    claim = payouts.verified(ir, verified_lines=[loss(outcome="injured"), loss("goat", outcome="missing", count=2)],
                             **DAY)
    assert assessment.live(claim).total == Decimal("26750000")


@pytest.mark.parametrize(("predator", "confidence", "payable"), [
    (Predator.LEOPARD, Confidence.CONFIRMED, True),
    (Predator.LEOPARD, Confidence.PROBABLE, True),
    (Predator.LEOPARD, Confidence.POSSIBLE, False),   # below the default minimum "probable"
    (Predator.SNOW_LEOPARD, Confidence.PROBABLE, True),
    (Predator.WOLF, Confidence.CONFIRMED, False),     # not a covered predator
    (Predator.UNKNOWN, Confidence.CONFIRMED, False),
])
def test_coverage_needs_a_covered_predator_and_enough_confidence(payouts, ir, predator, confidence, payable):
    claim = payouts.verified(ir, predator=predator, confidence=confidence, **DAY)
    result = assessment.live(claim)
    assert result.payable is payable
    assert result.total == (Decimal("90000000") if payable else 0)
    assert result.reasons == (() if payable else ("not_covered",))


def test_programme_may_cover_wolves_and_accept_possible_attributions(payouts, ir):
    ir.programme.covered_predators = ["leopard", "wolf"]
    ir.programme.min_confidence = Confidence.POSSIBLE
    claim = payouts.verified(ir, predator=Predator.WOLF, confidence=Confidence.POSSIBLE, **DAY)
    assert assessment.live(claim).total == Decimal("90000000")  # 2 × 45,000,000


def test_a_line_without_a_rate_makes_the_claim_not_payable_until_a_rate_exists(payouts, ir):
    claim = payouts.verified(ir, verified_lines=[loss(), loss("camel", count=1)], **DAY)
    result = assessment.live(claim)
    assert not result.payable and result.reasons == ("no_rate",) and result.total == 0
    set_rates(ir.programme, {("camel", "adult"): "250000000"})
    # 45,000,000 + 250,000,000 = 295,000,000
    assert assessment.live(claim).total == Decimal("295000000")


def test_the_rate_in_force_on_the_incident_date_applies(payouts, ir):
    incident = utcnow() - timedelta(days=1)
    # The incident date is the office's local date (in Tehran it is already tomorrow after 20:30 UTC).
    incident_date = local_date(incident, ir.office.timezone)
    set_rates(ir.programme, {("sheep", "adult"): "50000000"}, valid_from=incident_date + timedelta(days=1))
    set_rates(ir.programme, {("sheep", "adult"): "47000000"}, valid_from=date(2024, 3, 21))
    # The 50,000,000 rate starts after the incident; of the two older ones the newer valid_from wins: 2 × 47,000,000
    claim = payouts.verified(ir, incident_at=incident, **DAY)
    assert assessment.live(claim).total == Decimal("94000000")


def test_a_later_version_with_the_same_date_corrects_without_erasing(payouts, ir):
    set_rates(ir.programme, {("sheep", "adult"): "46000000"}, valid_from=date(2020, 1, 1))
    claim = payouts.verified(ir, **DAY)
    assert assessment.live(claim).total == Decimal("92000000")  # 2 × 46,000,000 (version 2 over version 1)


@pytest.mark.parametrize(("days_late", "expected"), [
    (0, "90000000"),   # 2 × 45,000,000, filed the same day
    (3, "90000000"),   # within the 3-day deadline: unchanged
    (4, "45000000"),   # later than 3 but within 6 days: × 50 %
    (6, "45000000"),
    (7, "0"),          # more than 6 days: not payable
])
def test_late_report(payouts, ir, days_late, expected):
    claim = payouts.verified(ir, incident_at=utcnow() - timedelta(days=days_late), **DAY)
    result = assessment.live(claim)
    assert result.total == Decimal(expected)
    assert result.reasons == (("late_report",) if days_late == 7 else ())


def test_an_owner_who_phoned_on_the_incident_day_is_paid_in_full_when_the_paper_comes_six_days_later(payouts, ir):
    # Without the phone call 6 days late would be halved (see above); counted to the call it is 0 days: 2 × 45,000,000
    from claims.enums import ReportChannel
    from payouts.models import Award

    # At ten in the morning in the office, six local days ago: the call two hours later is on the same local day
    # whenever the test runs (six days before now plus two hours crossed Tehran's midnight between 18:30 and 20:30 UTC).
    zone = ZoneInfo(ir.office.timezone)
    today = utcnow().astimezone(zone).date()
    incident = datetime.combine(today - timedelta(days=6), time(10, 0), zone).astimezone(UTC)
    claim = payouts.approved(ir, incident_at=incident, reported_at=incident + timedelta(hours=2),
                             report_channel=ReportChannel.PHONE, **DAY)
    assert (claim.filed_date - claim.incident_date).days == 6 and claim.reported_date == claim.incident_date
    result = assessment.live(claim)
    assert result.total == Decimal("90000000") and result.reasons == ()
    on_time = next(line for line in result.lines if line.code == "on_time")
    assert on_time.params["days"] == 0
    award = db.session.scalar(sa.select(Award).where(Award.claim_id == claim.id))
    assert award.total == Decimal("90000000")


def test_a_report_within_the_backdating_limit_still_counts_when_it_was_itself_late(payouts, ir):
    # Reported by a ranger 5 days after the incident, typed in 2 days later: 5 days > 3 → × 50 %: 45,000,000
    from claims.enums import ReportChannel

    incident = utcnow() - timedelta(days=7)
    claim = payouts.verified(ir, incident_at=incident, reported_at=incident + timedelta(days=5),
                             report_channel=ReportChannel.RANGER, **DAY)
    assert assessment.live(claim).total == Decimal("45000000")


def test_late_report_counts_local_dates_of_the_office(payouts, ir, make):
    # 23:00 Tehran time (19:30 UTC) on day 1, filed at 00:30 Tehran on day 5: four local days, although
    # fewer than 4 × 24 hours passed → × 50 %: 2 × 45,000,000 × 50 % = 45,000,000
    import time_machine

    from tests.factories import at
    with time_machine.travel(at(2026, 5, 4, 21, 0), tick=False):  # 00:30 on 5 May in Tehran
        claim = payouts.verified(ir, incident_at=at(2026, 5, 1, 19, 30), **DAY)
        result = assessment.live(claim)
    assert (claim.incident_date, claim.filed_date) == (date(2026, 5, 1), date(2026, 5, 5))
    assert result.total == Decimal("45000000")


@pytest.mark.parametrize(("circumstances", "expected"), [
    ({"time_of_day": TimeOfDay.NIGHT}, "67500000"),                              # 90,000,000 × 75 %
    ({"time_of_day": TimeOfDay.NIGHT, "is_in_corral": True}, "90000000"),
    ({"time_of_day": TimeOfDay.NIGHT, "is_herder_present": True}, "90000000"),
    ({"time_of_day": TimeOfDay.NIGHT, "is_guard_dog_present": True}, "90000000"),
    ({"time_of_day": TimeOfDay.DAY}, "90000000"),
])
def test_husbandry_reduces_unguarded_night_losses(payouts, ir, circumstances, expected):
    claim = payouts.verified(ir, **circumstances)
    assert assessment.live(claim).total == Decimal(expected)


def test_the_verifiers_corrections_of_the_circumstances_are_used(payouts, ir):
    # The owner said the flock was in the corral; the verifier found it outside: × 75 % → 67,500,000
    claim = payouts.verified(ir, time_of_day=TimeOfDay.NIGHT, is_in_corral=True, corrections={"is_in_corral": False})
    assert assessment.live(claim).total == Decimal("67500000")
    # The owner said day-time; the verifier found a night kill with a guard dog present: unchanged
    claim = payouts.verified(ir, corrections={"time_of_day": TimeOfDay.NIGHT, "is_guard_dog_present": True}, **DAY)
    assert assessment.live(claim).total == Decimal("90000000")


def test_negligence_pct_of_the_programme_is_used(payouts, ir):
    ir.programme.negligence_pct = Decimal(40)
    claim = payouts.verified(ir, time_of_day=TimeOfDay.NIGHT)
    assert assessment.live(claim).total == Decimal("54000000")  # 90,000,000 × 60 %


ZONE = {"type": "Polygon", "coordinates": [[[59.0, 37.4], [59.2, 37.4], [59.2, 37.5], [59.0, 37.5], [59.0, 37.4]]]}


def test_incidents_inside_an_exclusion_zone_are_not_payable(payouts, ir):
    from claims.zones import normalise

    ir.programme.exclusion_zones = normalise(ZONE)
    inside = payouts.verified(ir, incident_lat=37.45, incident_lon=59.12, **DAY)
    outside = payouts.verified(ir, incident_lat=37.60, incident_lon=59.12, **DAY)
    assert assessment.live(inside).reasons == ("excluded_zone",)
    assert assessment.live(inside).total == 0
    assert assessment.live(outside).total == Decimal("90000000")
    assert "outside_zones" in codes(assessment.live(outside))


def test_without_an_incident_location_the_verifiers_position_is_checked(payouts, ir):
    from claims.zones import normalise

    ir.programme.exclusion_zones = normalise(ZONE)
    claim = payouts.verified(ir, incident_lat=None, incident_lon=None, **DAY)
    assert "place_unknown" in codes(assessment.live(claim))
    verification = _verification(claim)
    verification.visit_lat, verification.visit_lon = 37.45, 59.1
    assert assessment.live(claim).reasons == ("excluded_zone",)


def _verification(claim):
    from conflict_service.db import db
    from verification.models import Verification
    return db.session.query(Verification).filter_by(claim_id=claim.id).one()
