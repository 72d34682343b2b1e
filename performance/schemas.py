"""Load and dump schemas of communities, contracts, periods, imports and observations (API, forms and CLI)."""

from __future__ import annotations

from flask_babel import lazy_gettext as L_
from marshmallow import fields, validate

from conflict_service.schemas import (
    BaseSchema,
    PageArgsSchema,
    enum_field,
    money_field,
    optional_text,
    page_schema,
    percent_field,
    required_text,
)
from payouts.enums import PaymentMethod, PaymentStatus
from payouts.schemas import MoneyString
from performance.enums import Distribution, Fallback, Forfeiture, Indicator, PeriodStatus, Review

POSITIVE = validate.Range(min=1, max=1000, error=L_("Must be between {min} and {max}."))


class CommunityCreateSchema(BaseSchema):
    programme_id = fields.Integer(required=True)
    name = required_text(160, one_line=True)
    jurisdiction_id = fields.Integer(required=True)
    area = fields.Dict(required=True, metadata={"description": "GeoJSON polygons: the community's area"})
    account_name = optional_text(160, one_line=True, load_default="")
    account_method = enum_field(PaymentMethod, required=True)
    account_number = optional_text(60, one_line=True, load_default=None)
    member_ids = fields.List(fields.Integer(), load_default=list)


class CommunityMemberSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()


class CommunitySchema(BaseSchema):
    id = fields.Integer()
    programme_id = fields.Integer()
    name = fields.String()
    jurisdiction_id = fields.Integer()
    area = fields.Dict()
    account_name = fields.String()
    account_method = enum_field(PaymentMethod)
    members = fields.List(fields.Nested(CommunityMemberSchema))


class ContractTermsSchema(BaseSchema):
    indicator = enum_field(Indicator, required=True)
    rate = money_field(required=True)
    cap = money_field(load_default=None, allow_none=True)
    forfeiture = enum_field(Forfeiture, required=True)
    forfeit_pct = percent_field(load_default=None, allow_none=True)
    fallback = enum_field(Fallback, required=True)
    fallback_periods = fields.Integer(load_default=3, validate=POSITIVE)
    distribution = enum_field(Distribution, required=True)


class ContractCreateSchema(ContractTermsSchema):
    community_id = fields.Integer(required=True)
    starts_on = fields.Date(required=True)
    period_months = fields.Integer(required=True, validate=validate.Range(
        min=1, max=60, error=L_("Must be between {min} and {max}.")))
    period_count = fields.Integer(required=True, validate=validate.Range(
        min=1, max=120, error=L_("Must be between {min} and {max}.")))


class ContractTermsChangeSchema(BaseSchema):
    """The money terms to change; those not given stay as they are."""

    indicator = enum_field(Indicator)
    rate = money_field()
    cap = money_field(allow_none=True)
    forfeiture = enum_field(Forfeiture)
    forfeit_pct = percent_field(allow_none=True)
    fallback = enum_field(Fallback)
    fallback_periods = fields.Integer(validate=POSITIVE)
    distribution = enum_field(Distribution)


class PeriodSchema(BaseSchema):
    id = fields.Integer()
    number = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date(metadata={"description": "exclusive: the day after the period's last day"})
    status = enum_field(PeriodStatus)
    units = fields.Decimal(as_string=True, allow_none=True)
    is_fallback = fields.Boolean()
    total = fields.Decimal(as_string=True, allow_none=True)
    approved_at = fields.DateTime(allow_none=True)


class ContractSchema(BaseSchema):
    id = fields.Integer()
    community = fields.Nested(CommunitySchema)
    starts_on = fields.Date()
    period_months = fields.Integer()
    period_count = fields.Integer()
    indicator = enum_field(Indicator)
    rate = fields.Decimal(as_string=True)
    cap = fields.Decimal(as_string=True, allow_none=True)
    forfeiture = enum_field(Forfeiture)
    forfeit_pct = fields.Decimal(as_string=True)
    fallback = enum_field(Fallback)
    fallback_periods = fields.Integer()
    distribution = enum_field(Distribution)
    currency = fields.String()
    is_pending = fields.Boolean()
    periods = fields.List(fields.Nested(PeriodSchema))


ContractPageSchema = page_schema(ContractSchema, "ContractPageSchema")


class ContractChangeSchema(BaseSchema):
    id = fields.Integer()
    contract_id = fields.Integer()
    before = fields.Dict()
    after = fields.Dict()
    is_confirmed = fields.Boolean(allow_none=True)


class ChangeDecisionSchema(BaseSchema):
    confirm = fields.Boolean(required=True)


class PeriodLineSchema(BaseSchema):
    step = fields.String()
    code = fields.String()
    amount = fields.String(allow_none=True)
    params = fields.Dict()
    text = fields.String(metadata={"description": "the line in the reader's language"})


class MemberShareSchema(BaseSchema):
    owner_id = fields.Integer()
    name = fields.String()
    amount = fields.String()


class PeriodPaymentSchema(BaseSchema):
    id = fields.Integer()
    reference = fields.String()
    part = fields.Integer(attribute="subject_part", metadata={
        "description": "0: the lump sum to the community; else the owner id of the member paid"})
    payee_name = fields.String()
    amount = MoneyString()
    currency = fields.String()
    status = enum_field(PaymentStatus)
    batch_id = fields.Integer(allow_none=True)
    paid_at = fields.AwareDateTime(allow_none=True)
    failure_reason = fields.String(allow_none=True)


class PeriodAssessmentSchema(BaseSchema):
    period = fields.Nested(PeriodSchema)
    currency = fields.String()
    units = fields.String()
    total = fields.String()
    is_fallback = fields.Boolean()
    monitoring_failed = fields.Boolean()
    is_frozen = fields.Boolean(metadata={"description": "true once approved: the breakdown frozen then"})
    lines = fields.List(fields.Nested(PeriodLineSchema))
    shares = fields.List(fields.Nested(MemberShareSchema))
    payments = fields.List(fields.Nested(PeriodPaymentSchema), metadata={
        "description": "the period's payments through payment batches, cancelled and failed ones included"})


class ContractQuerySchema(PageArgsSchema):
    programme_id = fields.Integer(load_default=None)


class CameraImportSchema(BaseSchema):
    id = fields.Integer()
    programme_id = fields.Integer()
    package_name = fields.String()
    filename = fields.String()
    imported_at = fields.DateTime()
    deployments = fields.Integer()
    linked = fields.Integer()
    observations = fields.Integer()


class ObservationSchema(BaseSchema):
    id = fields.Integer()
    observation_id = fields.String()
    deployment_id = fields.String(attribute="deployment.deployment_id")
    contract_id = fields.Integer(attribute="deployment.contract_id", allow_none=True)
    event_start = fields.DateTime()
    scientific_name = fields.String()
    count = fields.Integer(allow_none=True)
    life_stage = fields.String(allow_none=True)
    individual_id = fields.String(allow_none=True)
    review = enum_field(Review)
    verified_count = fields.Integer(allow_none=True)
    verified_individual = fields.String(allow_none=True)
    is_young = fields.Boolean(allow_none=True)


ObservationPageSchema = page_schema(ObservationSchema, "ObservationPageSchema")


class ObservationQuerySchema(PageArgsSchema):
    review = enum_field(Review, load_default=Review.PENDING)


class ObservationReviewSchema(BaseSchema):
    review = enum_field(Review, required=True)
    count = fields.Integer(load_default=None, allow_none=True, validate=POSITIVE)
    individual_id = optional_text(120, one_line=True, load_default=None)
    is_young = fields.Boolean(load_default=None, allow_none=True)
    note = optional_text(2000, load_default="")
