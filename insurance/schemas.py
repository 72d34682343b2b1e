"""Load and dump schemas of insurance (shared by the API, the web forms and the CLI)."""

from __future__ import annotations

from flask_babel import lazy_gettext as L_
from marshmallow import fields, validate

from claims.enums import Species
from conflict_service.schemas import (
    BaseSchema,
    PageArgsSchema,
    enum_field,
    money_field,
    names_field,
    optional_text,
    page_schema,
)
from conflict_service.schemas import required_text as _required_text
from insurance.enums import Account, PolicyStatus, TransactionKind
from payouts.enums import PaymentMethod
from payouts.schemas import AMOUNT, ID, MoneyString

HEADS = validate.Range(min=1, max=1_000_000, error=L_("Must be between {min} and {max}."))


# --- seasons and premium rates ----------------------------------------------------------------------------------

class SeasonCreateSchema(BaseSchema):
    name = _required_text(60, metadata={"description": "e.g. 2026 or Summer pastures 2026 (the official name)"})
    names = names_field(60, load_default=dict)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class SeasonUpdateSchema(BaseSchema):
    """A rename: the official name and the names per language (``names`` replaces the whole map); loaded with
    ``partial=True``, what is left out stays as it is."""

    name = _required_text(60)
    names = names_field(60)


class SeasonSchema(BaseSchema):
    id = fields.Integer()
    scheme_id = fields.Integer(attribute="programme_id")
    name = fields.String()
    names = fields.Dict(keys=fields.String(), values=fields.String())
    local_name = fields.String(metadata={"description": "The name in the caller's language, else the official one"})
    starts_on = fields.Date()
    ends_on = fields.Date()
    created_at = fields.AwareDateTime()


class PremiumRateEntrySchema(BaseSchema):
    species = enum_field(Species, required=True)
    amount = money_field(required=True, validate=AMOUNT, metadata={"description": "Premium per insured head"})
    valid_from = fields.Date(required=True, metadata={"description": "Applies to enrolments from this date on"})


class PremiumRateVersionEntrySchema(PremiumRateEntrySchema):
    amount = MoneyString()


class PremiumRateInForceSchema(PremiumRateVersionEntrySchema):
    version = fields.Integer()


class PremiumTableCreateSchema(BaseSchema):
    entries = fields.List(fields.Nested(PremiumRateEntrySchema), required=True)
    note = optional_text(500)


class PremiumTableSchema(BaseSchema):
    version = fields.Integer()
    recorded_at = fields.AwareDateTime()
    recorded_by = fields.String(attribute="recorded_by.username", allow_none=True)
    source = fields.String()
    note = fields.String()
    entries = fields.List(fields.Nested(PremiumRateVersionEntrySchema))


class PremiumRatesSchema(BaseSchema):
    season_id = fields.Integer()
    currency = fields.String()
    on = fields.Date(metadata={"description": "The enrolment date the rates in force apply to"})
    in_force = fields.List(fields.Nested(PremiumRateInForceSchema))
    versions = fields.List(fields.Nested(PremiumTableSchema))


class OnDateQuerySchema(BaseSchema):
    on = fields.Date(load_default=None)


# --- schemes and the fund ---------------------------------------------------------------------------------------

class FundSchema(BaseSchema):
    currency = fields.String()
    held = MoneyString(metadata={"description": "All the money the fund holds: available plus reserved"})
    available = MoneyString(metadata={"description": "Free to reserve for approved claims"})
    reserved = MoneyString(metadata={"description": "Reserved for approved claims until their payment is confirmed"})
    premiums = MoneyString()
    contributions = MoneyString()
    payouts = MoneyString()
    awaiting_count = fields.Integer(metadata={"description": "Approved claims waiting for money"})
    awaiting_total = MoneyString()
    postings = fields.Integer()


class SchemeSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    jurisdiction_id = fields.Integer()
    currency = fields.String()
    is_active = fields.Boolean()
    coverage_pct = MoneyString()
    deductible = MoneyString()
    seasons = fields.List(fields.Nested(SeasonSchema))
    fund = fields.Nested(FundSchema, allow_none=True)


# --- policies ---------------------------------------------------------------------------------------------------

class PolicyLineCreateSchema(BaseSchema):
    species = enum_field(Species, required=True)
    head_count = fields.Integer(required=True, validate=HEADS)


class PolicyCreateSchema(BaseSchema):
    owner_id = fields.Integer(required=True, validate=ID)
    season_id = fields.Integer(required=True, validate=ID)
    agreement_signed_on = fields.Date(required=True, metadata={
        "description": "The day the owner signed the no-poaching agreement"})
    enrolled_on = fields.Date(load_default=None, metadata={
        "description": "The day the owner enrolled; leave it out for today. An earlier day (a paper enrolment typed "
                       "in later) falls within the season and needs paper_reference; such an enrolment may be typed "
                       "in up to the scheme's report_backdating_days after the season's end. Cover starts on it."})
    paper_reference = optional_text(120, one_line=True, metadata={
        "description": "The reference of the paper enrolment form, for an enrolment dated before today"})
    lines = fields.List(fields.Nested(PolicyLineCreateSchema), required=True, validate=validate.Length(
        min=1, max=len(Species), error=L_("Insure between {min} and {max} species.")))


class PolicyLineSchema(BaseSchema):
    species = enum_field(Species)
    head_count = fields.Integer()
    rate = MoneyString()
    premium = MoneyString()


class PolicySchema(BaseSchema):
    id = fields.Integer(attribute="policy.id")
    number = fields.String(attribute="policy.number")
    scheme_id = fields.Integer(attribute="policy.programme_id")
    scheme = fields.String(attribute="policy.season.programme.name")
    season_id = fields.Integer(attribute="policy.season_id")
    season = fields.String(attribute="policy.season.name")
    owner_id = fields.Integer(attribute="policy.owner_id")
    owner = fields.String(attribute="policy.owner.name")
    village = fields.String(attribute="policy.owner.village")
    office_id = fields.Integer(attribute="policy.office_id")
    enrolled_on = fields.Date(attribute="policy.enrolled_on")
    enrolled_by = fields.String(attribute="policy.enrolled_by.username")
    enrolled_at = fields.AwareDateTime(attribute="policy.enrolled_at", metadata={
        "description": "When the enrolment was typed in"})
    paper_reference = fields.String(attribute="policy.paper_reference", allow_none=True)
    agreement_signed_on = fields.Date(attribute="policy.agreement_signed_on")
    cover_from = fields.Date(attribute="policy.cover_from")
    cover_to = fields.Date(attribute="policy.cover_to")
    status = enum_field(PolicyStatus)
    currency = fields.String(attribute="policy.season.programme.currency")
    premium_due = MoneyString(attribute="policy.premium_due")
    premium_paid = MoneyString(attribute="paid")
    arrears = MoneyString()
    violation_on = fields.Date(attribute="policy.violation_on", allow_none=True)
    violation_note = fields.String(attribute="policy.violation_note", allow_none=True)
    lines = fields.List(fields.Nested(PolicyLineSchema), attribute="policy.lines")


class PolicyQuerySchema(PageArgsSchema):
    scheme_id = fields.Integer(load_default=None, validate=ID)
    season_id = fields.Integer(load_default=None, validate=ID)
    owner_id = fields.Integer(load_default=None, validate=ID)
    village = fields.String(load_default=None, validate=validate.Length(max=120))
    in_arrears = fields.Boolean(load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(max=100))


PolicyPageSchema = page_schema(PolicySchema, "PolicyPageSchema")


class ViolationSchema(BaseSchema):
    occurred_on = fields.Date(required=True)
    note = _required_text(2000, metadata={"description": "What the village committee confirmed"})


# --- premiums ---------------------------------------------------------------------------------------------------

class PremiumCreateSchema(BaseSchema):
    policy_id = fields.Integer(required=True, validate=ID)
    amount = money_field(required=True, validate=AMOUNT)
    paid_on = fields.Date(required=True)
    method = enum_field(PaymentMethod, required=True)
    reference = optional_text(120, metadata={"description": "Bank or mobile-money reference, if any"})


class PremiumSchema(BaseSchema):
    id = fields.Integer()
    policy_id = fields.Integer()
    policy_number = fields.String(attribute="policy.number")
    owner = fields.String(attribute="policy.owner.name")
    receipt_number = fields.String()
    amount = MoneyString()
    currency = fields.String()
    paid_on = fields.Date()
    method = enum_field(PaymentMethod)
    reference = fields.String(allow_none=True)
    recorded_at = fields.AwareDateTime()
    recorded_by = fields.String(attribute="recorded_by.username")


class PremiumQuerySchema(PageArgsSchema):
    policy_id = fields.Integer(load_default=None, validate=ID)
    scheme_id = fields.Integer(load_default=None, validate=ID)


PremiumPageSchema = page_schema(PremiumSchema, "PremiumPageSchema")


# --- ledger -----------------------------------------------------------------------------------------------------

class ContributionCreateSchema(BaseSchema):
    amount = money_field(required=True, validate=AMOUNT)
    received_on = fields.Date(required=True)
    donor = _required_text(160)
    reference = optional_text(120)
    season_id = fields.Integer(load_default=None, validate=ID, metadata={
        "description": "The season the money is booked to (default: the current season)"})
    note = optional_text(500)


class CorrectionSchema(BaseSchema):
    reason = _required_text(500, metadata={"description": "Why the posting is reversed"})


class EntrySchema(BaseSchema):
    account = enum_field(Account)
    amount = MoneyString(metadata={"description": "Debit positive, credit negative"})


class TransactionSchema(BaseSchema):
    seq = fields.Integer(metadata={"description": "The posting's number in the fund's journal"})
    kind = enum_field(TransactionKind)
    season_id = fields.Integer()
    occurred_on = fields.Date()
    recorded_at = fields.AwareDateTime()
    recorded_by = fields.String(attribute="recorded_by.username", allow_none=True)
    amount = MoneyString()
    memo = fields.String()
    donor = fields.String(allow_none=True)
    reference = fields.String(allow_none=True)
    reverses_id = fields.Integer(allow_none=True)
    claim_id = fields.Integer(allow_none=True)
    policy_id = fields.Integer(allow_none=True)
    payment_id = fields.Integer(allow_none=True)
    entries = fields.List(fields.Nested(EntrySchema))


class LedgerQuerySchema(PageArgsSchema):
    season_id = fields.Integer(load_default=None, validate=ID)


TransactionPageSchema = page_schema(TransactionSchema, "TransactionPageSchema")


# --- statement --------------------------------------------------------------------------------------------------

class VillageSchema(BaseSchema):
    village = fields.String()
    policies = fields.Integer()
    insured_head = fields.Dict(keys=fields.String(), values=fields.Integer(), attribute="head_by_value")
    premium_due = MoneyString()
    premium_paid = MoneyString()
    arrears = MoneyString()


class ArrearsSchema(BaseSchema):
    policy_id = fields.Integer(attribute="policy.id")
    policy = fields.String(attribute="policy.number")
    owner = fields.String(attribute="policy.owner.name")
    village = fields.String(attribute="policy.owner.village")
    premium_due = MoneyString(attribute="policy.premium_due")
    premium_paid = MoneyString(attribute="paid")
    arrears = MoneyString()


class AwaitingSchema(BaseSchema):
    claim_id = fields.Integer(attribute="claim.id")
    number = fields.String(attribute="claim.number")
    owner = fields.String(attribute="claim.owner.name")
    amount = MoneyString(attribute="award.total")
    approved_at = fields.AwareDateTime(attribute="award.approved_at")


class FundStatementSchema(BaseSchema):
    scheme_id = fields.Integer(attribute="scheme.id")
    scheme = fields.String(attribute="scheme.name")
    season = fields.Nested(SeasonSchema)
    currency = fields.String()
    opening = MoneyString()
    premiums = MoneyString()
    contributions = MoneyString()
    payouts = MoneyString()
    closing = MoneyString()
    reserved = MoneyString(metadata={"description": "Of the closing balance, reserved for approved claims"})
    available = MoneyString()
    loss_ratio_pct = fields.String(attribute="loss_ratio", allow_none=True, metadata={
        "description": "Payouts ÷ premiums received in the season, in percent (null before any premium)"})
    premiums_due = MoneyString()
    arrears_total = MoneyString()
    policy_count = fields.Integer()
    awaiting_total = MoneyString()
    enrolment = fields.List(fields.Nested(VillageSchema))
    arrears = fields.List(fields.Nested(ArrearsSchema))
    awaiting = fields.List(fields.Nested(AwaitingSchema))
