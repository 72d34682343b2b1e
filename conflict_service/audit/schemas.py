from marshmallow import fields

from conflict_service.audit.presentation import describe
from conflict_service.schemas import BaseSchema


class AuditEventSchema(BaseSchema):
    seq = fields.Integer()
    occurred_at = fields.AwareDateTime()
    actor = fields.String(attribute="actor_name")
    action = fields.String()
    entity_type = fields.String()
    entity_id = fields.Integer(allow_none=True)
    entity_label = fields.String(allow_none=True)
    summary = fields.Function(lambda ev: describe(ev))
    changes = fields.Dict()
    data = fields.Dict()
    reason = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    hash = fields.String()


class AuditCheckSchema(BaseSchema):
    checked_at = fields.AwareDateTime()
    checked_by = fields.String()
    events_checked = fields.Integer()
    is_intact = fields.Boolean()
    first_bad_seq = fields.Integer(allow_none=True)
    problem = fields.String(allow_none=True)
    head_hash = fields.String(allow_none=True)
    head_seq = fields.Integer(allow_none=True)
    signature = fields.String(allow_none=True, metadata={"description": "Ed25519 signature of the head, base64"})
