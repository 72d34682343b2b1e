"""The programme year (DESIGN §3): household caps, claim limits, annual figures and reports count a programme's year
in its own calendar — Gregorian, or Solar Hijri from Nowruz for Iran and Afghanistan — starting in the month the
programme names. Every such count takes its bounds from :func:`year_bounds`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from persiantools.jdatetime import JalaliDate

from claims.enums import YearCalendar
from conflict_service.jurisdictions.queries import tree

# Range countries whose programmes count their year from Nowruz unless told otherwise.
SOLAR_HIJRI_COUNTRIES = frozenset({"IR", "AF"})


@dataclass(frozen=True)
class ProgrammeYear:
    """One programme year: ``start`` ≤ day < ``end`` (Gregorian dates), and its name in its own calendar."""

    start: date
    end: date
    label: str  # "1405" (Solar Hijri), "2026", or "2026/27" for a year that starts after January

    def __contains__(self, day: date) -> bool:
        return self.start <= day < self.end


def default_calendar(jurisdiction_id: int) -> YearCalendar:
    """The calendar a new programme of this jurisdiction counts its year in."""
    j = tree().by_id.get(jurisdiction_id)
    return YearCalendar.SOLAR_HIJRI if j is not None and j.country_code in SOLAR_HIJRI_COUNTRIES \
        else YearCalendar.GREGORIAN


def year_bounds(programme, day: date) -> ProgrammeYear:
    """The programme year that contains ``day``."""
    return bounds(YearCalendar(programme.year_calendar or YearCalendar.GREGORIAN), programme.year_start_month or 1,
                  day)


def bounds(calendar: YearCalendar, start_month: int, day: date) -> ProgrammeYear:
    if calendar == YearCalendar.SOLAR_HIJRI:
        jd = JalaliDate(day)
        year = jd.year if jd.month >= start_month else jd.year - 1
        start = JalaliDate(year, start_month, 1).to_gregorian()
        end = JalaliDate(year + 1, start_month, 1).to_gregorian()
        return ProgrammeYear(start, end, str(year) if start_month == 1 else f"{year}/{(year + 1) % 100:02d}")
    year = day.year if day.month >= start_month else day.year - 1
    start, end = date(year, start_month, 1), date(year + 1, start_month, 1)
    return ProgrammeYear(start, end, str(year) if start_month == 1 else f"{year}/{(year + 1) % 100:02d}")


def same_year(programme, first: date, second: date) -> bool:
    return second in year_bounds(programme, first)
