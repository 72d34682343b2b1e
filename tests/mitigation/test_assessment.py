"""DESIGN §5.5: which measures are active on the incident date, which case applies, and what it does to an amount."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from claims.enums import TimeOfDay
from conflict_service.i18n import round_money
from mitigation.assessment import Circumstances, active_measures, assess, decide
from mitigation.enums import MeasureKind, MeasureStatus, MitigationCase

K, S, C = MeasureKind, MeasureStatus, MitigationCase
NIGHT, DAY = TimeOfDay.NIGHT, TimeOfDay.DAY


@dataclass(frozen=True)
class M:
    """A stand-in for an active measure: decide() only looks at the kind (and the date, for the text)."""

    kind: MeasureKind
    id: int = 1
    installed_on: date = date(2025, 6, 1)


def circ(tod=NIGHT, corral=False, herder=False, dog=False) -> Circumstances:
    return Circumstances(tod, corral, herder, dog)


CORRAL, DOG, FENCE = M(K.PREDATOR_PROOF_CORRAL, 1), M(K.GUARDIAN_DOG, 2), M(K.ELECTRIC_FENCE, 3)
FOXLIGHT, COLLAR, TRAINING = M(K.FOXLIGHT, 4), M(K.PROTECTIVE_COLLAR, 5), M(K.TRAINING, 6)

# (circumstances, active measures, expected case, measures involved) — each worked out from the text of §5.5.
HAND_CASES = [
    # (a) an active corral and a night loss outside it: deduction, even with a dog or a fence also in use
    (circ(NIGHT, corral=False), [CORRAL], C.NONCOMPLIANCE, [CORRAL]),
    (circ(NIGHT, corral=False, herder=True, dog=True), [CORRAL, DOG], C.NONCOMPLIANCE, [CORRAL]),
    (circ(NIGHT, corral=False), [CORRAL, FENCE, FOXLIGHT], C.NONCOMPLIANCE, [CORRAL]),
    # (b) the corral used at night: bonus, together with every other measure in use
    (circ(NIGHT, corral=True), [CORRAL], C.BONUS, [CORRAL]),
    (circ(NIGHT, corral=True, dog=True), [CORRAL, DOG], C.BONUS, [CORRAL, DOG]),
    (circ(NIGHT, corral=True, dog=False), [CORRAL, DOG], C.BONUS, [CORRAL]),
    # a corral does not count by day, inside or outside it; nor does the day loss break the rule
    (circ(DAY, corral=False), [CORRAL], C.NONE, []),
    (circ(DAY, corral=True), [CORRAL], C.NONE, []),
    (circ(DAY, corral=False, dog=True), [CORRAL, DOG], C.BONUS, [DOG]),
    # a guardian dog counts only when present at the loss
    (circ(NIGHT, dog=True), [DOG], C.BONUS, [DOG]),
    (circ(DAY, dog=False, herder=True), [DOG], C.NONE, []),
    # a dog present but not a registered, active guardian dog earns nothing
    (circ(NIGHT, dog=True), [], C.NONE, []),
    # fences, foxlights, collars and training count whenever active
    (circ(DAY), [FENCE], C.BONUS, [FENCE]),
    (circ(NIGHT), [FOXLIGHT], C.BONUS, [FOXLIGHT]),
    (circ(DAY, herder=True), [COLLAR], C.BONUS, [COLLAR]),
    (circ(NIGHT, corral=True), [TRAINING], C.BONUS, [TRAINING]),
    (circ(NIGHT, dog=False), [DOG, FENCE, TRAINING], C.BONUS, [FENCE, TRAINING]),
    # in a corral at night that is not the owner's registered, active corral: nothing from the corral
    (circ(NIGHT, corral=True), [DOG], C.NONE, []),
    (circ(NIGHT, corral=True), [], C.NONE, []),
]


@pytest.mark.parametrize(("c", "active", "case", "involved"), HAND_CASES)
def test_hand_worked_cases(c, active, case, involved):
    finding = decide(c, active)
    assert finding.case == case
    assert list(finding.measures) == involved
    assert list(finding.active) == active


ALL = [CORRAL, DOG, FENCE, FOXLIGHT, COLLAR, TRAINING]
SUBSETS = [list(s) for n in range(len(ALL) + 1) for s in itertools.combinations(ALL, n)]


@pytest.mark.parametrize("active", SUBSETS, ids=lambda s: "+".join(m.kind.value for m in s) or "none")
def test_every_combination_follows_the_design_text(active):
    """All 64 sets of active kinds × all 16 circumstances, checked against the sentences of §5.5."""
    kinds = {m.kind for m in active}
    for tod, corral, herder, dog in itertools.product((DAY, NIGHT), (False, True), (False, True), (False, True)):
        finding = decide(circ(tod, corral, herder, dog), active)
        night_outside = K.PREDATOR_PROOF_CORRAL in kinds and tod == NIGHT and not corral
        in_use = ((K.PREDATOR_PROOF_CORRAL in kinds and tod == NIGHT and corral)
                  or (K.GUARDIAN_DOG in kinds and dog) or bool(kinds & {K.ELECTRIC_FENCE, K.FOXLIGHT,
                                                                       K.PROTECTIVE_COLLAR, K.TRAINING}))
        expected = C.NONCOMPLIANCE if night_outside else C.BONUS if in_use else C.NONE
        assert finding.case == expected, (tod, corral, herder, dog)
        # whether a herder was there never changes §5.5 (it belongs to the husbandry step)
        assert finding.case == decide(circ(tod, corral, not herder, dog), active).case


# --- amounts, worked out by hand --------------------------------------------------------------------------

@pytest.mark.parametrize(("case", "amount", "noncompliance", "bonus", "currency", "expected"), [
    # 12,000,000 IRR left after the husbandry step; defaults 50 % and 10 %
    (C.NONCOMPLIANCE, "12000000", 50, 10, "IRR", "6000000"),
    (C.BONUS, "12000000", 50, 10, "IRR", "13200000"),
    (C.NONE, "12000000", 50, 10, "IRR", "12000000"),
    # 45,500.50 AMD; programme rules 30 % and 12.5 %: 45,500.50 × 0.7 = 31,850.35; × 1.125 = 51,188.0625 → .06
    (C.NONCOMPLIANCE, "45500.50", 30, "12.5", "AMD", "31850.35"),
    (C.BONUS, "45500.50", 30, "12.5", "AMD", "51188.06"),
    # 3 sheep at 4,166,667 IRR = 12,500,001 × 1.10 = 13,750,001.1 → 13,750,001 (rounded once, half up)
    (C.BONUS, "12500001", 50, 10, "IRR", "13750001"),
    # 12,500,001 × 0.5 = 6,250,000.5 → 6,250,001 (half up)
    (C.NONCOMPLIANCE, "12500001", 50, 10, "IRR", "6250001"),
])
def test_factor_on_hand_worked_amounts(case, amount, noncompliance, bonus, currency, expected):
    factor = decide_case(case).factor(Decimal(noncompliance), Decimal(str(bonus)))
    assert round_money(Decimal(amount) * factor, currency) == Decimal(expected)


def decide_case(case):
    return {C.NONCOMPLIANCE: decide(circ(NIGHT, corral=False), [CORRAL]),
            C.BONUS: decide(circ(NIGHT, corral=True), [CORRAL]), C.NONE: decide(circ(DAY), [])}[case]


def test_factor_stays_exact():
    finding = decide(circ(NIGHT, corral=True), [CORRAL])
    assert finding.factor(Decimal(50), Decimal(10)) == Decimal("1.1")
    assert isinstance(finding.factor(Decimal(50), Decimal(10)), Decimal)


def test_descriptions(ctx):
    outside = decide(circ(NIGHT, corral=False), [M(K.PREDATOR_PROOF_CORRAL, installed_on=date(2025, 6, 1))])
    assert outside.description == ("The loss happened at night outside the owner's predator-proof corral, which was "
                                   "in working order (installed Jun 1, 2025).")
    assert decide(circ(NIGHT, corral=True, dog=True), [CORRAL, DOG]).description == (
        "Mitigation in use at the loss: Predator-proof corral, Livestock guardian dog.")
    assert decide(circ(DAY), [DOG]).description == (
        "The owner's active measures (Livestock guardian dog) were not in use at the loss.")
    assert decide(circ(DAY), []).description == "The owner had no active mitigation measure on the incident date."
    assert outside.as_data() == {"case": "noncompliance", "measures": [{"id": 1, "kind": "predator_proof_corral"}],
                                 "active": [{"id": 1, "kind": "predator_proof_corral"}]}


def test_circumstances_as_corrected_by_the_verifier():
    claim = SimpleNamespace(time_of_day=NIGHT, is_in_corral=False, is_herder_present=False, is_guard_dog_present=True)
    assert Circumstances.of_claim(claim) == circ(NIGHT, corral=False, herder=False, dog=True)
    verified = SimpleNamespace(time_of_day="day", is_in_corral=None, is_herder_present=True, is_guard_dog_present=False)
    assert Circumstances.of_claim(claim, verified) == circ(DAY, corral=False, herder=True, dog=False)


# --- active measures on the incident date -------------------------------------------------------------------

def test_active_measures_on_the_incident_date(build):
    owner = build.owner()
    corral = build.measure(owner, K.PREDATOR_PROOF_CORRAL, installed_on=date(2025, 6, 1))
    fence = build.measure(owner, K.ELECTRIC_FENCE, installed_on=date(2025, 9, 10))
    build.measure(build.owner(), K.FOXLIGHT, installed_on=date(2025, 1, 1))  # someone else's

    def kinds(day):
        return [m.kind for m in active_measures(owner.id, day)]

    assert kinds(date(2025, 6, 1)) == []  # installed that day: not before the loss
    assert kinds(date(2025, 6, 2)) == [K.PREDATOR_PROOF_CORRAL]
    assert kinds(date(2025, 9, 11)) == [K.PREDATOR_PROOF_CORRAL, K.ELECTRIC_FENCE]
    build.inspect(corral, date(2025, 10, 1), S.NEEDS_REPAIR)  # still counts
    build.inspect(corral, date(2026, 1, 15), S.FAILED)
    build.inspect(corral, date(2026, 4, 1), S.GOOD)  # repaired
    build.inspect(fence, date(2026, 2, 1), S.ABANDONED)
    assert kinds(date(2025, 12, 31)) == [K.PREDATOR_PROOF_CORRAL, K.ELECTRIC_FENCE]
    assert kinds(date(2026, 1, 15)) == [K.PREDATOR_PROOF_CORRAL, K.ELECTRIC_FENCE]  # same-day inspection: not yet
    assert kinds(date(2026, 1, 16)) == [K.ELECTRIC_FENCE]
    assert kinds(date(2026, 2, 2)) == []
    assert kinds(date(2026, 4, 2)) == [K.PREDATOR_PROOF_CORRAL]


def test_an_inspection_entered_late_still_counts_by_its_date(build):
    owner = build.owner()
    corral = build.measure(owner, installed_on=date(2025, 6, 1))
    build.inspect(corral, date(2026, 3, 1), S.GOOD)
    build.inspect(corral, date(2025, 12, 1), S.FAILED)  # an older paper form typed in afterwards
    assert corral.status == S.GOOD
    assert active_measures(owner.id, date(2026, 1, 10)) == []
    assert active_measures(owner.id, date(2026, 3, 2)) == [corral]


def test_assess_end_to_end(build):
    owner = build.owner()
    build.measure(owner, K.PREDATOR_PROOF_CORRAL, installed_on=date(2025, 6, 1))
    build.measure(owner, K.GUARDIAN_DOG, installed_on=date(2025, 6, 1))
    outside = assess(owner.id, date(2026, 11, 19), circ(NIGHT, corral=False, dog=True))
    assert outside.case == C.NONCOMPLIANCE and [m.kind for m in outside.measures] == [K.PREDATOR_PROOF_CORRAL]
    inside = assess(owner.id, date(2026, 11, 19), circ(NIGHT, corral=True, dog=True))
    assert inside.case == C.BONUS and len(inside.measures) == 2
    before = assess(owner.id, date(2025, 5, 30), circ(NIGHT, corral=False, dog=True))
    assert before.case == C.NONE and before.active == ()
