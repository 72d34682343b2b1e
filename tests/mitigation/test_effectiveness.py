"""The effectiveness report recovers an effect planted in synthetic data, and finds none where none was planted."""

from __future__ import annotations

import random
from datetime import date

import pytest
import sqlalchemy as sa

from claims.enums import Confidence, Predator, TimeOfDay
from claims.states import ClaimState
from conflict_service.db import Base, db
from mitigation.effectiveness import ReportParams, effectiveness, loss_events, verifications
from mitigation.enums import MeasureKind
from tests.factories import at
from tests.mitigation.synthetic import Plan, insert_losses, plant
from verification.enums import VerificationOutcome
from verification.models import Verification

RANGE = {"start": date(2020, 1, 1), "end": date(2025, 12, 31)}


def _row(report, region, kind=MeasureKind.PREDATOR_PROOF_CORRAL):
    return next(r for r in report.rows if r.region.id == region.id and r.kind == kind)


@pytest.fixture
def planted(world, ctx):
    """Iran: corrals remove 80 % of adopters' night losses; day losses untouched. Armenia: corrals change nothing."""
    plant(world.ir, Plan(night_rate=0.5, day_rate=0.25, effect=0.2, seed=11))
    plant(world.am, Plan(night_rate=0.5, effect=1.0, seed=12))
    return world


def test_recovers_a_planted_effect_on_night_losses(planted):
    report = effectiveness(planted.ir.manager, ReportParams(time_of_day=TimeOfDay.NIGHT, **RANGE))
    row = _row(report, planted.ir.region)
    est = row.estimate
    assert row.adopters == 200 and row.others == 200
    assert est.low < 0.2 < est.high, (est.ratio, est.low, est.high)
    assert est.high < 1 and est.verdict == "fewer"
    assert not est.is_small_sample and not est.is_corrected
    # the counts behind it are shown: about 200 before and 40 after for adopters, 200 and 200 for the others
    assert 150 < row.adopters_before.events < 250 and 20 < row.adopters_after.events < 65
    assert 150 < row.others_before.events < 250 and 150 < row.others_after.events < 250
    assert row.adopters_before.household_years == pytest.approx(400, rel=0.01)  # 200 households × 2 years


def test_finds_no_effect_where_none_was_planted(planted):
    manager = planted.am.manager
    est = _row(effectiveness(manager, ReportParams(**RANGE)), planted.am.region).estimate
    assert est.low < 1 < est.high, (est.ratio, est.low, est.high)
    assert est.verdict == "unclear" and not est.is_small_sample


def test_day_losses_dilute_the_effect_when_not_filtered(planted):
    """Night 0.5 → 0.1 and day 0.25 unchanged: all losses fall from 0.75 to 0.35, a ratio of 0.467."""
    est = _row(effectiveness(planted.ir.manager, ReportParams(**RANGE)), planted.ir.region).estimate
    assert est.low < 0.35 / 0.75 < est.high
    day = _row(effectiveness(planted.ir.manager, ReportParams(time_of_day=TimeOfDay.DAY, **RANGE)),
               planted.ir.region).estimate
    assert day.low < 1 < day.high  # corrals do nothing for day losses


def test_a_trend_hitting_everyone_is_taken_out(world, ctx):
    """Leopards double everyone's losses from 2023; corrals still remove 80 %. Adopters' own before/after ratio
    mixes both (about 0.4); the difference in differences recovers 0.2."""
    plant(world.ir, Plan(effect=0.2, trend=2.0, trend_from=date(2023, 1, 1), install_from=date(2022, 11, 1),
                         install_to=date(2023, 2, 28), households=500, seed=5))
    est = _row(effectiveness(world.ir.manager, ReportParams(**RANGE)), world.ir.region).estimate
    assert est.low < 0.2 < est.high, (est.ratio, est.low, est.high)
    assert est.adopters_ratio > 0.3 and est.others_ratio > 1.6


def test_small_samples_say_so(world, ctx):
    plant(world.ir, Plan(households=12, effect=0.2, seed=3))
    report = effectiveness(world.ir.manager, ReportParams(**RANGE))
    est = _row(report, world.ir.region).estimate
    assert est.is_small_sample and est.verdict == "small_sample"


def test_the_report_is_scoped_to_the_readers_offices(planted):
    report = effectiveness(planted.am.auditor, ReportParams(**RANGE))
    assert [r.region.id for r in report.rows] == [planted.am.region.id]


def test_verification_columns_read_by_name_still_exist(app):
    """The report reads verification's tables by name (a sibling package); a rename must fail here."""
    table = Base.metadata.tables["verifications"]
    for column in verifications.c:
        assert column.name in table.c, column.name
    assert isinstance(table.c.round.type, sa.Integer)


# --- which losses count --------------------------------------------------------------------------------------

def _add_round(claim_id, predator, outcome, verifier, round_no):
    db.session.add(Verification(claim_id=claim_id, verifier_id=verifier.id, round=round_no, visited_at=at(2024, 5, 2),
                                predator=predator, confidence=Confidence.CONFIRMED, outcome=outcome))
    db.session.flush()


def test_counts_the_latest_verification_of_counted_claims_only(world, ctx):
    ir, rng = world.ir, random.Random(1)
    owner = plant(ir, Plan(households=1, adopter_share=1, night_rate=0, seed=2)).owners[0]
    night = TimeOfDay.NIGHT

    def loss(day, **kw):
        return insert_losses(ir, [(owner, day, night)], ir.clerk, ir.verifier, rng, **kw)[0]

    loss(date(2024, 1, 10))  # verified leopard: counts
    loss(date(2024, 2, 10), states=[ClaimState.PAID])  # paid: counts
    loss(date(2024, 3, 10), states=[ClaimState.SUBMITTED])  # not verified (yet): no
    loss(date(2024, 3, 11), states=[ClaimState.REJECTED])  # rejected: no
    loss(date(2024, 3, 12), predator=Predator.WOLF)  # a wolf: no
    appealed = loss(date(2024, 4, 10), predator=Predator.WOLF)  # round 1 said wolf; the appeal found a leopard
    _add_round(appealed, Predator.LEOPARD, VerificationOutcome.CONFIRMED, ir.verifier2, 2)
    overturned = loss(date(2024, 5, 10))  # round 1 said leopard; the re-verification a snow leopard
    _add_round(overturned, Predator.SNOW_LEOPARD, VerificationOutcome.CONFIRMED, ir.verifier2, 2)

    def days(*predators):
        params = ReportParams(predators=predators or (Predator.LEOPARD,))
        return loss_events({ir.office.id}, params, date(2020, 1, 1), date(2025, 12, 31))[owner]

    assert days() == [date(2024, 1, 10), date(2024, 2, 10), date(2024, 4, 10)]
    assert days(Predator.LEOPARD, Predator.SNOW_LEOPARD) == [date(2024, 1, 10), date(2024, 2, 10), date(2024, 4, 10),
                                                            date(2024, 5, 10)]
