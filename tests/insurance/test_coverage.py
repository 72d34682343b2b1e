"""DESIGN §5.6 inside the whole assessment: each coverage check, and payable claims worked by hand (AMD, 2 decimals).

Loss rates: adult sheep 60,000, young sheep 25,000.55, adult goat 45,000. Incidents are yesterday (14 June
2026) by day, filed today: on time, no husbandry reduction, no mitigation measures, no exclusion zones.
"""

from datetime import date, timedelta
from decimal import Decimal

from claims.enums import Species
from conflict_service.timeutil import utcnow
from insurance import operations
from payouts import assessment
from tests.factories import at


def insurance_lines(claim) -> list[str]:
    return [ln["description"] for ln in assessment.view(claim)["lines"] if ln["step"] == "insurance"]


def amounts(result) -> list[Decimal]:
    return [ln.amount for ln in result.lines if ln.amount is not None]


# --- payable, worked by hand --------------------------------------------------------------------------------------

def test_one_sheep_killed_is_paid_at_the_coverage_share(insurance):
    policy = insurance.enrol(lines={"sheep": 50})
    claim = insurance.verified(policy.owner)
    # 1 adult sheep killed 60,000; on time; by day; no measures; × 80 % coverage = 48,000.00
    result = assessment.live(claim)
    assert result.payable and result.total == Decimal("48000.00")
    steps = [(ln.step, ln.amount) for ln in result.lines if ln.amount is not None]
    assert steps[-2:] == [("insurance", Decimal("48000")), ("rounding", Decimal("48000.00"))]
    lines = insurance_lines(claim)
    assert lines[0].startswith(f"Policy {policy.number} (2026) covers the incident on")
    assert lines[1] == "1 × Sheep lost, within the insured count: 50 insured, 50 left after earlier losses this season"
    assert lines[2] == "Share of the assessed loss the scheme pays: 80%"


def test_amd_decimals_are_kept_until_the_single_rounding(insurance):
    insurance.scheme.coverage_pct, insurance.scheme.deductible = Decimal(75), Decimal("1000.50")
    policy = insurance.enrol(lines={"sheep": 50})
    claim = insurance.verified(policy.owner, [("sheep", "young", "injured")])
    # 1 young sheep injured: 25,000.55 × 30 % = 7,500.165; × 75 % = 5,625.12375; less 1,000.50 = 4,624.62375
    # → rounded once, half up, to 4,624.62
    result = assessment.live(claim)
    insured = [ln.amount for ln in result.lines if ln.step == "insurance" and ln.amount is not None]
    assert insured == [Decimal("5625.12375"), Decimal("4624.62375")]
    assert result.total == Decimal("4624.62")
    assert insurance_lines(claim)[-1] == "Less the deductible of AMD\xa01,000.50, not below zero"


def test_late_report_and_coverage_apply_one_after_another(insurance):
    policy = insurance.enrol(lines={"sheep": 50})
    claim = insurance.verified(policy.owner, [("sheep",), ("sheep", "young", "injured")],
                               incident_at=utcnow() - timedelta(days=5))
    # 60,000 + 7,500.165 = 67,500.165; filed 5 days after (deadline 3) × 50 % = 33,750.0825;
    # × 80 % = 27,000.066 → 27,000.07
    result = assessment.live(claim)
    assert Decimal("33750.0825") in amounts(result) and Decimal("27000.066") in amounts(result)
    assert result.total == Decimal("27000.07")


def test_a_deductible_larger_than_the_loss_leaves_nothing_to_pay(insurance):
    insurance.scheme.deductible = Decimal("50000")
    policy = insurance.enrol()
    result = assessment.live(insurance.verified(policy.owner))  # 48,000 − 50,000 → 0, not below zero
    assert (result.payable, result.total, result.reasons) == (False, 0, ("nothing_payable",))
    assert [ln.amount for ln in result.lines if ln.step == "insurance"][-1] == 0


# --- not payable, with the failed check named -------------------------------------------------------------------

def test_no_policy(insurance):
    claim = insurance.verified(insurance.owner())
    result = assessment.live(claim)
    assert (result.payable, result.reasons) == (False, ("not_insured",))
    assert insurance_lines(claim) == [
        "No policy: the owner is not enrolled in this scheme for a season covering Jun 14, 2026"]
    reasons = assessment.view(claim)["reasons"]
    assert reasons[0]["code"] == "not_insured" and "see the insurance lines" in reasons[0]["message"]


def test_expired_policy(insurance):
    last = operations.create_season(insurance.scheme, {"name": "2025", "starts_on": date(2025, 1, 1),
                                                       "ends_on": date(2025, 12, 31)}, insurance.am.manager)
    insurance.premium_rates(last, valid_from=date(2025, 1, 1))
    policy = insurance.enrol(season=last, when=at(2025, 3, 1), signed=date(2025, 2, 1))
    claim = insurance.verified(policy.owner)
    assert assessment.live(claim).reasons == ("not_insured",)
    assert insurance_lines(claim) == [f"Policy {policy.number} (2025) expired on Dec 31, 2025; the incident on "
                                      "Jun 14, 2026 happened after it"]


def test_cover_not_started_before_enrolment(insurance):
    policy = insurance.enrol(when=utcnow())  # enrolled today; the loss was yesterday
    claim = insurance.verified(policy.owner)
    assert assessment.live(claim).reasons == ("not_insured",)
    assert insurance_lines(claim) == [f"Policy {policy.number} (2026) covers losses from Jun 15, 2026; the incident "
                                      "on Jun 14, 2026 happened before its cover started"]


def test_species_not_insured(insurance):
    policy = insurance.enrol(lines={"sheep": 50})
    claim = insurance.verified(policy.owner, [("goat",), ("sheep",)])
    assert assessment.live(claim).reasons == ("not_insured",)
    assert insurance_lines(claim) == [f"Goat is not insured under policy {policy.number}"]


def test_loss_larger_than_the_insured_count(insurance):
    policy = insurance.enrol(lines={"sheep": 2})
    claim = insurance.verified(policy.owner, [{"count": 2}, {"outcome": "injured", "count": 1}])
    assert assessment.live(claim).reasons == ("not_insured",)
    assert insurance_lines(claim) == [f"3 × Sheep lost, larger than the insured count: policy {policy.number} "
                                      "insures 2, 2 left after earlier losses this season"]


def test_earlier_approved_losses_reduce_what_is_left(insurance):
    insurance.contribute("1000000")
    policy = insurance.enrol(lines={"sheep": 4})
    first = insurance.verified(policy.owner, [{"count": 2}, {"outcome": "injured", "count": 1}],
                               incident_at=utcnow() - timedelta(days=2))
    insurance.approve(first)
    # 2 killed are gone from the herd; the injured one is still in it: 4 − 2 = 2 left
    ok = insurance.verified(policy.owner, [{"count": 2}])
    assert assessment.live(ok).payable
    assert "2 × Sheep lost, within the insured count: 4 insured, 2 left" in insurance_lines(ok)[1]
    too_many = insurance.verified(policy.owner, [{"count": 3}])
    assert assessment.live(too_many).reasons == ("not_insured",)


def test_a_later_incident_does_not_reduce_an_earlier_one(insurance):
    insurance.contribute("1000000")
    policy = insurance.enrol(lines={"sheep": 3})
    later = insurance.verified(policy.owner, [{"count": 3}])
    insurance.approve(later)
    earlier = insurance.verified(policy.owner, [{"count": 3}], incident_at=utcnow() - timedelta(days=2))
    assert assessment.live(earlier).payable  # on its date all 3 insured head were still in the herd


def test_poaching_violation_ends_cover_from_its_date(insurance):
    policy = insurance.enrol()
    operations.record_violation(policy, {"occurred_on": date(2026, 6, 1), "note": "Snare found; committee confirmed"},
                                insurance.am.manager)
    claim = insurance.verified(policy.owner)
    assert assessment.live(claim).reasons == ("not_insured",)
    assert insurance_lines(claim) == [f"Poaching violation on Jun 1, 2026: the cover of policy {policy.number} ended "
                                      "that day, before the incident on Jun 14, 2026"]


def test_a_violation_after_the_incident_leaves_the_loss_covered(insurance):
    policy = insurance.enrol()
    claim = insurance.verified(policy.owner)
    operations.record_violation(policy, {"occurred_on": date(2026, 6, 15), "note": "Trap found today"},
                                insurance.am.manager)
    assert assessment.live(claim).payable


def test_every_failed_check_is_listed(insurance):
    policy = insurance.enrol(lines={"sheep": 1})
    operations.record_violation(policy, {"occurred_on": date(2026, 6, 1), "note": "Poisoned bait"},
                                insurance.am.manager)
    claim = insurance.verified(policy.owner, [("goat",), {"count": 2}])
    codes = [ln.code for ln in assessment.live(claim).lines if ln.step == "insurance"]
    assert codes == ["insurance_violation", "insurance_species_not_insured", "insurance_count_exceeded"]


def test_herd_counts_come_from_the_policy_not_the_owners_herd(insurance):
    owner = insurance.owner(herd={Species.SHEEP: 300})
    policy = insurance.enrol(owner, lines={"sheep": 10})
    assert assessment.live(insurance.verified(owner, [{"count": 10}])).payable
    assert not assessment.live(insurance.verified(owner, [{"count": 11}])).payable
    assert policy.insured(Species.SHEEP) == 10
