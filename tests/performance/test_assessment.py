"""Hand-worked periods (DESIGN §13): the pure steps, then the same periods built from rows in the database."""

from datetime import date
from decimal import Decimal

import pytest
from flask import render_template_string
from flask_babel import force_locale

from conflict_service.db import db
from conflict_service.errors import Forbidden, InvalidTransition, NotEligible
from payouts.freezes.models import KillCause, RetaliationFreeze
from performance import periods, queries
from performance.assessment import Evidence, Forfeit, Terms, assess, split
from performance.enums import Fallback, Forfeiture, Indicator, PeriodStatus
from performance.presentation import describe_line
from tests.performance.conftest import tehran

TERMS = Terms(indicator=Indicator.DETECTIONS, rate=Decimal(10_000_000), cap=Decimal(30_000_000),
              forfeiture=Forfeiture.CANCEL, forfeit_pct=Decimal(100), fallback=Fallback.AVERAGE, fallback_periods=3,
              currency="IRR")


def codes(result):
    return [line["code"] for line in result.lines]


def test_units_times_rate_under_the_cap():
    # 12 detections over 180 camera-days = 6 deployment-months: 2.00 units × 10,000,000 = 20,000,000 (cap 30M).
    result = assess(TERMS, Evidence(detections=12, camera_days=Decimal(180)))
    assert result.units == Decimal("2.00") and result.total == Decimal(20_000_000)
    assert codes(result) == ["detections", "units_times_rate", "rounded"]


def test_the_cap_per_period():
    # 30 detections over 180 camera-days: 5 units = 50,000,000, capped at 30,000,000.
    result = assess(TERMS, Evidence(detections=30, camera_days=Decimal(180)))
    assert result.total == Decimal(30_000_000) and "capped" in codes(result)


def test_a_retaliation_killing_cancels_or_cuts():
    killing = (Forfeit("retaliation", date(2025, 5, 3), "#1"),)
    assert assess(TERMS, Evidence(detections=12, camera_days=Decimal(180), forfeits=killing)).total == 0
    cut = Terms(**{**TERMS.__dict__, "forfeiture": Forfeiture.CUT, "forfeit_pct": Decimal(25)})
    # 20,000,000 × 75 % = 15,000,000
    assert assess(cut, Evidence(detections=12, camera_days=Decimal(180), forfeits=killing)).total == Decimal(
        15_000_000)


def test_failed_monitoring_takes_the_average_of_the_last_verified_periods_and_says_so():
    # Last three verified periods: 2.00, 1.50, 1.00 → 1.50 units × 10,000,000 = 15,000,000.
    result = assess(TERMS, Evidence(detections=40, camera_days=Decimal(90), failed_deployments=("D3",),
                                    history=(Decimal(9), Decimal(2), Decimal("1.5"), Decimal(1))))
    assert result.monitoring_failed and result.is_fallback
    assert result.units == Decimal("1.50") and result.total == Decimal(15_000_000)
    assert codes(result)[:2] == ["monitoring_failed", "average"]


def test_failed_monitoring_with_fallback_nothing_pays_nothing():
    nothing = Terms(**{**TERMS.__dict__, "fallback": Fallback.NOTHING})
    result = assess(nothing, Evidence(detections=5, camera_days=Decimal(90), failed_deployments=("D3",)))
    assert result.total == 0 and codes(result)[:2] == ["monitoring_failed", "nothing"]


def test_no_retaliation_needs_no_camera():
    terms = Terms(**{**TERMS.__dict__, "indicator": Indicator.NO_RETALIATION})
    assert assess(terms, Evidence()).total == Decimal(10_000_000)


def test_rounding_to_the_minor_unit_once():
    terms = Terms(**{**TERMS.__dict__, "rate": Decimal("1000.555"), "cap": None, "currency": "AMD"})
    # 7 detections over 60 camera-days = 3.50 units × 1000.555 = 3501.9425 → 3501.94 AMD
    assert assess(terms, Evidence(detections=7, camera_days=Decimal(60))).total == Decimal("3501.94")


@pytest.mark.parametrize(("total", "weights", "currency", "expected"), [
    (Decimal(10_000_001), [(1, 1), (2, 1), (3, 1)], "IRR", [3_333_334, 3_333_334, 3_333_333]),
    (Decimal("100.00"), [(5, 1), (6, 1), (7, 1)], "AMD", ["33.34", "33.33", "33.33"]),
    (Decimal(1000), [(1, 120), (2, 60), (3, 0)], "IRR", [667, 333, 0]),
])
def test_member_shares_sum_exactly_to_the_lump_sum(total, weights, currency, expected):
    shares = split(total, [(o, Decimal(w)) for o, w in weights], currency)
    assert [s for _, s in shares] == [Decimal(str(e)) for e in expected]
    assert sum(s for _, s in shares) == total


# --- the same from rows --------------------------------------------------------------------------------------

def first_quarter_cameras(perf, contract):
    # Two cameras over the whole first quarter (1 April – 1 July 2025, Tehran): 91 days each, 182 camera-days.
    return [perf.camera(contract, "D1", tehran(2025, 3, 30), tehran(2025, 7, 3)),
            perf.camera(contract, "D2", tehran(2025, 3, 30), tehran(2025, 7, 3))]


def test_a_period_counts_only_confirmed_observations(perf, world):
    contract = perf.contract()
    d1, d2 = first_quarter_cameras(perf, contract)
    for day in range(1, 13):
        perf.leopard(d1 if day % 2 else d2, tehran(2025, 5, day, 22))
    perf.leopard(d1, tehran(2025, 5, 20, 22), confirm=False)  # waits for a verifier: does not count
    period = contract.periods[0]
    ev = periods.evidence(period)
    assert ev.detections == 12 and ev.camera_days == Decimal(182) and not ev.failed_deployments
    result = periods.live(period)
    # 12 × 30 / 182 = 1.978… → 1.98 units × 10,000,000 = 19,800,000
    assert result.units == Decimal("1.98") and result.total == Decimal(19_800_000)


def test_a_killing_in_the_area_forfeits_the_period(perf, world):
    contract = perf.contract()
    d1, _ = first_quarter_cameras(perf, contract)
    perf.leopard(d1, tehran(2025, 5, 1, 22))
    db.session.add(RetaliationFreeze(programme_id=world.ir.programme.id, cause=KillCause.POISONED,
                                     killed_on=date(2025, 6, 10), ends_on=date(2025, 7, 10), lat=37.40, lon=58.90,
                                     radius_km=5, recorded_by_id=world.ir.manager.id))
    db.session.flush()
    view = queries.assessment_view(contract.periods[0])
    assert view["total"] == "0" and view["lines"][-2]["code"] == "cancelled"
    assert "#" in view["lines"][-2]["text"]  # names the killing's record
    # The next quarter is not touched by it.
    assert periods.forfeits(contract.periods[1]) == []


def test_a_camera_stolen_mid_period_applies_the_fallback_and_says_so(perf, world):
    contract = perf.contract()
    first_quarter_cameras(perf, contract)
    perf.camera(contract, "D1b", tehran(2025, 6, 30), tehran(2025, 10, 2))
    perf.camera(contract, "D3", tehran(2025, 6, 30), tehran(2025, 8, 15))  # stolen in August
    q1, q2 = contract.periods[0], contract.periods[1]
    q1.status, q1.units, q1.is_fallback = PeriodStatus.APPROVED, Decimal("1.40"), False
    db.session.flush()
    view = queries.assessment_view(q2)
    assert view["monitoring_failed"] and view["is_fallback"]
    assert [line["code"] for line in view["lines"]][:2] == ["monitoring_failed", "average"]
    assert "D3" in view["lines"][0]["text"]
    assert view["total"] == "14000000"  # 1.40 units × 10,000,000


def test_approval_freezes_and_splits_by_herd(perf, world):
    contract = perf.contract()
    d1, _ = first_quarter_cameras(perf, contract)
    for day in range(1, 10):
        perf.leopard(d1, tehran(2025, 5, day, 22))
    period = periods.approve(contract.periods[0], world.ir.manager)
    # 9 × 30 / 182 = 1.48 units → 14,800,000 split 120:60 sheep → 9,866,667 + 4,933,333
    assert period.total == Decimal(14_800_000) and period.status == PeriodStatus.APPROVED
    assert [s["amount"] for s in period.shares] == ["9866667", "4933333"]
    with pytest.raises(InvalidTransition):
        periods.approve(period, world.ir.manager2)


def test_approval_refusals(perf, world):
    pending = perf.contract(confirm=False)
    with pytest.raises(NotEligible):
        periods.approve(pending.periods[0], world.ir.manager2)
    contract = perf.contract()
    with pytest.raises(NotEligible):  # the last quarter (to 1 April 2026) ended; the next contract year has not
        periods.approve(perf.contract(starts_on=date(2026, 4, 1)).periods[0], world.ir.manager)
    d1, _ = first_quarter_cameras(perf, contract)
    reviewer = world.ir.verifier2
    perf.leopard(d1, tehran(2025, 5, 2, 22), verifier=reviewer)
    reviewer.role = world.ir.manager.role  # later made a manager: still may not approve what they verified
    reviewer.jurisdictions = [world.ir.country]
    db.session.flush()
    with pytest.raises(Forbidden):
        periods.approve(contract.periods[0], reviewer)
    with pytest.raises(Forbidden):
        periods.approve(contract.periods[0], world.ir.clerk)


def test_the_rounding_line_names_the_currency_in_the_readers_language(app):
    """A Persian manager reads «ریال ایران», not the code IRR, in a period's rounding line (the data keep the code)."""
    line = {"code": "rounded", "params": {"currency": "IRR"}}
    with app.test_request_context(), force_locale("fa"):
        text = describe_line(line, "IRR")
    assert "IRR" not in text and "ریال ایران" in text


def test_a_failed_cameras_identifiers_stay_whole_and_left_to_right(app):
    """An Urdu manager read «چلے (TAN-» and «D03)» on two lines: the camera's identifier broke at its hyphen and its
    brackets took the sides of the right-to-left sentence. Each identifier is set apart, left to right, unbroken."""
    line = {"code": "monitoring_failed", "params": {"deployments": ["TAN-D03", "<b>D4</b>"]}}
    with app.test_request_context(), force_locale("ur"):
        text = describe_line(line, "IRR")
    assert '(<bdi dir="ltr" class="nowrap">TAN-D03</bdi> اور <bdi dir="ltr" class="nowrap">&lt;b&gt;D4' in text
    with app.test_request_context(), force_locale("ur"):
        rendered = render_template_string("<td>{{ text }}</td>", text=text)
    assert '<td>نگرانی ناکام' in rendered and '<bdi dir="ltr" class="nowrap">TAN-D03</bdi>' in rendered
