"""What a printed document may show, as dump schemas: records become plain data before any template sees them.

Values that the templates format in the reader's language (enum members with their ``title``, dates,
``Decimal`` amounts) are kept as they are (``fields.Raw``); everything else is a plain string or number.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from flask_babel import lazy_gettext as L_
from marshmallow import Schema, fields, validate

from claims.enums import TimeOfDay
from claims.states import ClaimState
from conflict_service.audit.presentation import actor_name, describe, field_label
from conflict_service.i18n import LOCALES
from conflict_service.schemas import BaseSchema

Value = fields.Raw
ENUM_FIELDS = {"status": ClaimState, "time_of_day": TimeOfDay}


class DocumentQuerySchema(BaseSchema):
    lang = fields.String(load_default=None, validate=validate.OneOf(
        LOCALES, error=L_("Choose one of the supported languages: {choices}.")),
        metadata={"description": "Language of the document; the owner's preferred language when left out."})
    bilingual = fields.Boolean(load_default=False, metadata={
        "description": "Repeat every label in the programme's official language."})


class _Doc(Schema):
    class Meta:
        ordered = True


def _person(user) -> str | None:
    return user.display_name if user is not None else None


class HerdDoc(_Doc):
    species = Value()
    head_count = fields.Integer()
    counted_on = Value()


class OwnerDoc(_Doc):
    name = fields.String()
    village = fields.String()
    national_id = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    preferred_language = fields.String()
    home_lat = fields.Float(allow_none=True)
    home_lon = fields.Float(allow_none=True)
    herd = fields.List(fields.Nested(HerdDoc))


class LineDoc(_Doc):
    species = Value()
    age_class = Value()
    outcome = Value()
    count = fields.Integer()


class ProgrammeDoc(_Doc):
    name = fields.String()
    local_name = fields.String()  # in the document's language (DESIGN §14)
    kind = Value()
    currency = fields.String()
    official_language = fields.String()
    verification_sla_hours = fields.Integer()
    payment_sla_days = fields.Integer()
    appeal_days = fields.Integer()
    advance_pct = Value()


class OfficeDoc(_Doc):
    name = fields.String()
    local_name = fields.String()
    code = fields.String()
    timezone = fields.String()


class ClaimDoc(_Doc):
    id = fields.Integer()
    number = fields.String()
    pin = fields.String()
    status = Value()
    status_changed_at = Value()
    incident_at = Value()
    incident_date = Value()
    incident_lat = fields.Float(allow_none=True)
    incident_lon = fields.Float(allow_none=True)
    incident_village = fields.String()
    time_of_day = Value()
    is_in_corral = fields.Boolean()
    is_herder_present = fields.Boolean()
    is_guard_dog_present = fields.Boolean()
    narrative = fields.String()
    reported_at = Value()
    report_channel = Value()
    filed_at = Value()
    filed_date = Value()
    verification_due_at = Value()
    appealed_at = Value()
    lines = fields.List(fields.Nested(LineDoc))
    head_lost = fields.Integer()


class VerificationDoc(_Doc):
    round = fields.Integer()
    verifier = fields.Function(lambda v: _person(v.verifier))
    visited_at = Value()
    visit_lat = fields.Float(allow_none=True)
    visit_lon = fields.Float(allow_none=True)
    recorded_at = Value()
    has_carcass = fields.Boolean()
    has_neck_bites = fields.Boolean()
    canine_spacing_mm = fields.Integer(allow_none=True)
    has_claw_marks = fields.Boolean()
    has_drag_marks = fields.Boolean()
    is_carcass_cached = fields.Boolean()
    has_tracks = fields.Boolean()
    has_scat = fields.Boolean()
    has_hair = fields.Boolean()
    has_camera_trap_image = fields.Boolean()
    predator = Value()
    confidence = Value()
    time_of_day = Value()
    is_in_corral = fields.Boolean(allow_none=True)
    is_herder_present = fields.Boolean(allow_none=True)
    is_guard_dog_present = fields.Boolean(allow_none=True)
    carcass_disposal = Value()
    is_carcass_left = fields.Boolean()
    outcome = Value()
    rejection_reason = Value()
    notes = fields.String()
    lines = fields.List(fields.Nested(LineDoc))


class EvidenceDoc(_Doc):
    sha256 = fields.String()
    kind = Value()
    content_type = fields.String()
    display_name = fields.String()
    size_bytes = fields.Integer()
    uploaded_at = Value()
    exif_taken_at = Value()
    exif_lat = fields.Float(allow_none=True)
    exif_lon = fields.Float(allow_none=True)
    has_thumbnail = fields.Boolean()


class ChangeDoc(_Doc):
    label = fields.String()
    before = Value()
    after = Value()


class EventDoc(_Doc):
    seq = fields.Integer()
    occurred_at = Value()
    actor = fields.Function(lambda ev: actor_name(ev))
    action = fields.String()
    summary = fields.Function(lambda ev: describe(ev))
    reason = fields.String(allow_none=True)
    data = fields.Dict()
    changes = fields.Function(lambda ev: _changes(ev.changes or {}))


def _changes(changes: dict) -> list[dict]:
    """Corrections as label, before and after; a record's creation (nothing before) lists nothing."""
    pairs = [(name, pair) for name, pair in changes.items() if isinstance(pair, list | tuple) and len(pair) == 2]
    if all(pair[0] is None for _name, pair in pairs):
        return []
    return [{"label": field_label(name), "before": _value(name, pair[0]), "after": _value(name, pair[1])}
            for name, pair in pairs]


def _value(name: str, value):
    """Audit values are JSON; give states their words and timestamps their type, for the reader's language."""
    if name in ENUM_FIELDS and value in {m.value for m in ENUM_FIELDS[name]}:
        return ENUM_FIELDS[name](value).title
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        with contextlib.suppress(ValueError):
            return datetime.fromisoformat(value)
    return value
