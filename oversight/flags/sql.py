"""A portable day number for date arithmetic in SQL (SQLite has no date subtraction, PostgreSQL no julianday)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class day_number(FunctionElement):  # noqa: N801 - reads like the SQL function it stands for
    """Whole days since a fixed epoch, so that ``day_number(a) - day_number(b)`` is the days between two dates."""

    type = sa.Integer()
    inherit_cache = True
    name = "day_number"


@compiles(day_number)
def _sqlite(element, compiler, **kw):
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(day_number, "postgresql")
def _postgresql(element, compiler, **kw):
    return f"({compiler.process(element.clauses, **kw)} - DATE '2000-01-01')"


def days_between(later, earlier):
    return day_number(later) - day_number(earlier)
