"""Creating and changing jurisdictions (administrators, within their own jurisdictions; new countries on the
command line)."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import gettext as _

from conflict_service.audit.operations import created, diff, record, snapshot
from conflict_service.db import db
from conflict_service.errors import Forbidden, NotFound, ValidationError
from conflict_service.jurisdictions.models import RANGE_COUNTRIES, Jurisdiction, Level
from conflict_service.jurisdictions.queries import forget_tree, scope_ids, tree
from conflict_service.schemas import clean_names

AUDITED = ("code", "short_code", "level", "parent_id", "name", "names", "timezone", "is_active")
CHILD_LEVEL = {None: Level.COUNTRY, Level.COUNTRY: Level.REGION, Level.REGION: Level.OFFICE}


def _check_admin(actor) -> None:
    if actor is not None and actor.role != "admin":
        raise Forbidden(_("Only an administrator can change jurisdictions."))


def create_jurisdiction(data: dict, actor) -> Jurisdiction:
    """Create a country, a region under a country, or an office under a region."""
    _check_admin(actor)
    parent = tree().by_id.get(data["parent_id"]) if data.get("parent_id") else None
    if actor is not None and parent is not None and parent.id not in scope_ids(actor):
        parent = None  # another country's region is, to this administrator, a region that does not exist
    if data.get("parent_id") and parent is None:
        raise ValidationError.field("parent_id", _("No such parent jurisdiction."))
    if parent is None and actor is not None:
        raise ValidationError.field("parent_id", _("A new country is added on the command line (flask jurisdictions "
                                                   "create); choose the country or region it belongs to."))
    level = CHILD_LEVEL.get(parent.level if parent else None)
    if level is None:
        raise ValidationError.field("parent_id", _("An office cannot contain other jurisdictions."))
    short = data["short_code"].strip().upper()
    errors = _validate(short, data, level, parent)
    if errors:
        raise ValidationError(errors)
    code = short if parent is None else f"{parent.code}-{short}"
    j = Jurisdiction(code=code, short_code=short, level=level, parent_id=parent.id if parent else None,
                     country_code=short if parent is None else parent.country_code, name=data["name"].strip(),
                     names=clean_names(data.get("names")),
                     timezone=data.get("timezone") or (parent.timezone if parent else "UTC"))
    db.session.add(j)
    db.session.flush()
    forget_tree()
    record("jurisdiction.created", j, actor=actor, changes=created(snapshot(j, AUDITED)))
    return j


def _validate(short: str, data: dict, level: Level, parent) -> dict:
    errors: dict = {}
    if level == Level.COUNTRY and short not in RANGE_COUNTRIES:
        errors["short_code"] = [_("Use the ISO 3166-1 alpha-2 code of a range country: {codes}.").format(
            codes=", ".join(RANGE_COUNTRIES))]
    elif not short.isalnum() or len(short) > 12:
        errors["short_code"] = [_("Use up to 12 letters or digits.")]
    tz = data.get("timezone")
    if tz and tz not in available_timezones():
        errors["timezone"] = [_("Unknown time zone; use an IANA name such as Asia/Tehran.")]
    country = parent.country_code if parent else short
    clash = any(j.country_code == country and j.level == level and j.short_code == short for j in tree().by_id.values())
    if clash:
        errors["short_code"] = [_("This code is already used in the same country.")]
    if not data.get("name", "").strip():
        errors["name"] = [_("A name is required.")]
    return errors


def update_jurisdiction(j: Jurisdiction, data: dict, actor) -> Jurisdiction:
    """Rename, change the time zone of, or deactivate a jurisdiction."""
    _check_admin(actor)
    if actor is not None and j.id not in scope_ids(actor):
        raise NotFound()
    before = snapshot(j, AUDITED)
    errors: dict = {}
    if "timezone" in data and data["timezone"] not in available_timezones():
        errors["timezone"] = [_("Unknown time zone; use an IANA name such as Asia/Tehran.")]
    if "name" in data and not (data["name"] or "").strip():
        errors["name"] = [_("A name is required.")]
    if errors:
        raise ValidationError(errors)
    for key in ("name", "timezone", "is_active"):
        if key in data:
            setattr(j, key, data[key].strip() if key == "name" else data[key])
    if "names" in data:
        j.names = clean_names(data["names"])
    db.session.flush()
    forget_tree()
    record("jurisdiction.updated", j, actor=actor, changes=diff(before, snapshot(j, AUDITED)))
    return j
