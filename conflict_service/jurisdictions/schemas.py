from marshmallow import fields

from conflict_service.schemas import BaseSchema, names_field, required_text


class JurisdictionSchema(BaseSchema):
    id = fields.Integer()
    code = fields.String()
    short_code = fields.String()
    level = fields.String()
    parent_id = fields.Integer(allow_none=True)
    country_code = fields.String()
    name = fields.String()
    names = fields.Dict(keys=fields.String(), values=fields.String())
    local_name = fields.String(metadata={"description": "The name in the caller's language"})
    timezone = fields.String()
    is_active = fields.Boolean()


class JurisdictionCreateSchema(BaseSchema):
    short_code = required_text(12)
    name = required_text(120, one_line=True)
    names = names_field(120, load_default=dict)
    parent_id = fields.Integer(load_default=None, allow_none=True)
    timezone = fields.String(load_default=None, allow_none=True)


class JurisdictionUpdateSchema(BaseSchema):
    """A rename (official name and names per language), a new time zone or a deactivation; loaded with
    ``partial=True``: what is left out stays as it is. ``names`` replaces the whole map ({locale: name})."""
    name = required_text(120, one_line=True)
    names = names_field(120)
    timezone = fields.String(metadata={"description": "IANA time zone, e.g. Asia/Tehran"})
    is_active = fields.Boolean()
