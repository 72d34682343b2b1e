"""Load and dump schemas of payouts (shared by the API, the web forms and the CLI)."""

from __future__ import annotations

from flask_babel import lazy_gettext as L_
from marshmallow import ValidationError, fields, post_dump, validate, validates_schema

from claims.enums import AgeClass, Species
from claims.permissions import can_see_personal_data, mask
from conflict_service.auth.session import current_user
from conflict_service.schemas import (
    BaseSchema,
    PageArgsSchema,
    digits_text,
    enum_field,
    money_field,
    optional_text,
    page_schema,
)
from conflict_service.schemas import required_text as _required_text
from payouts.enums import BatchStatus, DecisionKind, PaymentKind, PaymentMethod, PaymentStatus, RejectReason

NOTE = validate.Length(max=2000, error=L_("Use at most {max} characters."))
MAX_AMOUNT = 10**15  # the NUMERIC(20,4) columns hold up to 10^16
AMOUNT = [validate.Range(min=0, error=L_("Must not be negative.")),
          validate.Range(max=MAX_AMOUNT, error=L_("Must be at most {max}."))]
ID = validate.Range(min=1, max=2**31 - 1, error=L_("No such record."))


class MoneyString(fields.Decimal):
    """An amount as a decimal string; stored NUMERIC values lose their padding zeros."""

    def __init__(self, **kwargs):
        super().__init__(as_string=True, places=None, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        from payouts.breakdown import dec

        return None if value is None else dec(value)


# --- rates ------------------------------------------------------------------------------------------------

class RateEntrySchema(BaseSchema):
    species = enum_field(Species, required=True)
    age_class = enum_field(AgeClass, required=True)
    amount = money_field(required=True, validate=AMOUNT)
    valid_from = fields.Date(required=True)


class RateVersionEntrySchema(RateEntrySchema):
    amount = MoneyString()


class RateEntryOutSchema(RateVersionEntrySchema):
    version = fields.Integer(metadata={"description": "The rate-table version this rate was recorded in"})


class RateTableCreateSchema(BaseSchema):
    entries = fields.List(fields.Nested(RateEntrySchema), required=True)
    note = optional_text(500)


class RateTableSchema(BaseSchema):
    version = fields.Integer()
    recorded_at = fields.AwareDateTime()
    recorded_by = fields.String(attribute="recorded_by.username", allow_none=True)
    source = fields.String()
    note = fields.String()
    is_pending = fields.Boolean(metadata={"description": "Waiting for a second manager: not in force yet."})
    is_refused = fields.Boolean()
    decided_by = fields.String(attribute="decided_by.username", allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    entries = fields.List(fields.Nested(RateVersionEntrySchema))


class RatesRefuseSchema(BaseSchema):
    note = optional_text(2000)


class RatesSchema(BaseSchema):
    programme_id = fields.Integer()
    currency = fields.String()
    on = fields.Date(metadata={"description": "The date the rates in force apply to (an incident date)."})
    in_force = fields.List(fields.Nested(RateEntryOutSchema))
    versions = fields.List(fields.Nested(RateTableSchema))


class RatesQuerySchema(BaseSchema):
    on = fields.Date(load_default=None)


# --- assessment and decisions -----------------------------------------------------------------------------

class BreakdownLineSchema(BaseSchema):
    step = fields.String()
    description = fields.String()
    amount = fields.String(allow_none=True, metadata={"description": "Amount after this step, a decimal string"})


class ReasonSchema(BaseSchema):
    code = fields.String()
    message = fields.String()


class AssessmentSchema(BaseSchema):
    payable = fields.Boolean()
    total = fields.String(metadata={"description": "Decimal string, rounded to the currency's minor unit"})
    currency = fields.String()
    lines = fields.List(fields.Nested(BreakdownLineSchema))
    reasons = fields.List(fields.Nested(ReasonSchema))
    frozen = fields.Boolean(metadata={"description": "True once approved: the breakdown frozen at approval"})
    approved_at = fields.AwareDateTime(allow_none=True)


class ApproveSchema(BaseSchema):
    note = fields.String(load_default="", validate=NOTE)


class RejectSchema(BaseSchema):
    reason_code = enum_field(RejectReason, required=True)
    note = fields.String(load_default="", validate=NOTE)

    @validates_schema
    def _note_for_other(self, data, **_kwargs):
        if data.get("reason_code") == RejectReason.OTHER and not (data.get("note") or "").strip():
            raise ValidationError([L_("Explain the reason in the note.")], "note")


class DecisionSchema(BaseSchema):
    id = fields.Integer()
    kind = enum_field(DecisionKind)
    manager = fields.String(attribute="manager.username")
    decided_at = fields.AwareDateTime()
    is_final = fields.Boolean()
    total = MoneyString(allow_none=True)
    currency = fields.String()
    reason_code = enum_field(RejectReason, allow_none=True)
    note = fields.String()
    superseded_at = fields.AwareDateTime(allow_none=True)


class ApprovalResultSchema(BaseSchema):
    claim_id = fields.Integer(attribute="claim.id")
    status = fields.String(attribute="claim.status.value")
    awaiting_second_approval = fields.Boolean(attribute="awaiting_second")
    total = MoneyString(attribute="decision.total")
    currency = fields.String(attribute="decision.currency")
    decision = fields.Nested(DecisionSchema)


# --- payments ---------------------------------------------------------------------------------------------

class PaymentSchema(BaseSchema):
    id = fields.Integer()
    claim_id = fields.Integer(allow_none=True, metadata={"description": "null for a payment of another subject"})
    subject = fields.String(allow_none=True, metadata={
        "description": "what else the payment pays (performance_period), null for a claim's payment"})
    subject_id = fields.Integer(allow_none=True)
    subject_part = fields.Integer(allow_none=True, metadata={
        "description": "0: the whole subject (a lump sum); else the owner id of the member whose share it is"})
    batch_id = fields.Integer(allow_none=True)
    kind = enum_field(PaymentKind)
    status = enum_field(PaymentStatus)
    reference = fields.String()
    currency = fields.String()
    principal = MoneyString()
    interest = MoneyString()
    interest_days = fields.Integer()
    amount = MoneyString()
    method = enum_field(PaymentMethod)
    payee_name = fields.String()
    payee_account = fields.String(allow_none=True)
    external_reference = fields.String(allow_none=True)
    paid_at = fields.AwareDateTime(allow_none=True)
    failure_reason = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()

    @post_dump
    def _mask_personal(self, data, **_kwargs):
        if not can_see_personal_data(current_user()):
            data["payee_account"] = mask(data.get("payee_account"))
        return data


class ConfirmSchema(BaseSchema):
    reference = _required_text(120, metadata={"description": "The bank's or operator's reference of the transfer"})
    paid_at = fields.AwareDateTime(metadata={"description": "When the money arrived, as an instant; not before the "
                                             "batch's approval"})
    paid_on = fields.Date(metadata={"description": "Or the day it arrived (a statement's date), on the office's "
                                    "calendar; not before the day of the batch's approval"})

    @validates_schema
    def _one_moment(self, data, **_kwargs):
        if ("paid_at" in data) == ("paid_on" in data):
            raise ValidationError([L_("Give when the money arrived: either the moment or the day, not both.")],
                                  "paid_at")


class FailSchema(BaseSchema):
    reason = _required_text(1000)


class BatchCreateSchema(BaseSchema):
    programme_id = fields.Integer(required=True, validate=ID)
    claim_ids = fields.List(fields.Integer(validate=ID), load_default=None, validate=validate.Length(
        min=1, max=1000, error=L_("Give between {min} and {max} claims.")), metadata={
        "description": "Claims to pay; leave out to take everything waiting in the programme"})
    subject_ids = fields.List(fields.Integer(validate=ID), load_default=None, validate=validate.Length(
        min=1, max=1000, error=L_("Give between {min} and {max} periods.")), metadata={
        "description": "For a programme paying other subjects (performance: approved periods), the ids of those "
                       "to pay; leave out to take everything waiting"})
    note = optional_text(500)


class BatchSchema(BaseSchema):
    id = fields.Integer()
    programme_id = fields.Integer()
    programme_name = fields.String(attribute="programme.name")
    currency = fields.String()
    status = enum_field(BatchStatus)
    note = fields.String()
    created_at = fields.AwareDateTime()
    created_by = fields.String(attribute="created_by.username")
    approved_at = fields.AwareDateTime(allow_none=True)
    approved_by = fields.String(attribute="approved_by.username", allow_none=True)
    exported_at = fields.AwareDateTime(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    payment_count = fields.Integer()
    total = MoneyString()


class BatchDetailSchema(BatchSchema):
    payments = fields.List(fields.Nested(PaymentSchema))


class BatchQuerySchema(PageArgsSchema):
    status = enum_field(BatchStatus, load_default=None)
    programme_id = fields.Integer(load_default=None)


class CancelSchema(BaseSchema):
    reason = fields.String(load_default="", validate=NOTE)


BatchPageSchema = page_schema(BatchSchema, "BatchPageSchema")


class OverdueSchema(BaseSchema):
    claim_id = fields.Integer(attribute="claim.id")
    number = fields.String(attribute="claim.number")
    status = fields.String(attribute="claim.status.value")
    owner = fields.String(attribute="claim.owner.name")
    total = MoneyString(attribute="award.total")
    currency = fields.String(attribute="award.currency")
    approved_at = fields.AwareDateTime(attribute="award.approved_at")
    due_on = fields.Date(attribute="award.due_on")
    days_overdue = fields.Integer()


# --- reconciliation and payout details --------------------------------------------------------------------

class ReconciliationRowSchema(BaseSchema):
    line = fields.Integer(allow_none=True)
    reference = fields.String()
    amount = fields.String()
    date = fields.String()
    code = fields.String()
    message = fields.String()
    payment_id = fields.Integer(allow_none=True)
    claim_id = fields.Integer(allow_none=True)


class ReconciliationSchema(BaseSchema):
    id = fields.Integer()
    filename = fields.String()
    uploaded_at = fields.AwareDateTime()
    uploaded_by = fields.String(attribute="uploaded_by.username")
    row_count = fields.Integer()
    matched_count = fields.Integer()
    mismatch_count = fields.Integer()
    rows = fields.List(fields.Nested(ReconciliationRowSchema))


class PayoutAccountSchema(BaseSchema):
    method = enum_field(PaymentMethod, required=True)
    bank_name = fields.String(load_default="", validate=validate.Length(
        max=120, error=L_("Use at most {max} characters.")))
    account_number = digits_text(40, load_default=None, allow_none=True, validate=validate.Regexp(
        r"^[A-Za-z0-9 \-]{4,40}$", error=L_("Use 4 to 40 letters, digits, spaces or dashes.")))


class PayoutAccountOutSchema(PayoutAccountSchema):
    account_or_phone = fields.String(allow_none=True)
    is_default = fields.Boolean(metadata={"description": "True when no details were recorded (the default applies)"})
