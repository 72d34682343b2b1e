"""The programme year (DESIGN §3, §5.8): Iran's and Afghanistan's programmes count their year from Nowruz, and the
household cap starts again on 1 Farvardin; the bounds come from one function (claims/years.py)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from claims.enums import TimeOfDay, YearCalendar
from claims.years import bounds, year_bounds
from payouts import assessment
from tests.factories import at

NOWRUZ_1405 = date(2026, 3, 21)  # 1 Farvardin 1405


def test_solar_hijri_years_start_at_nowruz():
    year = bounds(YearCalendar.SOLAR_HIJRI, 1, date(2026, 12, 5))
    assert (year.start, year.end, year.label) == (NOWRUZ_1405, date(2027, 3, 21), "1405")
    before = bounds(YearCalendar.SOLAR_HIJRI, 1, NOWRUZ_1405 - timedelta(days=1))
    assert (before.start, before.end, before.label) == (date(2025, 3, 21), NOWRUZ_1405, "1404")
    assert NOWRUZ_1405 - timedelta(days=1) not in year and NOWRUZ_1405 in year


def test_gregorian_years_may_start_in_another_month():
    assert bounds(YearCalendar.GREGORIAN, 1, date(2026, 3, 20)).label == "2026"
    july = bounds(YearCalendar.GREGORIAN, 7, date(2026, 3, 20))
    assert (july.start, july.end, july.label) == (date(2025, 7, 1), date(2026, 7, 1), "2025/26")
    mehr = bounds(YearCalendar.SOLAR_HIJRI, 7, date(2026, 12, 5))  # from 1 Mehr 1405
    assert (mehr.start, mehr.label) == (date(2026, 9, 23), "1405/06")


def test_new_programmes_of_iran_count_from_nowruz_and_armenias_from_january(client, world):
    from tests.helpers import bearer
    for country, calendar in ((world.ir, "solar_hijri"), (world.am, "gregorian")):
        body = {"name": "Year test", "kind": "compensation", "jurisdiction_id": country.country.id,
                "currency": "IRR", "official_language": "fa"}
        r = client.post("/api/v1/programmes", json=body, headers=bearer(client, country.manager))
        assert r.status_code == 201, r.get_json()
        assert r.get_json()["year_calendar"] == calendar


@pytest.fixture
def ir(payouts, world):
    payouts.rates(world.ir)
    return world.ir


def _claim(payouts, ir, owner, incident, approve: bool):
    """A claim for 2 adult sheep (90,000,000 rials) filed the day after its incident."""
    moment = at(incident.year, incident.month, incident.day, 10, 0)
    with time_machine.travel(moment + timedelta(days=1), tick=False):
        make = payouts.approved if approve else payouts.verified
        return make(ir, owner=owner, incident_at=moment, time_of_day=TimeOfDay.DAY)


@pytest.mark.parametrize("calendar", [YearCalendar.SOLAR_HIJRI, YearCalendar.GREGORIAN])
def test_the_household_cap_starts_again_at_nowruz(payouts, ir, make, calendar):
    programme = ir.programme
    programme.year_calendar, programme.household_annual_cap = calendar, Decimal("100000000")
    owner = make.owner(ir.clerk, ir.office)
    _claim(payouts, ir, owner, NOWRUZ_1405 - timedelta(days=2), approve=True)  # 90,000,000 on 27 Esfand 1404
    after = _claim(payouts, ir, owner, NOWRUZ_1405 + timedelta(days=1), approve=False)
    result = assessment.live(after)
    if calendar == YearCalendar.SOLAR_HIJRI:  # a new year: nothing counted against the cap of 1405
        assert result.total == Decimal("90000000")
        assert [ln.params["year"] for ln in result.lines if ln.step == "household_cap"] == ["1405"]
    else:  # the same Gregorian year 2026: only 10,000,000 left
        assert result.total == Decimal("10000000")
        assert year_bounds(programme, NOWRUZ_1405).label == "2026"
