"""Dump and load schemas for the review queue of field records."""

from __future__ import annotations

from marshmallow import fields, validate

from conflict_service.schemas import BaseSchema, PageArgsSchema, enum_field, page_schema
from field.enums import ReviewReason, SubmissionStatus


class SenderSchema(BaseSchema):
    id = fields.Integer()
    username = fields.String()
    name = fields.String(attribute="display_name")


class SubmissionFileSchema(BaseSchema):
    filename = fields.String()
    sha256 = fields.String()
    size_bytes = fields.Integer()
    received_at = fields.AwareDateTime()
    evidence_id = fields.Integer(allow_none=True, metadata={"description": "Set once attached to the claim."})
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    accuracy_m = fields.Float(allow_none=True)


class FieldSubmissionSchema(BaseSchema):
    id = fields.Integer()
    instance_id = fields.String()
    form_version = fields.String()
    status = enum_field(SubmissionStatus)
    reason = enum_field(ReviewReason, allow_none=True)
    reason_text = fields.Method("_reason_text", allow_none=True)
    reason_detail = fields.Dict()
    verifier = fields.Nested(SenderSchema, attribute="user")
    device_id = fields.String()
    claim_ref = fields.String(metadata={"description": "The claim number the record names."})
    claim_id = fields.Integer(allow_none=True)
    started_at = fields.AwareDateTime(allow_none=True)
    ended_at = fields.AwareDateTime(allow_none=True)
    received_at = fields.AwareDateTime()
    verification_id = fields.Integer(allow_none=True)
    reviewed_by = fields.Nested(SenderSchema, allow_none=True)
    reviewed_at = fields.AwareDateTime(allow_none=True)
    review_note = fields.String()
    files = fields.List(fields.Nested(SubmissionFileSchema))

    def _reason_text(self, submission) -> str | None:
        return str(submission.reason.title) if submission.reason else None


FieldSubmissionPageSchema = page_schema(FieldSubmissionSchema, "FieldSubmissionPageSchema")


class QueueArgsSchema(PageArgsSchema):
    status = enum_field(SubmissionStatus, load_default=SubmissionStatus.NEEDS_REVIEW)


class ReviewSchema(BaseSchema):
    note = fields.String(load_default="", validate=validate.Length(max=2000))
