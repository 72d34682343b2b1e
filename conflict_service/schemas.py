"""Base marshmallow schemas and fields shared by every package, with translated validation messages.

Every field reads what people type (DESIGN §14): numbers and dates in any digits, the Arabic decimal and thousands
separators; dates within a sane range; whole numbers only where a count is asked for.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import gettext
from flask_babel import lazy_gettext as L_
from marshmallow import RAISE, Schema, ValidationError, fields, missing, validate

from conflict_service.i18n import LOCALES, format_date, native_digits, plain_digits, plain_number
from conflict_service.timeutil import utcnow


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
        "range": M_("Give a date between {start} and {end}."),
    }
    fields.Date.default_error_messages = {"invalid": M_("Not a valid date."), "format": M_("Not a valid date."),
                                          "range": M_("Give a date between {start} and {end}.")}
    fields.List.default_error_messages = {"invalid": M_("Not a valid list.")}
    fields.Dict.default_error_messages = {"invalid": M_("Not a valid mapping.")}
    fields.Nested.default_error_messages = {"type": M_("Invalid type.")}
    fields.Enum.default_error_messages = {"unknown": M_("Must be one of: {choices}.")}
    Schema._default_error_messages = {"type": M_("Invalid input type."), "unknown": M_("Unknown field.")}
    # Every text's length is checked with a message of the service's own; a list's carries its own words.
    validate.Length.message_max = M_("Use at most {max} characters.")


INT32 = 2**31 - 1
_number_validated = fields.Number._validated
_integer_validated = fields.Integer._validated


def _typed_number(self, value):
    """Numbers typed in Persian or Arabic-Indic digits, with ٫ or grouped thousands, are numbers."""
    return _number_validated(self, plain_number(value) if isinstance(value, str) else value)


def _within_int32(self, value):
    """Every whole number the API accepts fits the database's INTEGER columns: a larger one is a 422, never
    an overflow deep in the driver (ids, counts, page numbers alike). 1.5 is not a whole number (int() would
    quietly make it 1)."""
    if isinstance(value, float | Decimal) and not (math.isfinite(value) and value == int(value)):
        raise self.make_error("invalid")
    result = _integer_validated(self, value)
    if result is not None and not -INT32 <= result <= INT32:
        raise self.make_error("too_large")
    return result


def _bounds_in_readers_digits(self, value, message: str) -> str:
    """A length's or a range's bounds in the reader's digits: «حداکثر ۸۰ نویسه», «بین ۱ و ۱۲», not «حداکثر 80 نویسه»
    (marshmallow puts the bare number into the message). Not grouped: a bound may be a year («from ۱۹۹۰ on»)."""
    bounds = {name: native_digits(str(getattr(self, name))) for name in ("min", "max", "equal")
              if getattr(self, name, None) is not None}
    return (self.error or message).format(input=value, **{"min": None, "max": None} | bounds)


fields.Number._validated = _typed_number
fields.Integer._validated = _within_int32
validate.Length._format_error = _bounds_in_readers_digits
validate.Range._format_error = _bounds_in_readers_digits
_string_deserialize = fields.String._deserialize


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_nul(self, value, attr, data, **kwargs):
    """Text never carries NUL bytes (PostgreSQL refuses them; nobody types them) nor lone surrogates."""
    result = _string_deserialize(self, value, attr, data, **kwargs)
    if "\x00" in result:
        raise self.make_error("null_byte")
    if LONE_SURROGATE.search(result):  # "\ud800" in JSON: no UTF-8 can hold it, so no database or page can
        raise self.make_error("invalid_utf8")
    return result


fields.String._deserialize = _no_nul

EARLIEST_DATE = date(1900, 1, 1)
YEARS_AHEAD = 5  # seasons, rates and due dates are planned ahead; nothing further


def date_range() -> tuple[date, date]:
    """The dates any field accepts: from 1900 to the end of the fifth year from now."""
    return EARLIEST_DATE, date(utcnow().year + YEARS_AHEAD, 12, 31)


def _bounded(deserialize):
    def within_range(self, value, attr, data, **kwargs):
        """Dates in any digits, and only within :func:`date_range`: a year 1 or 9999 is a typing error (and
        beyond what the Solar Hijri conversion handles), answered with a 422 rather than stored."""
        result = deserialize(self, plain_digits(value).strip() if isinstance(value, str) else value, attr, data,
                             **kwargs)
        start, end = date_range()
        if not start <= (result.date() if isinstance(result, datetime) else result) <= end:
            raise self.make_error("range", start=format_date(start), end=format_date(end))
        return result
    return within_range


fields.Date._deserialize = _bounded(fields.Date._deserialize)
fields.DateTime._deserialize = _bounded(fields.DateTime._deserialize)

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


# Fields whose dump is their own conversion of one plain value (no other object, no method of the schema).
_FLAT = (fields.String, fields.Number, fields.Boolean, fields.Date, fields.DateTime, fields.Enum, fields.UUID)
_FLAT_DUMPERS: dict[type, tuple] = {}


def dump_flat_rows(schema_cls: type[Schema], rows: list[dict]) -> list[dict]:
    """``schema_cls(many=True).dump(rows)`` for rows of plain values (dicts): the same keys in the same order, each
    value through its field's own conversion, a key the row lacks left out, without marshmallow's lookups per value
    (a report of 600 rows spent half its CPU in them). Only for flat schemas: a field that would dump differently
    here (nested, a list, a method, another key or attribute, a default) is refused with TypeError."""
    dumpers = _FLAT_DUMPERS.get(schema_cls)
    if dumpers is None:
        dumpers = []
        for name, field in schema_cls().dump_fields.items():
            renamed = field.data_key not in (None, name) or field.attribute not in (None, name)
            if not isinstance(field, _FLAT) or renamed or field.dump_default is not missing:
                raise TypeError(f"{schema_cls.__name__}.{name} is not a flat field: dump it with the schema")
            dumpers.append((name, field._serialize))  # noqa: SLF001 - what marshmallow's own List does per item
        dumpers = _FLAT_DUMPERS[schema_cls] = tuple(dumpers)
    return [{name: dump(row[name], name, row) for name, dump in dumpers if name in row} for row in rows]


BOM_HELP = ("Start the CSV file with a UTF-8 byte-order mark, so that Excel reads Persian, Arabic and Armenian text "
            "right (other programs do not need it).")


def bom_field() -> fields.Boolean:
    """``bom``: a CSV download for Excel (see ``conflict_service.spreadsheets.BOM``)."""
    return fields.Boolean(load_default=False, metadata={"description": BOM_HELP})


class CsvFileSchema(BaseSchema):
    bom = bom_field()


def enum_field(enum_cls, **kwargs) -> fields.Enum:
    """An enum given and shown by its value (``"sheep"``), with the allowed values listed in errors."""
    return fields.Enum(enum_cls, by_value=True, **kwargs)


# NUMERIC(20, 4) holds 16 digits before the point; no programme pays a thousand trillion of anything.
MONEY_MAX = Decimal(10) ** 15


def money_field(**kwargs) -> fields.Decimal:
    """A decimal string of money, never negative (unless the caller says otherwise) and never beyond MONEY_MAX,
    so ``1e30`` is a 422 rather than an overflow in the database."""
    given = kwargs.pop("validate", validate.Range(min=0, error=L_("Must not be negative.")))
    checks = list(given) if isinstance(given, list | tuple) else [given]
    checks.append(validate.Range(max=MONEY_MAX, max_inclusive=False, error=L_("This amount is too large.")))
    return fields.Decimal(as_string=True, places=None, allow_nan=False, validate=checks, **kwargs)


def percent_field(**kwargs) -> fields.Decimal:
    kwargs.setdefault("validate", validate.Range(min=0, max=100,
                                                 error=L_("Must be between {min} and {max}.")))
    return fields.Decimal(as_string=True, places=None, allow_nan=False, **kwargs)


# Characters nobody types into a name, a village or an ID, which make one look like another or reorder the text
# around it: controls, bidi embeddings/overrides/isolates, zero-width characters, the BOM. The zero-width
# non-joiner (U+200C) is part of Persian spelling («می‌رود», «زین‌العابدین») and stays.
ALLOWED_FORMAT_CHARS = frozenset("\u200c")


def single_line(value: str | None) -> None:
    """Refuse control and invisible formatting characters in a one-line text (names, villages, IDs)."""
    for ch in value or "":
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") and ch not in ALLOWED_FORMAT_CHARS:
            raise ValidationError(gettext("Remove the invisible or control character {char} from this text.").format(
                char=f"U+{ord(ch):04X}"))


def _not_blank(message=None):
    """Spaces alone say nothing: refused with the field's own "required" message when it has one (a reason left
    blank reads as one left out)."""

    def check(value: str | None) -> None:
        if value is not None and not value.strip():
            raise ValidationError(str(message) if message else gettext("This field is required."))

    return check


def required_text(max_length: int, *, one_line: bool = False, **kwargs) -> fields.String:
    """Text that must say something (spaces alone do not); ``one_line`` for names, villages and IDs."""
    required = kwargs.get("error_messages", {}).get("required")
    return fields.String(required=True, validate=[
        _not_blank(required), validate.Length(max=max_length, error=L_("Use at most {max} characters.")),
        *([single_line] if one_line else []),
    ], **kwargs)


def optional_text(max_length: int, *, one_line: bool = False, **kwargs) -> fields.String:
    kwargs.setdefault("load_default", None)
    return fields.String(allow_none=True, validate=[
        validate.Length(max=max_length, error=L_("Use at most {max} characters.")),
        *([single_line] if one_line else []),
    ], **kwargs)


class DigitText(fields.String):
    """Text made of digits (PIN, phone, national ID, claim number, account): digits typed in any script are stored
    in ASCII, without the direction marks copied along from right-to-left text."""

    def _deserialize(self, value, attr, data, **kwargs):
        return plain_digits(super()._deserialize(value, attr, data, **kwargs)).strip()


def digits_text(max_length: int, **kwargs) -> DigitText:
    validators = kwargs.pop("validate", [])
    validators = validators if isinstance(validators, list) else [validators]
    return DigitText(validate=[validate.Length(max=max_length, error=L_("Use at most {max} characters.")),
                               single_line, *validators], **kwargs)


def not_in_future(value: date | datetime | None) -> None:
    """For things that have happened. A day of slack: the office's calendar may already be on tomorrow."""
    day = value.date() if isinstance(value, datetime) else value
    if day is not None and day > utcnow().date() + timedelta(days=1):
        raise ValidationError(gettext("This date is in the future."))


def names_field(max_length: int, **kwargs) -> fields.Dict:
    """Names per language (DESIGN §14): {"fa": "خراسان رضوی", "en": "Razavi Khorasan"}; a blank name is dropped."""
    return fields.Dict(keys=fields.String(validate=validate.OneOf(LOCALES, error=L_("Not a language of the service."))),
                       values=fields.String(validate=[validate.Length(max=max_length), single_line]),
                       metadata={"description": "Name per locale code, shown to readers of that language"}, **kwargs)


def clean_names(names: dict | None) -> dict:
    return {code: " ".join(name.split()) for code, name in (names or {}).items() if name and name.strip()}


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
