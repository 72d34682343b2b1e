"""Load and dump schemas of retaliation freezes (API, web form and CLI share them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as L_
from marshmallow import ValidationError, fields, validate, validates_schema

from conflict_service.schemas import (
    BaseSchema,
    PageArgsSchema,
    enum_field,
    latitude,
    longitude,
    optional_text,
    page_schema,
    required_text,
)
from payouts.freezes.models import KillCause

ID = validate.Range(min=1, max=2**31 - 1, error=L_("No such record."))
MAX_RADIUS_KM = 200


class FreezeCreateSchema(BaseSchema):
    programme_id = fields.Integer(required=True, validate=ID)
    cause = enum_field(KillCause, required=True)
    killed_on = fields.Date(required=True)
    jurisdiction_id = fields.Integer(load_default=None, allow_none=True, validate=ID,
                                     metadata={"description": "A region or office: claims filed at its offices."})
    lat = latitude(load_default=None, allow_none=True)
    lon = longitude(load_default=None, allow_none=True)
    radius_km = fields.Float(load_default=None, allow_none=True, allow_nan=False, validate=validate.Range(
        min=0.1, max=MAX_RADIUS_KM, error=L_("Must be between {min} and {max}.")),
        metadata={"description": "With lat/lon: claims whose incident lies within this distance."})
    note = optional_text(2000)

    @validates_schema
    def _area(self, data, **kwargs):
        point = [data.get(k) is not None for k in ("lat", "lon", "radius_km")]
        if any(point) and not all(point):
            raise ValidationError({k: [L_("Give latitude, longitude and radius together.")]
                                   for k, given in zip(("lat", "lon", "radius_km"), point, strict=True) if not given})
        if not any(point) and data.get("jurisdiction_id") is None:
            raise ValidationError({"jurisdiction_id": [L_("Give a region or office, or a point with a radius.")]})


class LiftSchema(BaseSchema):
    reason = required_text(2000)


class FreezeQuerySchema(PageArgsSchema):
    active = fields.Boolean(load_default=None, allow_none=True,
                            metadata={"description": "true: only freezes holding payments now; false: only ended"})
    programme_id = fields.Integer(load_default=None, allow_none=True, validate=ID)


class UserRefSchema(BaseSchema):
    id = fields.Integer()
    display_name = fields.String()


class FreezeSchema(BaseSchema):
    id = fields.Integer()
    programme_id = fields.Integer()
    programme = fields.Function(lambda f: f.programme.name)
    cause = enum_field(KillCause)
    killed_on = fields.Date()
    ends_on = fields.Date(metadata={"description": "The first day payments are no longer held"})
    jurisdiction_code = fields.Function(lambda f: f.jurisdiction.code if f.jurisdiction else None)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    radius_km = fields.Float(allow_none=True)
    note = fields.String()
    active = fields.Boolean(attribute="is_active")
    recorded_at = fields.DateTime()
    recorded_by = fields.Nested(UserRefSchema)
    lifted_at = fields.DateTime(allow_none=True)
    lifted_by = fields.Nested(UserRefSchema, allow_none=True)
    lift_reason = fields.String(allow_none=True)
    held_claims = fields.List(fields.String(), metadata={"description": "Numbers of claims whose payment is held"})


FreezePageSchema = page_schema(FreezeSchema, "FreezePageSchema")
