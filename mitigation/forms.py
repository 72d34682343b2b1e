"""Form plumbing for the mitigation pages: the values shown, and the dicts handed to the API's schemas."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from claims.queries import programme_usable_at, programmes_for
from conflict_service.errors import ValidationError
from conflict_service.i18n import editable_number
from conflict_service.timeutil import local_today
from conflict_service.web import forms as web_forms
from mitigation.enums import DogSex, MeasureKind, VaccineKind
from mitigation.schemas import InspectionCreateSchema, MeasureCreateSchema, VaccinationCreateSchema

MEASURE_TEXT = ("kind", "installed_on", "site", "lat", "lon", "cost", "currency", "funder", "owner_contribution",
                "notes")
# Named like the flattened schema errors ("dog-name"), so each message lands under its own field.
DOG_TEXT = ("dog-name", "dog-sex", "dog-birth_year")


def measure_choices() -> dict:
    return {"kinds": MeasureKind.choices(), "sexes": DogSex.choices()}


def default_currency(user, owner) -> str:
    """The currency of a programme covering the owner's office: what the office usually pays in."""
    for programme in programmes_for(user, active_only=True):
        if programme_usable_at(programme, owner.office):
            return programme.currency
    return ""


def measure_defaults(user, owner, kind: str | None) -> dict:
    return {"installed_on": local_today(owner.office.timezone).isoformat(), "currency": default_currency(user, owner),
            "owner_contribution": "0", "kind": kind if kind in MeasureKind._value2member_map_ else ""}


def measure_values(form: MultiDict) -> dict:
    return {k: form.get(k, "") for k in (*MEASURE_TEXT, *DOG_TEXT)}


def measure_values_from(measure) -> dict:
    values = {k: getattr(measure, k) for k in MEASURE_TEXT}
    values.update(kind=measure.kind.value, installed_on=measure.installed_on.isoformat())
    for key in ("cost", "owner_contribution", "lat", "lon"):
        values[key] = editable_number(values[key])  # in the reader's digits, as the measure's page shows them
    if measure.dog is not None:
        values.update({"dog-name": measure.dog.name, "dog-sex": measure.dog.sex.value,
                       "dog-birth_year": measure.dog.birth_year})
    return values


def measure_data(form: MultiDict, owner, *, kind=None) -> dict:
    """Validate a posted measure form with the API's schema (the kind is fixed when correcting)."""
    data = web_forms.clean(form, MEASURE_TEXT)
    data["owner_id"] = owner.id
    if kind is not None:
        data["kind"] = kind.value
    dog = {k.removeprefix("dog-"): v for k, v in web_forms.clean(form, DOG_TEXT).items()}
    if dog:
        data["dog"] = dog
    return web_forms.load(MeasureCreateSchema(), data)


# The inspection and vaccination forms share a page, so their field names differ from each other's.
INSPECTION_FIELDS = {"inspected_on": "inspected_on", "status": "status", "inspection_notes": "notes"}
VACCINATION_FIELDS = {"vaccine": "kind", "given_on": "given_on", "next_due_on": "next_due_on",
                      "vaccination_notes": "notes"}


def _load_renamed(schema, form: MultiDict, fields: dict) -> dict:
    data = {fields[k]: v for k, v in web_forms.clean(form, fields).items()}
    try:
        return web_forms.load(schema, data)
    except ValidationError as error:
        raise ValidationError(form_errors(error.errors, fields)) from None


def form_errors(errors: dict, fields: dict) -> dict:
    """Errors keyed by the schema's (or an operation's) names, keyed again by the form's field names."""
    back = {schema_name: form_name for form_name, schema_name in fields.items()}
    return {back.get(k, k): v for k, v in errors.items()}


def inspection_defaults(measure) -> dict:
    return {"inspected_on": local_today(measure.owner.office.timezone).isoformat()}


def inspection_data(form: MultiDict) -> dict:
    return _load_renamed(InspectionCreateSchema(), form, INSPECTION_FIELDS)


def vaccination_defaults(measure) -> dict:
    return {"given_on": local_today(measure.owner.office.timezone).isoformat(), "vaccine": VaccineKind.RABIES.value}


def vaccination_data(form: MultiDict) -> dict:
    return _load_renamed(VaccinationCreateSchema(), form, VACCINATION_FIELDS)


def form_values(form: MultiDict, names) -> dict:
    return {k: form.get(k, "") for k in names}
