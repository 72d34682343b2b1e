"""The household cap, rounding, the steps still to come (§5.5, §5.6) and rules combined, worked by hand."""

from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale

from claims.enums import AgeClass, Confidence, LossOutcome, Predator, ProgrammeKind, Species, TimeOfDay
from conflict_service.timeutil import utcnow
from payouts import assessment, operations
from payouts.breakdown import describe_line
from payouts.engine import Circumstances, Facts, Loss, Rules, assess
from payouts.steps import DEFAULT_STEPS
from tests.factories import at
from tests.payouts.conftest import loss, set_rates

DAY = {"time_of_day": TimeOfDay.DAY}


@pytest.fixture
def ir(payouts, world):
    payouts.rates(world.ir)
    return world.ir


def test_household_cap_limits_to_what_is_left_this_year(payouts, ir, make):
    ir.programme.household_annual_cap = Decimal("100000000")
    owner = make.owner(ir.clerk, ir.office)
    first = payouts.approved(ir, owner=owner, verified_lines=[loss(count=1)], **DAY)  # 45,000,000 approved
    second = payouts.verified(ir, owner=owner, verified_lines=[loss(count=2)], **DAY)  # 90,000,000 assessed
    # cap 100,000,000 − 45,000,000 already approved = 55,000,000 left
    result = assessment.live(second)
    assert result.total == Decimal("55000000")
    assert [ln.code for ln in result.lines if ln.step == "household_cap"] == ["cap_limited"]
    assert first.status.value == "approved"


def test_household_cap_reached_is_not_payable(payouts, ir, make):
    ir.programme.household_annual_cap = Decimal("90000000")
    owner = make.owner(ir.clerk, ir.office)
    payouts.approved(ir, owner=owner, **DAY)  # 2 × 45,000,000 = 90,000,000: the whole cap
    result = assessment.live(payouts.verified(ir, owner=owner, **DAY))
    assert (result.payable, result.total, result.reasons) == (False, 0, ("household_cap_reached",))


def test_household_cap_counts_only_the_same_programme_and_incident_year(payouts, ir, make):
    ir.programme.household_annual_cap = Decimal("100000000")
    owner = make.owner(ir.clerk, ir.office)
    other = make.programme(ir.country, currency="IRR", name="Another programme")
    set_rates(other, {("sheep", "adult"): "45000000"})
    now = utcnow()
    last_year = now.replace(year=now.year - 1)
    import time_machine
    with time_machine.travel(last_year + timedelta(days=1), tick=False):
        payouts.approved(ir, owner=owner, incident_at=last_year, **DAY)   # 90,000,000 in the previous year
    other_claim = payouts.verified(ir, owner=owner, programme_id=other.id, **DAY)
    operations.approve_claim(other_claim, {}, ir.manager)                 # 90,000,000 in another programme
    claim = payouts.verified(ir, owner=owner, **DAY)
    assert assessment.live(claim).total == Decimal("90000000")  # nothing counted against this year's cap


def test_irr_rounds_once_half_up_to_whole_rials(payouts, ir):
    set_rates(ir.programme, {("goat", "young"): "15000001"})
    # 1 young goat killed 15,000,001, filed 5 days late × 50 % = 7,500,000.5 → rounds half up to 7,500,001
    claim = payouts.verified(ir, verified_lines=[loss("goat", "young")], incident_at=utcnow() - timedelta(days=5),
                             **DAY)
    result = assessment.live(claim)
    assert [ln.amount for ln in result.lines if ln.step == "late_report"] == [Decimal("7500000.5")]
    assert result.total == Decimal("7500001")


def test_amd_keeps_two_decimals_and_rounds_half_up(payouts, world):
    am = world.am  # the Armenian test programme pays in AMD (2 decimal places)
    payouts.rates(am)  # young sheep 25,000.55
    # 1 young sheep injured: 25,000.55 × 30 % = 7,500.165; filed 4 days late × 50 % = 3,750.0825;
    # unguarded night × 75 % = 2,812.561875 → 2,812.56
    claim = payouts.verified(am, verified_lines=[loss(age="young", outcome="injured")],
                             incident_at=utcnow() - timedelta(days=4), time_of_day=TimeOfDay.NIGHT)
    result = assessment.live(claim)
    assert [ln.amount for ln in result.lines if ln.amount is not None] == [
        Decimal("7500.165"), Decimal("7500.165"), Decimal("3750.0825"), Decimal("2812.561875"),
        Decimal("2812.561875"), Decimal("2812.56")]  # the mitigation line: no measures, unchanged
    assert result.total == Decimal("2812.56")


def test_amd_half_cent_rounds_up(payouts, world):
    set_rates(world.am.programme, {("goat", "adult"): "100.05"})
    # 100.05 × 50 % (late) = 50.025 → 50.03 (half up; half-even would give 50.02)
    claim = payouts.verified(world.am, verified_lines=[loss("goat")], incident_at=utcnow() - timedelta(days=5), **DAY)
    assert assessment.live(claim).total == Decimal("50.03")


def test_every_rule_combined(payouts, ir, make):
    ir.programme.household_annual_cap = Decimal("150000000")
    owner = make.owner(ir.clerk, ir.office)
    payouts.approved(ir, owner=owner, verified_lines=[loss("goat")], **DAY)  # 35,000,000 already approved
    # 1 adult cattle killed 350,000,000 + 3 adult sheep injured 3 × 45,000,000 × 30 % = 40,500,000 → 390,500,000
    # filed 5 days after (deadline 3): × 50 % → 195,250,000
    # night, outside the corral (verifier's correction), no herder, no dog: × 75 % → 146,437,500
    # cap 150,000,000 − 35,000,000 = 115,000,000 → limited to 115,000,000
    claim = payouts.verified(ir, owner=owner, verified_lines=[loss("cattle"), loss(outcome="injured", count=3)],
                             incident_at=utcnow() - timedelta(days=5), time_of_day=TimeOfDay.NIGHT,
                             is_in_corral=True, corrections={"is_in_corral": False})
    result = assessment.live(claim)
    running = [(ln.step, ln.amount) for ln in result.lines if ln.amount is not None]
    assert running == [("base", Decimal("350000000")), ("base", Decimal("40500000")), ("base", Decimal("390500000")),
                       ("late_report", Decimal("195250000")), ("husbandry", Decimal("146437500")),
                       ("mitigation", Decimal("146437500")), ("household_cap", Decimal("115000000")),
                       ("rounding", Decimal("115000000"))]
    assert result.payable and result.total == Decimal("115000000")


def test_not_payable_reasons_are_all_given(payouts, ir):
    claim = payouts.verified(ir, predator=Predator.WOLF, verified_lines=[loss("camel")],
                             incident_at=utcnow() - timedelta(days=9))
    result = assessment.live(claim)
    assert result.reasons == ("not_covered", "no_rate", "late_report")
    assert result.total == 0


def test_the_insurance_step_applies_to_schemes_only(payouts, ir, make):
    """§5.6 is skipped for compensation programmes (no coverage_pct, no deductible, no insurance line); a scheme's
    claim without a policy is not payable, and the breakdown says which check failed. (§5.5 applies: see
    test_assessment_mitigation.py; this owner has no measures. The scheme's cases: tests/insurance.)
    """
    ir.programme.coverage_pct, ir.programme.deductible = Decimal(80), Decimal(1000000)
    result = assessment.live(payouts.verified(ir, time_of_day=TimeOfDay.NIGHT, is_guard_dog_present=True))
    assert result.total == Decimal("90000000")  # not × 80 % − deductible
    assert "insurance" not in {ln.step for ln in result.lines}
    assert [ln.code for ln in result.lines if ln.step == "mitigation"] == ["mitigation_none"]
    scheme = make.programme(ir.country, kind=ProgrammeKind.INSURANCE, currency="IRR", name="Scheme")
    set_rates(scheme, {("sheep", "adult"): "45000000"})
    insured = assessment.live(payouts.verified(ir, programme_id=scheme.id, **DAY))
    assert (insured.payable, insured.reasons) == (False, ("not_insured",))
    assert [ln.code for ln in insured.lines if ln.step == "insurance"] == ["insurance_no_policy"]


def test_a_registered_step_replaces_the_placeholder(app, payouts, ir):
    from payouts.engine import HUNDRED

    def bonus(state):  # what the mitigation module will do, in its simplest form
        if state.facts.extra.get("has_measure"):
            state.scale("mitigation", "bonus", HUNDRED + state.facts.rules.mitigation_bonus_pct)

    saved = dict(app.extensions)
    try:
        assessment.register_step(app, "mitigation", bonus)
        assessment.register_facts(app, lambda claims: {c.id: {"has_measure": True} for c in claims})
        # 90,000,000 × 110 % = 99,000,000
        assert assessment.live(payouts.verified(ir, **DAY)).total == Decimal("99000000")
    finally:
        app.extensions.clear()
        app.extensions.update(saved)


def test_the_engine_is_a_pure_function_of_its_facts():
    facts = Facts(currency="IRR", rules=Rules(covered_predators=frozenset({Predator.LEOPARD})),
                  predator=Predator.LEOPARD, confidence=Confidence.CONFIRMED,
                  circumstances=Circumstances(TimeOfDay.NIGHT, False, False, False),
                  losses=(Loss(Species.SHEEP, AgeClass.ADULT, LossOutcome.KILLED, 1, Decimal("45000001")),),
                  incident_date=at(2026, 5, 1).date(), reported_date=at(2026, 5, 1).date())
    # 45,000,001 × 75 % = 33,750,000.75 → 33,750,001
    result = assess(facts, DEFAULT_STEPS)
    assert result.total == Decimal("33750001")
    assert assess(facts, DEFAULT_STEPS) == result


def test_the_rounding_line_names_the_currency_in_the_readers_language(app):
    """A Dari manager reads «ریال ایران», not the code IRR, in the breakdown's rounding line (the data keep codes)."""
    line = {"code": "rounded", "params": {"digits": 0, "currency": "IRR"}}
    with app.test_request_context(), force_locale("fa_AF"):
        text = describe_line(line, "IRR")
    assert "IRR" not in text and "ریال ایران" in text
