"""Load and dump schemas for programmes, owners and claims (shared by the API and the web forms)."""

from __future__ import annotations

from flask_babel import lazy_gettext as L_
from marshmallow import ValidationError, fields, post_dump, validate, validates_schema

from claims import rule_changes, zones
from claims.enums import (
    AgeClass,
    Clock,
    Confidence,
    EvidenceSign,
    LossOutcome,
    Predator,
    ProgrammeKind,
    ReportChannel,
    RuleChangeStatus,
    Species,
    TimeOfDay,
    YearCalendar,
)
from claims.permissions import can_see_personal_data, mask
from claims.states import ClaimState
from claims.validation import time_errors
from conflict_service.auth.session import current_user
from conflict_service.i18n import LOCALES
from conflict_service.schemas import (
    BaseSchema,
    PageArgsSchema,
    digits_text,
    enum_field,
    latitude,
    longitude,
    money_field,
    names_field,
    not_in_future,
    page_schema,
    percent_field,
    required_text,
)

LANGUAGE = validate.OneOf(LOCALES, error=L_("Choose one of the supported languages: {choices}."))
PHONE = validate.Regexp(r"^\+?[0-9 ()\-]{5,30}$", error=L_("Use digits, spaces, brackets, dashes and an optional +."))


def _both_or_neither(data, lat_key, lon_key):
    if (data.get(lat_key) is None) != (data.get(lon_key) is None):
        missing = lon_key if data.get(lon_key) is None else lat_key
        raise ValidationError(L_("Give both latitude and longitude, or neither."), missing)


# --- programmes --------------------------------------------------------------------------------------------

class ProgrammeCreateSchema(BaseSchema):
    name = required_text(160, one_line=True)
    names = names_field(160, load_default=dict)
    year_calendar = enum_field(YearCalendar, load_default=None)
    year_start_month = fields.Integer(load_default=1, validate=validate.Range(
        1, 12, error=L_("Must be between {min} and {max}.")))
    kind = enum_field(ProgrammeKind, required=True)
    jurisdiction_id = fields.Integer(required=True)
    currency = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Z]{3}$", error=L_("Use the three-letter ISO 4217 code, for example IRR.")))
    official_language = fields.String(required=True, validate=LANGUAGE)


class ExclusionZones(fields.Raw):
    """GeoJSON polygons (FeatureCollection, Feature, Polygon or MultiPolygon), stored as a FeatureCollection."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return zones.normalise(value)
        except zones.ZoneError as error:
            raise ValidationError(str(error)) from None


def _pct(**kwargs):
    return percent_field(validate=[validate.Range(min=0, max=100, error=L_("Must be between {min} and {max}.")),
                                   _places(3)], **kwargs)


def _places(digits: int):
    def check(value):
        """Trailing zeros do not count ("12.5000" is fine); normalising never raises, where rounding a value of
        more digits than the context holds does (a 10^25 that the range check refuses beside this one)."""
        if value is not None and value.is_finite() and value.normalize().as_tuple().exponent < -digits:
            raise ValidationError(L_("Use at most {digits} decimal places.").format(digits=digits))
    return check


def _money(**kwargs):
    return money_field(validate=[validate.Range(min=0, error=L_("Must not be negative.")),
                                 validate.Range(max=10**15, error=L_("Must be at most {max}."))], **kwargs)


def _days(low: int, high: int, **kwargs):
    return fields.Integer(validate=validate.Range(min=low, max=high, error=L_("Must be between {min} and {max}.")),
                          **kwargs)


def _signs(level: str):
    return fields.List(enum_field(EvidenceSign), metadata={
        "description": f"The signs counted towards a {level} attribution: {', '.join(s.value for s in EvidenceSign)}"})


class ProgrammeRulesSchema(BaseSchema):
    """The rules of DESIGN §5–§6 that a manager may change (percentages as numbers: 25 means 25 %)."""

    report_deadline_days = _days(0, 365)
    report_backdating_days = _days(0, 90, metadata={
        "description": "How many days before filing an owner's earlier report may be dated (DESIGN §5.3)"})
    injured_pct = _pct()
    missing_pct = _pct()
    negligence_pct = _pct()
    noncompliance_pct = _pct()
    mitigation_bonus_pct = _pct()
    coverage_pct = _pct()
    deductible = _money()
    household_annual_cap = _money(allow_none=True)
    dual_approval_threshold = _money(allow_none=True)
    verification_sla_hours = _days(1, 24 * 90)
    decision_sla_days = _days(1, 365)
    payment_sla_days = _days(1, 365)
    confirmation_sla_days = _days(1, 365)
    appeal_days = _days(0, 365)
    max_claims_per_year = _days(1, 1000, allow_none=True)
    min_confidence = enum_field(Confidence)
    covered_predators = fields.List(enum_field(Predator), validate=validate.Length(
        min=1, error=L_("Choose at least one predator.")))
    advance_pct = _pct()
    late_interest_pct_per_year = _pct()
    retaliation_freeze_days = _days(0, 365)
    year_calendar = enum_field(YearCalendar, metadata={
        "description": "Calendar of the programme year (household cap, annual figures, bulletin)"})
    year_start_month = _days(1, 12, metadata={"description": "First month of the programme year in its calendar "
                                                             "(1: January, or Farvardin, i.e. Nowruz)"})
    exclusion_zones = ExclusionZones(allow_none=True, metadata={
        "description": "GeoJSON polygons [lon, lat]; stored as a FeatureCollection; null for none"})
    is_confirmed_carcass_required = fields.Boolean(metadata={
        "description": "A confirmed attribution needs a carcass found at the site"})
    confirmed_signs = _signs("confirmed")
    confirmed_min_signs = _days(0, len(EvidenceSign), metadata={
        "description": "How many of confirmed_signs a confirmed attribution needs"})
    confirmed_min_photos = _days(0, 20, metadata={"description": "How many photos a confirmed attribution needs"})
    is_probable_carcass_required = fields.Boolean(metadata={
        "description": "A probable attribution needs a carcass found at the site"})
    probable_signs = _signs("probable")
    probable_min_signs = _days(0, len(EvidenceSign), metadata={
        "description": "How many of probable_signs a probable attribution needs"})
    probable_min_photos = _days(0, 20, metadata={"description": "How many photos a probable attribution needs"})


class ProgrammeUpdateSchema(ProgrammeRulesSchema):
    name = required_text(160, one_line=True)
    names = names_field(160)
    official_language = fields.String(validate=LANGUAGE)
    is_active = fields.Boolean()
    is_toman_shown = fields.Boolean(metadata={"description": "Show IRR amounts in toman as well (display only)"})


class ProgrammeSchema(ProgrammeRulesSchema):
    id = fields.Integer()
    name = fields.String(metadata={"description": "The official name"})
    names = fields.Dict(keys=fields.String(), values=fields.String())
    local_name = fields.String(metadata={"description": "The name in the caller's language (Accept-Language)"})
    kind = enum_field(ProgrammeKind)
    jurisdiction_id = fields.Integer()
    jurisdiction_code = fields.String(attribute="jurisdiction.code")
    currency = fields.String()
    official_language = fields.String()
    is_active = fields.Boolean()
    is_toman_shown = fields.Boolean()
    covered_predators = fields.List(fields.String())
    exclusion_zones = fields.Raw(allow_none=True)
    confirmed_signs = fields.List(fields.String())
    probable_signs = fields.List(fields.String())

    @post_dump
    def _plain_numbers(self, data, **_kwargs):
        """NUMERIC columns come back padded ("30.000"); show 30 and 12.5 as people write them."""
        for key, value in data.items():
            if isinstance(value, str) and key in _DECIMAL_RULES and "." in value:
                data[key] = value.rstrip("0").rstrip(".")
        return data


_DECIMAL_RULES = frozenset(name for name, f in ProgrammeRulesSchema._declared_fields.items()
                           if isinstance(f, fields.Decimal))


class RuleChangeSchema(BaseSchema):
    """A proposed change of a programme's money rules: ``before`` and ``after`` hold only the rules it changes."""

    id = fields.Integer()
    programme_id = fields.Integer()
    status = enum_field(RuleChangeStatus)
    before = fields.Dict()
    after = fields.Dict()
    proposed_by = fields.String(attribute="proposed_by.username")
    proposed_at = fields.AwareDateTime()
    decided_by = fields.String(attribute="decided_by.username", allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    note = fields.String()


class ProgrammeUpdatedSchema(ProgrammeSchema):
    """The programme after a change: money rules changed by it wait in ``pending_rule_changes``."""

    pending_rule_changes = fields.Method("_pending")

    def _pending(self, programme):
        return RuleChangeSchema(many=True).dump(rule_changes.pending(programme))


class RuleChangeRefuseSchema(BaseSchema):
    note = fields.String(load_default="", validate=validate.Length(max=2000))


# --- owners ------------------------------------------------------------------------------------------------

class HerdEntrySchema(BaseSchema):
    species = enum_field(Species, required=True)
    head_count = fields.Integer(required=True, validate=validate.Range(min=0, error=L_("Must not be negative.")))
    counted_on = fields.Date(required=True, validate=not_in_future)


class HerdCountCreateSchema(HerdEntrySchema):
    """A new dated count of one species; with ``corrects_id``, the correction of a mistyped count (``note`` says
    why)."""

    corrects_id = fields.Integer(load_default=None, allow_none=True, metadata={
        "description": "The id of the mistyped count this one corrects (same species); it then no longer counts."})
    note = fields.String(load_default="", validate=validate.Length(max=2000, error=L_("At most {max} characters.")))


class HerdCountSchema(BaseSchema):
    id = fields.Integer()
    species = enum_field(Species)
    head_count = fields.Integer()
    counted_on = fields.Date()
    recorded_at = fields.AwareDateTime()
    recorded_by = fields.String(attribute="recorded_by.username", allow_none=True)
    corrects_id = fields.Integer(allow_none=True)
    corrected_by_id = fields.Function(lambda h: h.corrected_by.id if h.corrected_by else None, metadata={
        "type": "integer", "nullable": True, "description": "The count that corrects this one (it no longer counts)."})
    note = fields.String()


class HerdQuerySchema(BaseSchema):
    on = fields.Date(load_default=None, metadata={"description": "The day whose counts in force are wanted "
                                                                 "(default: the latest counts)."})


class HerdSchema(BaseSchema):
    owner_id = fields.Integer()
    on = fields.Date(allow_none=True)
    in_force = fields.List(fields.Nested(HerdCountSchema), metadata={
        "description": "Per species, the count the checks use on that day: the latest valid count made on or before "
                       "it, or the first one made after it for a herd first counted later."})
    history = fields.List(fields.Nested(HerdCountSchema), metadata={
        "description": "Every count ever recorded, per species and date, corrected ones included."})


class OwnerCreateSchema(BaseSchema):
    name = required_text(160, one_line=True)
    national_id = digits_text(40, allow_none=True, load_default=None)
    phone = digits_text(30, allow_none=True, load_default=None, validate=PHONE)
    village = required_text(120, one_line=True)
    office_id = fields.Integer(required=True)
    home_lat = latitude(allow_none=True, load_default=None)
    home_lon = longitude(allow_none=True, load_default=None)
    preferred_language = fields.String(load_default=None, allow_none=True, validate=LANGUAGE, metadata={
        "description": "Default: the official language of the programme nearest to the office"})
    herd = fields.List(fields.Nested(HerdEntrySchema), load_default=list)
    another_household = fields.Boolean(load_default=False, metadata={
        "description": "An owner of the same name in the same village, or with the same national ID, at your offices "
                       "is refused (422, naming them) as possibly the same household registered twice, when "
                       "registering and when a correction changes the name, village or ID; true saves anyway, as "
                       "another household"})

    @validates_schema(skip_on_field_errors=False)
    def _location(self, data, **_kwargs):
        _both_or_neither(data, "home_lat", "home_lon")


class OwnerSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    national_id = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    village = fields.String()
    office_id = fields.Integer()
    office_code = fields.String(attribute="office.code")
    home_lat = fields.Float(allow_none=True)
    home_lon = fields.Float(allow_none=True)
    preferred_language = fields.String()
    herd = fields.List(fields.Nested(HerdEntrySchema))
    created_at = fields.AwareDateTime()

    @post_dump
    def _mask_personal(self, data, **_kwargs):
        if not can_see_personal_data(current_user()):
            data["national_id"], data["phone"] = mask(data.get("national_id")), mask(data.get("phone"))
        return data


class OwnerMergeSchema(BaseSchema):
    into = fields.Integer(required=True, error_messages={
        "required": L_("Choose the record to keep, or give its number."),
        "invalid": L_("Give the record's number in digits, as its page shows it.")}, metadata={
        "description": "The owner record to keep, of the same country: the merged record's claims, herd counts, "
                       "awards, policies, measures, memberships, consent and messages move to it, its missing "
                       "national ID, phone and home location are filled in, and the merged record is removed"})
    reason = required_text(1000, error_messages={"required": L_("Say why these records are one household.")},
                           metadata={"description": "Why the two records are one household"})


class OwnerQuerySchema(PageArgsSchema):
    q = digits_text(100, load_default=None)
    office_id = fields.Integer(load_default=None)
    village = fields.String(load_default=None, validate=validate.Length(max=120))


OwnerPageSchema = page_schema(OwnerSchema, "OwnerPageSchema")


# --- claims ------------------------------------------------------------------------------------------------

class LossLineSchema(BaseSchema):
    species = enum_field(Species, required=True)
    age_class = enum_field(AgeClass, required=True)
    outcome = enum_field(LossOutcome, required=True)
    count = fields.Integer(required=True, validate=validate.Range(
        min=1, max=10000, error=L_("The count must be between {min} and {max}.")))


class ClaimCreateSchema(BaseSchema):
    owner_id = fields.Integer(required=True)
    programme_id = fields.Integer(required=True)
    office_id = fields.Integer(load_default=None)
    incident_at = fields.AwareDateTime(load_default=None, allow_none=True, metadata={
        "description": "When it happened. Leave it out (or null) when only the day is known, and give incident_date."})
    incident_date = fields.Date(load_default=None, metadata={
        "description": "The day it happened at the office, when the time is not known (the time stays unknown)."})
    incident_lat = latitude(allow_none=True, load_default=None)
    incident_lon = longitude(allow_none=True, load_default=None)
    incident_village = required_text(120, one_line=True)
    time_of_day = enum_field(TimeOfDay, required=True)
    is_in_corral = fields.Boolean(load_default=False)
    is_herder_present = fields.Boolean(load_default=False)
    is_guard_dog_present = fields.Boolean(load_default=False)
    narrative = fields.String(load_default="", validate=validate.Length(
        max=5000, error=L_("Use at most {max} characters.")))
    reported_at = fields.AwareDateTime(load_default=None, metadata={
        "description": "When the owner first reported the loss (DESIGN §5.3); leave it out when the owner reports "
                       "now. An earlier report may precede filing by at most the programme's report_backdating_days "
                       "and counts for the late-report step."})
    report_channel = enum_field(ReportChannel, load_default=None, metadata={
        "description": "How the owner reported: at the office (the default), by phone, to a ranger, on a paper "
                       "form or in an offline field record."})
    lines = fields.List(fields.Nested(LossLineSchema), required=True, validate=validate.Length(
        min=1, max=20, error=L_("Give between {min} and {max} loss lines.")))

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _checks(self, data, original, partial=None, **_kwargs):
        errors = time_errors(data.get("incident_at"), data.get("reported_at"), incident_date=data.get("incident_date"))
        given = isinstance(original, dict) and (original.get("incident_at") or original.get("incident_date"))
        if not partial and not given:
            errors.setdefault("incident_at", [L_("Give the date and time of the incident, or its date alone when "
                                                 "the time is not known.")])
        lines = [line for line in data.get("lines") or [] if isinstance(line, dict)]
        keys = [(line.get("species"), line.get("age_class"), line.get("outcome")) for line in lines]
        if len(keys) != len(set(keys)):
            errors["lines"] = [L_("Two lines have the same species, age class and outcome; combine them.")]
        if (data.get("incident_lat") is None) != (data.get("incident_lon") is None):
            missing = "incident_lon" if data.get("incident_lon") is None else "incident_lat"
            errors[missing] = [L_("Give both latitude and longitude, or neither.")]
        if errors:
            raise ValidationError(errors)


class LossLineOutSchema(LossLineSchema):
    id = fields.Integer()


class OwnerBriefSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    village = fields.String()


class ClaimSchema(BaseSchema):
    id = fields.Integer()
    number = fields.String()
    status = enum_field(ClaimState)
    status_changed_at = fields.AwareDateTime()
    owner = fields.Nested(OwnerBriefSchema)
    programme_id = fields.Integer()
    programme_name = fields.String(attribute="programme.name")
    currency = fields.String(attribute="programme.currency")
    office_id = fields.Integer()
    office_code = fields.String(attribute="office.code")
    filed_by_id = fields.Integer()
    incident_at = fields.AwareDateTime(allow_none=True, metadata={"description": "null when the time is not known"})
    incident_date = fields.Date()
    incident_lat = fields.Float(allow_none=True)
    incident_lon = fields.Float(allow_none=True)
    incident_village = fields.String()
    time_of_day = enum_field(TimeOfDay)
    is_in_corral = fields.Boolean()
    is_herder_present = fields.Boolean()
    is_guard_dog_present = fields.Boolean()
    narrative = fields.String()
    reported_at = fields.AwareDateTime()
    reported_date = fields.Date(dump_only=True, metadata={
        "description": "The office's day of the report: what the late-report step counts to"})
    report_channel = enum_field(ReportChannel)
    filed_at = fields.AwareDateTime()
    verification_due_at = fields.AwareDateTime(allow_none=True)
    is_verification_overdue = fields.Boolean(dump_only=True)
    due_clock = enum_field(Clock, allow_none=True, metadata={
        "description": "The stage the claim waits for (DESIGN §6); null once it is closed."})
    due_at = fields.AwareDateTime(allow_none=True, metadata={"description": "When the current stage is due."})
    is_overdue = fields.Boolean(dump_only=True, metadata={"description": "The current stage is past its due time."})
    assigned_verifier_id = fields.Integer(allow_none=True)
    appealed_at = fields.AwareDateTime(allow_none=True)
    lines = fields.List(fields.Nested(LossLineOutSchema))


class ClaimCreatedSchema(ClaimSchema):
    pin = fields.String(metadata={"description": "Short PIN for the public status page; print it on the receipt."})


class ClaimQuerySchema(PageArgsSchema):
    status = fields.List(enum_field(ClaimState), load_default=None)
    office_id = fields.Integer(load_default=None)
    programme_id = fields.Integer(load_default=None)
    owner_id = fields.Integer(load_default=None)
    incident_from = fields.Date(load_default=None)
    incident_to = fields.Date(load_default=None)
    q = digits_text(100, load_default=None)
    overdue = fields.Boolean(load_default=None, metadata={
        "description": "true: only claims whose current stage is past its due time; false: all others."})
    clock = enum_field(Clock, load_default=None, metadata={
        "description": "Only claims whose current stage is this one (with overdue: overdue at this stage)."})
    carcass_left = fields.Boolean(load_default=None, metadata={
        "description": "true: only claims with a carcass left in place whose disposal is not recorded (poisoning "
                       "risk); false: all others."})

    @validates_schema(skip_on_field_errors=False)
    def _range(self, data, **_kwargs):
        start, end = data.get("incident_from"), data.get("incident_to")
        if start and end and start > end:
            raise ValidationError(L_("The end of the range is before its start."), "incident_to")


ClaimPageSchema = page_schema(ClaimSchema, "ClaimPageSchema")


class WithdrawSchema(BaseSchema):
    reason = required_text(1000)
