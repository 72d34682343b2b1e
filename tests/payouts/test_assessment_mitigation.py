"""DESIGN §5.5 inside the whole assessment: each case worked by hand (2 adult sheep at 45,000,000 IRR = 90,000,000)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from claims.enums import TimeOfDay
from mitigation.enums import MeasureKind, MeasureStatus
from mitigation.operations import create_measure, record_inspection
from payouts import assessment
from tests.factories import at
from tests.mitigation.conftest import measure_data
from tests.payouts.conftest import loss, set_rates

NIGHT, DAY = TimeOfDay.NIGHT, TimeOfDay.DAY
INCIDENT = at(2026, 11, 19, 10, 0)  # 13:30 in Tehran, the 19th; filed the next day: on time


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(at(2026, 11, 20, 9, 0), tick=False):
        yield


@pytest.fixture
def ir(payouts, world):
    payouts.rates(world.ir)
    return world.ir


def _measure(ir, owner, kind, installed=date(2025, 6, 1), **extra):
    return create_measure(measure_data(owner, kind, installed_on=installed, **extra), ir.clerk)


def _claim(payouts, ir, owner, time_of_day, *, corral=False, herder=False, dog=False, corrections=None, lines=None):
    return payouts.verified(ir, owner=owner, incident_at=INCIDENT, time_of_day=time_of_day, is_in_corral=corral,
                            is_herder_present=herder, is_guard_dog_present=dog, corrections=corrections,
                            verified_lines=lines or [loss(count=2)])


def _mitigation_line(result):
    return next(ln for ln in result.lines if ln.step == "mitigation")


def test_night_loss_outside_an_active_corral_is_reduced(payouts, ir, make):
    owner = make.owner(ir.clerk, ir.office)
    _measure(ir, owner, MeasureKind.PREDATOR_PROOF_CORRAL)
    result = assessment.live(_claim(payouts, ir, owner, NIGHT, herder=True))
    # 90,000,000; guarded (herder) so husbandry unchanged; × (100 − 50) % = 45,000,000
    assert result.total == Decimal("45000000")
    line = _mitigation_line(result)
    assert (line.code, line.amount) == ("mitigation_noncompliance", Decimal("45000000"))


def test_noncompliance_after_the_husbandry_reduction(payouts, ir, make):
    owner = make.owner(ir.clerk, ir.office)
    _measure(ir, owner, MeasureKind.PREDATOR_PROOF_CORRAL)
    result = assessment.live(_claim(payouts, ir, owner, NIGHT))
    # 90,000,000 × 75 % (unguarded night) = 67,500,000; × 50 % = 33,750,000
    assert [(ln.step, ln.amount) for ln in result.lines if ln.step in ("husbandry", "mitigation")] == [
        ("husbandry", Decimal("67500000")), ("mitigation", Decimal("33750000"))]
    assert result.total == Decimal("33750000")


def test_animals_inside_the_corral_at_night_earn_the_bonus(payouts, ir, make):
    owner = make.owner(ir.clerk, ir.office)
    _measure(ir, owner, MeasureKind.PREDATOR_PROOF_CORRAL)
    result = assessment.live(_claim(payouts, ir, owner, NIGHT, corral=True))
    assert result.total == Decimal("99000000")  # 90,000,000 × 110 %
    assert _mitigation_line(result).code == "mitigation_bonus"


@pytest.mark.parametrize(("kind", "dog", "expected", "code"), [
    (MeasureKind.GUARDIAN_DOG, True, "99000000", "mitigation_bonus"),        # the dog was with the flock
    (MeasureKind.GUARDIAN_DOG, False, "90000000", "mitigation_not_in_use"),  # the dog was not there
    (MeasureKind.FOXLIGHT, False, "99000000", "mitigation_bonus"),           # active lights always count
    (MeasureKind.ELECTRIC_FENCE, False, "99000000", "mitigation_bonus"),
    (MeasureKind.PROTECTIVE_COLLAR, False, "99000000", "mitigation_bonus"),
    (MeasureKind.TRAINING, False, "99000000", "mitigation_bonus"),
])
def test_measures_in_use_by_day(payouts, ir, make, kind, dog, expected, code):
    owner = make.owner(ir.clerk, ir.office)
    _measure(ir, owner, kind)
    result = assessment.live(_claim(payouts, ir, owner, DAY, dog=dog))
    assert result.total == Decimal(expected)
    assert _mitigation_line(result).code == code


def test_a_failed_or_later_measure_does_not_count(payouts, ir, make):
    owner = make.owner(ir.clerk, ir.office)
    failed = _measure(ir, owner, MeasureKind.PREDATOR_PROOF_CORRAL)
    record_inspection(failed, {"inspected_on": date(2026, 10, 1), "status": MeasureStatus.FAILED, "notes": ""},
                      ir.verifier)
    _measure(ir, owner, MeasureKind.FOXLIGHT, installed=date(2026, 11, 19))  # the day of the loss: not before it
    result = assessment.live(_claim(payouts, ir, owner, NIGHT, herder=True))
    assert result.total == Decimal("90000000")
    assert _mitigation_line(result).code == "mitigation_none"


def test_the_verifiers_correction_decides(payouts, ir, make):
    owner = make.owner(ir.clerk, ir.office)
    _measure(ir, owner, MeasureKind.PREDATOR_PROOF_CORRAL)
    # The owner said the sheep were in the corral; the verifier found them outside it.
    result = assessment.live(_claim(payouts, ir, owner, NIGHT, corral=True, herder=True,
                                    corrections={"is_in_corral": False}))
    assert result.total == Decimal("45000000")


def test_rounding_happens_once_after_the_bonus(payouts, world, make):
    programme = make.programme(world.am.country, currency="AMD", language="hy", name="Syunik compensation")
    set_rates(programme, {("sheep", "young"): "25000.55"})
    owner = make.owner(world.am.clerk, world.am.office)
    create_measure(measure_data(owner, MeasureKind.FOXLIGHT, currency="AMD", cost=Decimal("80000"),
                                owner_contribution=Decimal("0")), world.am.clerk)
    claim = payouts.verified(world.am, owner=owner, programme_id=programme.id, incident_at=INCIDENT, time_of_day=DAY,
                             verified_lines=[loss(age="young", count=1)])
    result = assessment.live(claim)
    # 25,000.55 × 110 % = 27,500.605 exactly, rounded once half up to 27,500.61 AMD
    assert _mitigation_line(result).amount == Decimal("27500.605")
    assert result.total == Decimal("27500.61")


def test_the_breakdown_explains_the_step(client, payouts, ir, make):
    from tests.helpers import bearer

    owner = make.owner(ir.clerk, ir.office)
    _measure(ir, owner, MeasureKind.PREDATOR_PROOF_CORRAL)
    claim = _claim(payouts, ir, owner, NIGHT, herder=True)
    body = client.get(f"/api/v1/claims/{claim.id}/assessment", headers=bearer(client, ir.manager)).get_json()
    line = next(ln for ln in body["lines"] if ln["step"] == "mitigation")
    assert line["description"] == ("Night-time loss outside the owner's predator-proof corral, in working order "
                                   "since Jun 1, 2025: × 50% (less 50%)")
    assert line["amount"] == "45000000"
