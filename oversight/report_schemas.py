"""Schemas of the oversight reports: their query arguments (API, pages, CSV) and their rows."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from marshmallow import ValidationError, fields, validate, validates_schema

from conflict_service.schemas import BaseSchema, money_field
from oversight.reports import DEADLINE_GROUPS, DIMENSIONS, Filters

PAYMENT_KINDS = ("compensation", "performance")


class GroupBy(fields.String):
    """A comma-separated list of dimensions (``region,month``), each allowed once."""

    def __init__(self, allowed, **kwargs):
        super().__init__(**kwargs)
        self.allowed = tuple(allowed)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        names = [part.strip() for part in text.split(",") if part.strip()]
        unknown = [n for n in names if n not in self.allowed]
        if unknown:
            raise ValidationError(_("Unknown dimension: {names}. Choose from: {allowed}.").format(
                names=", ".join(unknown), allowed=", ".join(self.allowed)))
        if len(set(names)) != len(names):
            raise ValidationError(_("Each dimension may be given once."))
        return names


class FilterSchema(BaseSchema):
    programme_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1, error=L_(
        "Must be between {min} and {max}.")), metadata={"description": "Only this programme."})
    start = fields.Date(data_key="from", load_default=None, metadata={
        "description": "From this date (UTC), inclusive: of payment, of verification, or of the payment."})
    end = fields.Date(data_key="to", load_default=None, metadata={"description": "To this date (UTC), inclusive."})

    @validates_schema(skip_on_field_errors=True)
    def _range(self, data, **_kwargs):
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(L_("The end of the range is before its start."), "to")


def filters(args: dict) -> Filters:
    return Filters(programme_id=args.get("programme_id"), start=args.get("start"), end=args.get("end"))


class PayoutQuerySchema(FilterSchema):
    group_by = GroupBy(DIMENSIONS, load_default=lambda: ["programme"], metadata={
        "description": "Comma-separated: " + ", ".join(DIMENSIONS) + ". Currency is always a dimension."})
    payments = fields.String(load_default="compensation", validate=validate.OneOf(
        PAYMENT_KINDS, error=L_("Choose one of: {choices}.")), metadata={
        "description": "compensation (claims' payments, the default) or performance (conservation-performance "
                       "periods' payments, never counted with compensation; predator and species read empty)"})


class DeadlineQuerySchema(FilterSchema):
    group_by = GroupBy(DEADLINE_GROUPS, load_default=list, metadata={
        "description": "Besides the programme, optionally: region, month (of the step's end)."})


class PayoutRowSchema(BaseSchema):
    region = fields.String(metadata={"description": "Region code (when grouped by region)."})
    region_name = fields.String()
    office = fields.String(metadata={"description": "Office code (when grouped by office)."})
    office_name = fields.String()
    programme = fields.Integer(metadata={"description": "Programme id (when grouped by programme)."})
    programme_name = fields.String()
    month = fields.String(metadata={"description": "YYYY-MM of the payment (UTC)."})
    predator = fields.String(allow_none=True, metadata={"description": "Attributed at the latest site visit."})
    species = fields.String(allow_none=True, metadata={
        "description": "Verified species; a payment is split across species in proportion to verified head."})
    currency = fields.String()
    claims = fields.Integer(metadata={"description": "Claims paid (compensation rows)."})
    periods = fields.Integer(metadata={"description": "Performance periods paid (performance rows)."})
    amount = money_field()


class PayoutReportSchema(BaseSchema):
    group_by = fields.List(fields.String())
    payments = fields.String(metadata={"description": "compensation or performance: what the rows count"})
    rows = fields.List(fields.Nested(PayoutRowSchema))


class StepSchema(BaseSchema):
    count = fields.Integer()
    median = fields.Decimal(as_string=True, allow_none=True)
    p90 = fields.Decimal(as_string=True, allow_none=True)
    within = fields.Integer(metadata={"description": "How many met the deadline."})
    share_within = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "0 to 1."})
    limit = fields.Integer(allow_none=True, metadata={"description": "The programme's deadline."})
    open_late = fields.Integer(metadata={
        "description": "Open claims already past this step's deadline: counted as late (not within)."})


class DeadlineRowSchema(BaseSchema):
    programme = fields.Integer()
    programme_name = fields.String()
    region = fields.String()
    region_name = fields.String()
    month = fields.String()
    verification = fields.Nested(StepSchema, metadata={
        "description": "Hours from filing to the first site-visit record; limit: verification_sla_hours."})
    decision = fields.Nested(StepSchema, metadata={
        "description": "Days from the confirming site visit to the final decision; limit: decision_sla_days."})
    payment = fields.Nested(StepSchema, metadata={
        "description": "Days from final approval to the confirmed final payment; limit: payment_sla_days (open late "
                       "items include sent payments past confirmation_sla_days)."})


class DeadlineReportSchema(BaseSchema):
    group_by = fields.List(fields.String())
    rows = fields.List(fields.Nested(DeadlineRowSchema))


class LiabilityRowSchema(BaseSchema):
    programme = fields.Integer()
    programme_name = fields.String()
    currency = fields.String()
    claims = fields.Integer()
    amount = money_field(metadata={"description": "Approved amounts less confirmed payments."})
    oldest = fields.AwareDateTime(metadata={"description": "The oldest approval still unpaid."})


class LiabilityReportSchema(BaseSchema):
    rows = fields.List(fields.Nested(LiabilityRowSchema))


class PaidCellSchema(BaseSchema):
    currency = fields.String()
    claims = fields.Integer(allow_none=True)
    amount = fields.Decimal(as_string=True, allow_none=True)


class TransparencyRowSchema(BaseSchema):
    region = fields.String()
    region_name = fields.String()
    month = fields.String()
    claims_filed = fields.Integer(allow_none=True)
    verified_animals = fields.Integer(allow_none=True)
    paid = fields.List(fields.Nested(PaidCellSchema))
    median_days_to_payment = fields.Decimal(as_string=True, allow_none=True)
    suppressed = fields.List(fields.String(), metadata={
        "description": "Figures withheld because they rest on fewer than min_claims claims."})


class PerformancePaidCellSchema(BaseSchema):
    currency = fields.String()
    communities = fields.Integer()
    periods = fields.Integer()
    amount = fields.Decimal(as_string=True, allow_none=True)


class PerformanceTransparencyRowSchema(BaseSchema):
    region = fields.String()
    region_name = fields.String()
    year = fields.String()
    paid = fields.List(fields.Nested(PerformancePaidCellSchema))
    suppressed = fields.List(fields.String(), metadata={
        "description": "Amounts withheld because they rest on fewer than min_claims member households."})


class TransparencySchema(BaseSchema):
    min_claims = fields.Integer()
    rows = fields.List(fields.Nested(TransparencyRowSchema))
    performance = fields.List(fields.Nested(PerformanceTransparencyRowSchema), metadata={
        "description": "Performance payments to communities (not compensation), per region and Gregorian year."})
