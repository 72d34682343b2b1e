"""Country profiles (DESIGN §11): what a country's SMS rules allow — links, quiet hours, registered templates.

A profile is chosen by the country code of the claim's office. ``NOTIFICATION_PROFILES`` in the configuration
overrides or adds countries (the same keys); anything not said falls back to ``DEFAULT``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app


@dataclass(frozen=True)
class Profile:
    links: bool = True  # may a message carry a web address
    quiet_from: time | None = time(21, 0)  # no message to an owner from this local time...
    quiet_until: time | None = time(8, 0)  # ...until this one


DEFAULT = Profile()
PROFILES = {
    # Iran's operators refuse links in messages from service lines; Kavenegar sends registered templates only.
    "IR": Profile(links=False, quiet_from=time(22, 0), quiet_until=time(7, 0)),
    "AF": Profile(links=False),
}


def profile_for(country_code: str | None) -> Profile:
    configured = current_app.config.get("NOTIFICATION_PROFILES") or {}
    if country_code in configured:
        return Profile(**configured[country_code])
    return PROFILES.get(country_code or "", DEFAULT)


def after_quiet_hours(moment: datetime, profile: Profile, tz: str) -> datetime:
    """``moment`` itself, or the end of the quiet hours it falls in, on the office's wall clock."""
    if profile.quiet_from is None or profile.quiet_until is None:
        return moment
    local = moment.astimezone(ZoneInfo(tz))
    start, end = profile.quiet_from, profile.quiet_until
    now = local.time()
    quiet = (start <= now or now < end) if start > end else (start <= now < end)
    if not quiet:
        return moment
    day = local.date() + timedelta(days=1) if start > end and now >= start else local.date()
    return datetime.combine(day, end, ZoneInfo(tz)).astimezone(moment.tzinfo)
