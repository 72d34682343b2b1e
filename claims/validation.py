"""Checks shared by the claim schema (what was typed) and the operations (typed data combined with stored)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as L_

from conflict_service.timeutil import utcnow

CLOCK_SKEW = timedelta(minutes=5)  # a phone's clock a little ahead of the server's is not "the future"


def time_errors(incident_at: datetime | None, reported_at: datetime | None) -> dict:
    """Incident and report times: not in the future, and not reported before it happened."""
    errors: dict = {}
    limit = utcnow() + CLOCK_SKEW
    if incident_at and incident_at > limit:
        errors["incident_at"] = [L_("The incident cannot be in the future.")]
    if reported_at and reported_at > limit:
        errors["reported_at"] = [L_("The report time cannot be in the future.")]
    elif incident_at and reported_at and reported_at < incident_at:
        errors["reported_at"] = [L_("The loss cannot have been reported before it happened.")]
    return errors
