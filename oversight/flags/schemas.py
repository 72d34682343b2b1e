"""Schemas of anomaly flags (API, the decision form and the CLI share them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as L_
from marshmallow import fields, validate

from conflict_service.schemas import BaseSchema, PageArgsSchema, enum_field, page_schema, required_text
from oversight.flags import rules
from oversight.flags.queries import STATES
from oversight.models import FlagDecision


class FlagDecisionSchema(BaseSchema):
    decision = enum_field(FlagDecision, required=True)
    note = required_text(2000)


class FlagQuerySchema(PageArgsSchema):
    state = fields.String(load_default="open", validate=validate.OneOf(STATES, error=L_("Must be one of: {choices}.")),
                          metadata={"description": "open: not decided yet (default); decided; all"})
    rule = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(
        list(rules.RULES), error=L_("Must be one of: {choices}.")))
    programme_id = fields.Integer(load_default=None, allow_none=True,
                                  validate=validate.Range(min=1, error=L_("No such record.")))


class FlagSchema(BaseSchema):
    id = fields.Integer()
    claim_id = fields.Integer()
    claim_number = fields.Function(lambda f: f.claim.number)
    rule = fields.String(metadata={"description": "One of: " + ", ".join(rules.RULES)})
    title = fields.Function(lambda f: str(rules.RULES[f.rule].title) if f.rule in rules.RULES else f.rule)
    description = fields.Function(lambda f: rules.describe(f.rule, f.details))
    details = fields.Dict()
    raised_at = fields.DateTime()
    checked_at = fields.DateTime()
    decision = enum_field(FlagDecision, allow_none=True)
    decision_note = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decided_by = fields.Function(lambda f: f.decided_by.display_name if f.decided_by else None)


FlagPageSchema = page_schema(FlagSchema, "FlagPageSchema")
