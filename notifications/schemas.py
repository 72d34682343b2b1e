"""Marshmallow schemas: consent, the gateways' webhooks, the outbox and previews."""

from __future__ import annotations

from marshmallow import fields, post_dump, validate

from claims.permissions import can_see_personal_data, mask
from claims.schemas import LANGUAGE
from conflict_service.auth.session import current_user
from conflict_service.schemas import BaseSchema, PageArgsSchema, enum_field, not_in_future, page_schema
from notifications.enums import ConsentChannel, ConsentSource, Medium, MessageState, Template


class ConsentSchema(BaseSchema):
    """An owner's consent; while none is recorded it reads as channel none, with no date and no source."""

    owner_id = fields.Integer(dump_only=True)
    channel = enum_field(ConsentChannel, required=True, metadata={
        "description": "How the owner agreed to hear about their claims; none: no messages."})
    language = fields.String(required=True, validate=LANGUAGE, metadata={"description": "The messages' language."})
    recorded_on = fields.Date(required=True, validate=not_in_future, metadata={
        "description": "When the owner gave (or withdrew) consent."})
    source = enum_field(ConsentSource, required=True, metadata={"description": "How it was asked."})
    recorded_by_id = fields.Integer(dump_only=True, allow_none=True)
    updated_at = fields.AwareDateTime(dump_only=True)


class ConsentAnswerSchema(ConsentSchema):
    """The consent as answered: before any is recorded there is no date and no source (null)."""

    recorded_on = fields.Date(allow_none=True, metadata={"description": "When the owner gave (or withdrew) consent."})
    source = enum_field(ConsentSource, allow_none=True, metadata={"description": "How it was asked."})


class DeliveryReportSchema(BaseSchema):
    reference = fields.String(required=True, validate=validate.Length(min=1, max=120))
    status = fields.String(required=True, validate=validate.Length(min=1, max=40), metadata={
        "description": "delivered, failed (or the gateway's own word: DELIVRD, UNDELIV, EXPIRED...)."})


class InboundSchema(BaseSchema):
    sender = fields.String(required=True, data_key="from", validate=validate.Length(min=3, max=40))
    text = fields.String(required=True, validate=validate.Length(max=1600))


class InboundAnswerSchema(BaseSchema):
    reply = fields.String(allow_none=True, metadata={"description": "The answer queued for the sender, if any."})


class OutboxMessageSchema(BaseSchema):
    id = fields.Integer()
    medium = enum_field(Medium)
    template = enum_field(Template)
    state = enum_field(MessageState)
    owner_id = fields.Integer(allow_none=True)
    user_id = fields.Integer(allow_none=True)
    claim_id = fields.Integer(allow_none=True)
    language = fields.String()
    address = fields.String()
    subject = fields.String()
    text = fields.String(attribute="shown_text", metadata={"description": "The text sent; a PIN in it is hidden."})
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    gateway_reference = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    next_attempt_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)
    delivered_at = fields.AwareDateTime(allow_none=True)

    @post_dump
    def _mask_personal(self, data, **_kwargs):
        """Phone numbers and addresses are personal data: masked for roles that may not see them (auditors)."""
        if not can_see_personal_data(current_user()):
            data["address"] = mask(data.get("address"))
        return data


OutboxPageSchema = page_schema(OutboxMessageSchema, "OutboxPageSchema")


class OutboxQuerySchema(PageArgsSchema):
    state = enum_field(MessageState, load_default=None)
    template = enum_field(Template, load_default=None)
    claim_id = fields.Integer(load_default=None)


class PreviewQuerySchema(BaseSchema):
    locale = fields.String(load_default=None, validate=LANGUAGE)


class PreviewSchema(BaseSchema):
    template = enum_field(Template)
    locale = fields.String()
    text = fields.String()
    characters = fields.Integer(metadata={"description": "Septets (GSM-7) or UTF-16 units (UCS-2)."})
    segment_size = fields.Integer(metadata={"description": "160 (GSM-7) or 70 (UCS-2)."})
    segments = fields.Integer()


class StaffContactSchema(BaseSchema):
    email = fields.Email(required=True, allow_none=False, validate=validate.Length(max=200), metadata={
        "description": "null while none is recorded."})
    is_digest_wanted = fields.Boolean(load_default=True, metadata={
        "description": "false: no daily digest (escalations to managers still arrive)."})


class StaffContactAnswerSchema(StaffContactSchema):
    """The contact as answered: no address (null) until one is recorded."""

    email = fields.Email(allow_none=True, metadata={"description": "null while none is recorded."})
