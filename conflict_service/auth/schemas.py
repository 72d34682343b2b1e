from flask_babel import lazy_gettext as L_
from marshmallow import fields, validate

from conflict_service.auth.models import Role
from conflict_service.i18n import LOCALES
from conflict_service.jurisdictions.schemas import JurisdictionSchema
from conflict_service.schemas import BaseSchema, enum_field, optional_text, required_text, single_line


class TokenRequestSchema(BaseSchema):
    username = required_text(80)
    password = required_text(200, load_only=True)


class TokenSchema(BaseSchema):
    token = fields.String(required=True)
    token_type = fields.String(dump_default="Bearer")
    expires_at = fields.AwareDateTime()


class UserCreateSchema(BaseSchema):
    username = fields.String(required=True, validate=validate.Regexp(
        r"^[a-z0-9_.-]{3,80}$", error=L_("Use 3 to 80 lowercase letters, digits, dots, dashes or underscores.")))
    full_name = fields.String(load_default="", validate=[validate.Length(max=160), single_line])
    role = enum_field(Role, required=True)
    password = required_text(200, load_only=True)
    preferred_language = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(LOCALES))
    jurisdiction_ids = fields.List(fields.Integer(), required=True)


class UserUpdateSchema(BaseSchema):
    full_name = fields.String(validate=[validate.Length(max=160), single_line])
    role = enum_field(Role)
    preferred_language = fields.String(allow_none=True, validate=validate.OneOf(LOCALES))
    jurisdiction_ids = fields.List(fields.Integer())
    is_active = fields.Boolean()


class UserSchema(BaseSchema):
    id = fields.Integer()
    username = fields.String()
    full_name = fields.String()
    role = enum_field(Role)
    preferred_language = fields.String(allow_none=True)
    is_active = fields.Boolean()
    jurisdictions = fields.Pluck(JurisdictionSchema, "code", many=True)
    last_login_at = fields.AwareDateTime(allow_none=True)


class FieldCredentialCreateSchema(BaseSchema):
    label = optional_text(80, one_line=True, load_default="", metadata={
        "description": "A name for the device, e.g. 'Samsung A14, Dargaz'."})


class FieldCredentialSchema(BaseSchema):
    id = fields.Integer()
    username = fields.String()
    label = fields.String()
    created_at = fields.AwareDateTime()
    last_used_at = fields.AwareDateTime(allow_none=True)
    revoked_at = fields.AwareDateTime(allow_none=True)


class FieldCredentialCreatedSchema(FieldCredentialSchema):
    password = fields.String(metadata={"description": "Shown this once; only a key derived from it is kept."})
    server_url = fields.String(metadata={"description": "The server URL to type into ODK Collect or KoboCollect."})
    collect_settings = fields.String(metadata={"description": (
        "The text of a settings QR code for ODK Collect's and KoboCollect's *Configure with QR code*: their settings "
        "JSON (server, this username and password, the project's name, the app's language, sending as soon as there "
        "is a connection) compressed with zlib, in base64. Draw it as a QR code, or decode it to read the settings.")})
