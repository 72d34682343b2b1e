"""Load and dump schemas for measures, inspections, dogs and vaccinations (shared by the API and the web forms)."""

from __future__ import annotations

import re

from babel.numbers import is_currency
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from marshmallow import ValidationError, fields, validate, validates_schema

from conflict_service.i18n import round_money
from conflict_service.schemas import (
    BaseSchema,
    PageArgsSchema,
    enum_field,
    latitude,
    longitude,
    money_field,
    page_schema,
    required_text,
)
from mitigation.enums import DogSex, MeasureKind, MeasureStatus, VaccineKind

FIRST_BIRTH_YEAR = 1990


def currency_code(code: str) -> None:
    """A validator: an upper-case ISO 4217 code that CLDR knows (so amounts can be rounded and formatted)."""
    if not re.fullmatch(r"[A-Z]{3}", code or "") or not is_currency(code):
        raise ValidationError(_("Use the three-letter ISO 4217 code, for example IRR."))


def notes_field(max_length: int = 2000):
    return fields.String(load_default="", validate=validate.Length(max=max_length,
                                                                    error=L_("Use at most {max} characters.")))


# --- guardian dogs ---------------------------------------------------------------------------------------

class DogSchema(BaseSchema):
    name = required_text(80, one_line=True)
    sex = enum_field(DogSex, required=True)
    birth_year = fields.Integer(required=True, validate=validate.Range(
        min=FIRST_BIRTH_YEAR, error=L_("Give a year from {min} on.")))


class VaccinationCreateSchema(BaseSchema):
    kind = enum_field(VaccineKind, required=True)
    given_on = fields.Date(required=True)
    next_due_on = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "When the next dose is due. Left out for rabies or distemper/parvovirus: 12 months later."})
    notes = notes_field(500)

    @validates_schema(skip_on_field_errors=True)
    def _order(self, data, **_kwargs):
        if data.get("next_due_on") and data["next_due_on"] <= data["given_on"]:
            raise ValidationError(L_("The next dose is due after the one given."), "next_due_on")


class VaccinationSchema(BaseSchema):
    id = fields.Integer()
    kind = enum_field(VaccineKind)
    given_on = fields.Date()
    next_due_on = fields.Date(allow_none=True)
    notes = fields.String()
    recorded_at = fields.AwareDateTime()


class MeasureOwnerSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    village = fields.String()
    office_id = fields.Integer()


class DogOutSchema(DogSchema):
    id = fields.Integer(metadata={"description": "The same id as the dog's mitigation measure."})
    owner = fields.Nested(MeasureOwnerSchema, attribute="measure.owner")
    status = enum_field(MeasureStatus, attribute="measure.status", allow_none=True)
    vaccinations = fields.List(fields.Nested(VaccinationSchema))
    overdue = fields.List(enum_field(VaccineKind), metadata={
        "description": "Vaccine kinds overdue on the office's local date today ('rabies' also when none is recorded)."})


class DogQuerySchema(PageArgsSchema):
    overdue = fields.Boolean(load_default=False, metadata={"description": "Only dogs overdue for a vaccination."})
    office_id = fields.Integer(load_default=None)


DogPageSchema = page_schema(DogOutSchema, "DogPageSchema")


# --- measures ---------------------------------------------------------------------------------------------

class MeasureCreateSchema(BaseSchema):
    owner_id = fields.Integer(required=True)
    kind = enum_field(MeasureKind, required=True)
    installed_on = fields.Date(required=True)
    site = fields.String(load_default="", validate=validate.Length(max=200, error=L_("Use at most {max} characters.")),
                         metadata={"description": "Where at the household, e.g. 'winter corral by the spring'."})
    lat = latitude(allow_none=True, load_default=None)
    lon = longitude(allow_none=True, load_default=None)
    cost = money_field(required=True)
    currency = fields.String(required=True, validate=currency_code)
    funder = required_text(160, one_line=True)
    owner_contribution = money_field(load_default=None, allow_none=True, metadata={"description": "Default 0."})
    notes = notes_field()
    dog = fields.Nested(DogSchema, load_default=None, allow_none=True,
                        metadata={"description": "Required for a guardian dog, refused for other kinds."})

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _checks(self, data, original, partial=None, **_kwargs):
        errors: dict = {}
        if (data.get("lat") is None) != (data.get("lon") is None) and not partial:
            errors["lon" if data.get("lon") is None else "lat"] = [L_("Give both latitude and longitude, or neither.")]
        cost, share = data.get("cost"), data.get("owner_contribution")
        if cost is not None and share is not None and share > cost:
            errors["owner_contribution"] = [L_("The owner's contribution cannot exceed the cost.")]
        if not partial:  # judged on what was sent, so an invalid dog gets its own messages, not "give a dog"
            errors.update(dog_errors(data.get("kind"), original.get("dog") if isinstance(original, dict) else None))
        if errors:
            raise ValidationError(errors)


def dog_errors(kind, dog) -> dict:
    if kind == MeasureKind.GUARDIAN_DOG and not dog:
        return {"dog": [L_("Give the dog's name, sex and year of birth.")]}
    if kind is not None and kind != MeasureKind.GUARDIAN_DOG and dog:
        return {"dog": [L_("Only a guardian dog has dog details.")]}
    return {}


class InspectionCreateSchema(BaseSchema):
    inspected_on = fields.Date(required=True)
    status = enum_field(MeasureStatus, required=True)
    notes = notes_field()


class InspectorSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String(attribute="display_name")


class InspectionSchema(BaseSchema):
    id = fields.Integer()
    measure_id = fields.Integer()
    inspected_on = fields.Date()
    status = enum_field(MeasureStatus)
    notes = fields.String()
    inspector = fields.Nested(InspectorSchema)
    recorded_at = fields.AwareDateTime()


class Amount(fields.Field):
    """Money shown as a string to the currency's minor unit (IRR 300000000, AMD 450000.50), never as a float."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(round_money(value, obj.currency))


class MeasureSchema(BaseSchema):
    id = fields.Integer()
    owner = fields.Nested(MeasureOwnerSchema)
    kind = enum_field(MeasureKind)
    installed_on = fields.Date()
    site = fields.String()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    cost = Amount(metadata={"type": "string", "example": "300000000"})
    currency = fields.String()
    funder = fields.String()
    owner_contribution = Amount(metadata={"type": "string"})
    notes = fields.String()
    status = enum_field(MeasureStatus, allow_none=True, metadata={
        "description": "What the latest inspection found; null until the first inspection."})
    last_inspected_on = fields.Date(allow_none=True)
    inspection_due_on = fields.Date(metadata={"description": "12 months after the last inspection or installation."})
    is_due_for_inspection = fields.Boolean(metadata={"description": "No inspection in the last 12 months (by the "
                                                                    "office's local date); never for abandoned."})
    dog = fields.Nested(DogSchema, allow_none=True)
    created_at = fields.AwareDateTime()


class MeasureQuerySchema(PageArgsSchema):
    owner_id = fields.Integer(load_default=None)
    office_id = fields.Integer(load_default=None)
    village = fields.String(load_default=None, validate=validate.Length(max=120))
    kind = enum_field(MeasureKind, load_default=None)
    status = enum_field(MeasureStatus, load_default=None)
    due = fields.Boolean(load_default=False, metadata={"description": "Only measures due for inspection."})


MeasurePageSchema = page_schema(MeasureSchema, "MeasurePageSchema")
