"""Portable SQL building blocks for the reports: months, elapsed time and percentiles on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal

import sqlalchemy as sa
from persiantools.jdatetime import JalaliDate
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from conflict_service.db import db
from conflict_service.i18n import round_money
from conflict_service.timeutil import utcnow

FIRST_SOLAR_YEAR = 1380  # 2001: nothing the service records is older; an older moment gets no month


def month(column, calendar: str = "gregorian") -> sa.ColumnElement:
    """``YYYY-MM`` of a UTC timestamp in the Gregorian calendar, or in the Solar Hijri one (``1405-09``: the month
    from 1 Azar to the end of Azar 1405) for readers who count months from Nowruz."""
    if calendar == "solar_hijri":
        return _solar_month(column)
    if db.dialect == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", column), "YYYY-MM")
    return sa.func.strftime("%Y-%m", column)


def _solar_month(column) -> sa.ColumnElement:
    """A CASE over the first days (00:00 UTC, as the Gregorian months are cut) of the Solar Hijri months, newest
    first so that recent rows match after a few tests, from next month back to Farvardin 1380."""
    today = JalaliDate(utcnow().date())
    year, number = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    starts = []
    while (year, number) >= (FIRST_SOLAR_YEAR, 1):
        starts.append((JalaliDate(year, number, 1).to_gregorian(), f"{year:04d}-{number:02d}"))
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
    return sa.case(*((column >= datetime.combine(day, time(0), tzinfo=UTC), sa.literal(key)) for day, key in starts),
                   else_=sa.null())


def hours_between(start, end) -> sa.ColumnElement:
    """Elapsed hours from ``start`` to ``end`` (fractional), never negative: a report shows no negative duration
    even for rows recorded before the ends were checked (a bank statement's day once stood at local midnight,
    before an approval made later that day)."""
    if db.dialect == "postgresql":
        elapsed = sa.extract("epoch", end - start) / 3600.0
    else:
        elapsed = (sa.func.julianday(end) - sa.func.julianday(start)) * 24.0
    return sa.case((elapsed < 0, 0.0), else_=elapsed)


def days_between(start, end) -> sa.ColumnElement:
    """Elapsed days from the timestamp ``start`` to ``end`` (fractional)."""
    return hours_between(start, end) / 24.0


class day_number(FunctionElement):  # noqa: N801 - reads like the SQL function it stands for
    """Whole days since a fixed epoch of a DATE column (SQLite has no date subtraction, PostgreSQL no julianday)."""

    type = sa.Integer()
    inherit_cache = True
    name = "day_number"


@compiles(day_number)
def _day_number_sqlite(element, compiler, **kw):
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(day_number, "postgresql")
def _day_number_postgresql(element, compiler, **kw):
    return f"({compiler.process(element.clauses, **kw)} - DATE '2000-01-01')"


def dates_apart(start, end) -> sa.ColumnElement:
    """Whole days from the date ``start`` to the date ``end`` (negative when ``end`` comes first)."""
    return day_number(end) - day_number(start)


def percentiles(samples: sa.Subquery, keys: list[str], *, fractions=(0.5, 0.9), within: str | None = None) -> sa.Select:
    """Per group of ``keys``: ``n``, ``p50``/``p90`` (linear interpolation, as PostgreSQL's percentile_cont) of
    ``samples.c.value``, and ``within`` (how many samples have a true ``within`` column)."""
    cols = [samples.c[k] for k in keys]
    extra = [sa.func.sum(sa.case((samples.c[within], 1), else_=0)).label("within")] if within else []
    if db.dialect == "postgresql":
        stats = [sa.func.percentile_cont(f).within_group(samples.c.value).label(_name(f)) for f in fractions]
        return sa.select(*cols, sa.func.count().label("n"), *stats, *extra).group_by(*cols)
    return _window_percentiles(samples, keys, fractions, within)


def _name(fraction: float) -> str:
    return f"p{round(fraction * 100)}"


def _window_percentiles(samples: sa.Subquery, keys: list[str], fractions, within: str | None) -> sa.Select:
    """SQLite has no percentile_cont: rank the samples with ROW_NUMBER/COUNT windows, pick the two rows around
    position f·(n−1) with conditional aggregates and interpolate between them."""
    part = [samples.c[k] for k in keys]
    ranked = sa.select(*part, samples.c.value,
                       *([samples.c[within].label("is_within")] if within else []),
                       sa.func.row_number().over(partition_by=part, order_by=samples.c.value).label("rn"),
                       sa.func.count().over(partition_by=part).label("n")).subquery("ranked")
    cols = [ranked.c[k] for k in keys]
    picks = []
    for f in fractions:
        pos = f * (ranked.c.n - 1)
        low = sa.cast(pos, sa.Integer)
        picks += [sa.func.max(sa.case((ranked.c.rn == low + 1, ranked.c.value))).label(f"lo{_name(f)}"),
                  sa.func.max(sa.case((ranked.c.rn == low + 2, ranked.c.value))).label(f"hi{_name(f)}"),
                  sa.func.max(pos - low).label(f"fr{_name(f)}")]
    extra = [sa.func.sum(sa.case((ranked.c.is_within, 1), else_=0)).label("within")] if within else []
    grouped = sa.select(*cols, sa.func.max(ranked.c.n).label("n"), *picks, *extra).group_by(*cols).subquery("g")
    stats = []
    for f in fractions:
        lo, hi, fr = grouped.c[f"lo{_name(f)}"], grouped.c[f"hi{_name(f)}"], grouped.c[f"fr{_name(f)}"]
        stats.append((lo + sa.func.coalesce(hi - lo, 0) * fr).label(_name(f)))
    return sa.select(*[grouped.c[k] for k in keys], grouped.c.n, *stats,
                     *([grouped.c.within] if within else []))


def money(value, currency: str) -> Decimal:
    """A SQL sum as exact money (SQLite sums NUMERIC as floating point; its repr is exact enough to round)."""
    return round_money(Decimal(str(value if value is not None else 0)), currency)


def number(value, places: int = 1) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
