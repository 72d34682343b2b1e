"""Base marshmallow schemas and fields shared by every package, with translated validation messages."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as L_
from marshmallow import RAISE, Schema, fields, validate


class Msg(str):
    """A marshmallow message translated when marshmallow formats it (it calls ``msg.format(**kwargs)`` on str).

    Lazy strings are not ``str`` to marshmallow, which then neither formats them nor wraps them in a list.
    The msgid is the English text; ``M_`` is a gettext keyword for extraction (babel.cfg).
    """

    def format(self, *args, **kwargs) -> str:
        return gettext(str(self)).format(*args, **kwargs)


def M_(text: str) -> Msg:  # noqa: N802 - gettext-style marker
    return Msg(text)


def install_translated_messages() -> None:
    """Give marshmallow's built-in messages gettext msgids, so API and form errors follow the locale."""
    fields.Field.default_error_messages = {
        "required": M_("This field is required."),
        "null": M_("This field may not be empty."),
        "validator_failed": M_("Invalid value."),
    }
    fields.String.default_error_messages = {"invalid": M_("Not a valid text."),
                                            "invalid_utf8": M_("Not valid UTF-8 text."),
                                            "null_byte": M_("Text may not contain NUL characters.")}
    fields.Number.default_error_messages = {"invalid": M_("Not a valid number."), "too_large": M_("Number too large.")}
    fields.Integer.default_error_messages = {"invalid": M_("Not a valid whole number.")}
    fields.Decimal.default_error_messages = {"special": M_("Not a valid number.")}
    fields.Float.default_error_messages = {"special": M_("Not a valid number.")}
    fields.Boolean.default_error_messages = {"invalid": M_("Not a valid yes/no value.")}
    fields.DateTime.default_error_messages = {
        "invalid": M_("Not a valid date and time."),
        "invalid_awareness": M_("Give the time with its time-zone offset, for example 2026-05-01T21:30:00+03:30."),
        "format": M_("Not a valid date and time."),
    }
    fields.Date.default_error_messages = {"invalid": M_("Not a valid date."), "format": M_("Not a valid date.")}
    fields.List.default_error_messages = {"invalid": M_("Not a valid list.")}
    fields.Dict.default_error_messages = {"invalid": M_("Not a valid mapping.")}
    fields.Nested.default_error_messages = {"type": M_("Invalid type.")}
    fields.Enum.default_error_messages = {"unknown": M_("Must be one of: {choices}.")}
    Schema._default_error_messages = {"type": M_("Invalid input type."), "unknown": M_("Unknown field.")}


INT32 = 2**31 - 1
_integer_validated = fields.Integer._validated


def _within_int32(self, value):
    """Every whole number the API accepts fits the database's INTEGER columns: a larger one is a 422, never
    an overflow deep in the driver (ids, counts, page numbers alike)."""
    result = _integer_validated(self, value)
    if result is not None and not -INT32 <= result <= INT32:
        raise self.make_error("too_large")
    return result


fields.Integer._validated = _within_int32
_string_deserialize = fields.String._deserialize


def _no_nul(self, value, attr, data, **kwargs):
    """Text never carries NUL bytes (PostgreSQL refuses them; nobody types them)."""
    result = _string_deserialize(self, value, attr, data, **kwargs)
    if "\x00" in result:
        raise self.make_error("null_byte")
    return result


fields.String._deserialize = _no_nul

# Field instances copy their messages when they are created, so this runs before any schema class is defined.
install_translated_messages()


# Fields copy their class's messages when they are created, and schemas create their fields when their module
# is imported — before create_app runs. Installing here, when the first schema module imports this one, is
# what makes "This field is required." and the other built-in messages follow the request's language.
install_translated_messages()


class BaseSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


def enum_field(enum_cls, **kwargs) -> fields.Enum:
    """An enum given and shown by its value (``"sheep"``), with the allowed values listed in errors."""
    return fields.Enum(enum_cls, by_value=True, **kwargs)


def money_field(**kwargs) -> fields.Decimal:
    kwargs.setdefault("validate", validate.Range(min=0, error=L_("Must not be negative.")))
    return fields.Decimal(as_string=True, places=None, allow_nan=False, **kwargs)


def percent_field(**kwargs) -> fields.Decimal:
    kwargs.setdefault("validate", validate.Range(min=0, max=100,
                                                 error=L_("Must be between {min} and {max}.")))
    return fields.Decimal(as_string=True, places=None, allow_nan=False, **kwargs)


def required_text(max_length: int, **kwargs) -> fields.String:
    return fields.String(required=True, validate=[
        validate.Length(min=1, error=L_("This field is required.")),
        validate.Length(max=max_length, error=L_("Use at most {max} characters.")),
    ], **kwargs)


def optional_text(max_length: int, **kwargs) -> fields.String:
    kwargs.setdefault("load_default", None)
    return fields.String(allow_none=True, validate=validate.Length(max=max_length,
                                                                   error=L_("Use at most {max} characters.")), **kwargs)


def latitude(**kwargs) -> fields.Float:
    return fields.Float(allow_nan=False, validate=validate.Range(min=-90, max=90,
                                                                 error=L_("Latitude is between -90 and 90.")), **kwargs)


def longitude(**kwargs) -> fields.Float:
    return fields.Float(allow_nan=False, validate=validate.Range(min=-180, max=180,
                                                                 error=L_("Longitude is between -180 and 180.")),
                        **kwargs)


class PageArgsSchema(BaseSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, error=L_("Must be at least {min}.")))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200,
                                                                       error=L_("Must be between {min} and {max}.")))


class PageSchema(BaseSchema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """A list envelope ``{items, page, per_page, total, pages}`` for one kind of item."""
    return type(name, (PageSchema,), {"items": fields.List(fields.Nested(item_schema))})


class ErrorSchema(BaseSchema):
    code = fields.String()
    status = fields.Integer()
    message = fields.String()
    errors = fields.Dict()
    request_id = fields.String()
