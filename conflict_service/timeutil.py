"""Clock and calendar helpers. Times are stored in UTC; deadlines count in the office's local dates."""

import contextlib
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_override: ContextVar[datetime | None] = ContextVar("clock_override", default=None)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC (tests freeze it with time-machine)."""
    return _override.get() or datetime.now(UTC)


@contextlib.contextmanager
def clock_at(moment: datetime):
    """Run operations as if at ``moment``: for demo data and for importing historical records."""
    token = _override.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _override.reset(token)


def local_date(moment: datetime, tz_name: str) -> date:
    """The calendar date of ``moment`` on the wall clock of ``tz_name``."""
    return moment.astimezone(ZoneInfo(tz_name)).date()


def local_today(tz_name: str) -> date:
    return local_date(utcnow(), tz_name)


def to_utc(naive_local: datetime, tz_name: str) -> datetime:
    """Interpret a wall-clock time entered at an office as that office's local time."""
    if naive_local.tzinfo is not None:
        return naive_local.astimezone(UTC)
    return naive_local.replace(tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def day_start(day: date, tz_name: str) -> datetime:
    """The first moment (UTC) of a calendar day on the wall clock of ``tz_name``."""
    return to_utc(datetime.combine(day, time(0)), tz_name)


def days_between(start: date, end: date) -> int:
    return (end - start).days


def hours(n: int | float) -> timedelta:
    return timedelta(hours=n)
