"""Checks shared by the claim schema (what was typed) and the operations (typed data combined with stored)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as L_

from conflict_service.timeutil import day_start, utcnow

CLOCK_SKEW = timedelta(minutes=5)  # a phone's clock a little ahead of the server's is not "the future"


def time_errors(incident_at: datetime | None, reported_at: datetime | None, *, incident_date: date | None = None,
                tz: str | None = None) -> dict:
    """Incident and report times: not in the future, and not reported before it happened.

    An incident whose time is not known is its ``incident_date``; without the office's ``tz`` (the schema) the day
    is checked with a day's slack either way, and the operation checks it again exactly.
    """
    errors: dict = {}
    now = utcnow()
    limit = now + CLOCK_SKEW
    if incident_at is None and incident_date is not None:
        earliest = day_start(incident_date, tz) if tz else day_start(incident_date, "UTC") - timedelta(days=1)
        if earliest > limit:
            errors["incident_date"] = [L_("The incident cannot be in the future.")]
    elif incident_at and incident_at > limit:
        errors["incident_at"] = [L_("The incident cannot be in the future.")]
        earliest = incident_at
    else:
        earliest = incident_at
    if reported_at and reported_at > limit:
        errors["reported_at"] = [L_("The report time cannot be in the future.")]
    elif earliest and reported_at and reported_at < earliest:
        errors["reported_at"] = [L_("The loss cannot have been reported before it happened.")]
    return errors
