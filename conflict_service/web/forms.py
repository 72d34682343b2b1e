"""Turn HTML form posts into the same dicts the API's schemas load, and schema errors back into field errors.

Dates in forms are typed as people write them (DESIGN §14): Solar Hijri in fa, fa_AF and ps, in any digits; one
parser (:func:`conflict_service.i18n.parse_date`) turns them into the ISO dates the schemas load.
"""

from __future__ import annotations

import re
from datetime import datetime, time

import marshmallow
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from conflict_service.errors import ValidationError
from conflict_service.i18n import InputError, parse_date, parse_time
from conflict_service.timeutil import to_utc

ROW_KEY = re.compile(r"^(?P<prefix>[a-z_]+)-(?P<index>\d{1,3})-(?P<field>[a-z_]+)$")


INT32 = 2**31 - 1


def whole(value: str) -> int:
    """``request.args.get(name, type=whole)``: an id or page number from the address, within the database's integer
    (a ``?page=`` of 10^30 falls back to the default, as any other unreadable number does, instead of a 500)."""
    number = int(value)
    if not -INT32 <= number <= INT32:
        raise ValueError("beyond a database integer")
    return number


def bom(args: MultiDict) -> bool:
    """The *CSV for Excel* choice of a download (``bom``), read as the API reads it."""
    from conflict_service.schemas import CsvFileSchema

    return load(CsvFileSchema(), clean(args, ("bom",)))["bom"]


def clean(form: MultiDict, names) -> dict:
    """Pick the named fields, dropping blanks so that optional fields stay unset."""
    out = {}
    for name in names:
        value = form.get(name)
        if value is None:
            continue
        value = value.strip()
        if value != "":
            out[name] = value
    return out


def names(form: MultiDict) -> dict:
    """Names per language typed in ``names-<locale>`` fields (blank ones dropped): {"fa": "…", "en": "…"}."""
    return {key[len("names-"):]: value.strip() for key, value in form.items()
            if key.startswith("names-") and value.strip()}


def flags(form: MultiDict, names) -> dict:
    """Checkboxes: a hidden 'false' and an optional 'true' — the last value wins."""
    return {name: form.getlist(name)[-1] == "true" for name in names if form.getlist(name)}


def rows(form: MultiDict, prefix: str, names) -> list[dict]:
    """Repeated rows named ``prefix-<n>-<field>``; rows left completely blank are ignored."""
    found: dict[int, dict] = {}
    for key in form:
        match = ROW_KEY.match(key)
        if match and match["prefix"] == prefix and match["field"] in names:
            value = form.get(key, "").strip()
            if value:
                found.setdefault(int(match["index"]), {})[match["field"]] = value
    return [found[i] for i in sorted(found)]


def local_datetime(form: MultiDict, date_name: str, time_name: str, tz_name: str, errors: dict, target: str, *,
                   time_required: bool = True, default_time: time | None = None) -> str | None:
    """Combine a date and a wall-clock time typed at an office into an ISO timestamp with offset.

    A blank time is an error, or ``default_time`` where the form asks for a day only; without ``time_required``
    it is not known, and the answer is the ISO date alone.
    """
    raw_date, raw_time = form.get(date_name, "").strip(), form.get(time_name, "").strip()
    if not raw_date:
        if raw_time:
            errors[date_name] = [_("Give the date as well as the time.")]
        return None
    try:
        day = parse_date(raw_date)
    except InputError as error:
        errors[date_name] = [str(error)]
        return None
    if not raw_time and default_time is not None:
        raw_time = default_time.isoformat()
    if not raw_time:
        if time_required:
            errors[time_name] = [_("Give the time as well as the date.")]
            return None
        return day.isoformat()
    try:
        clock = parse_time(raw_time)
    except InputError as error:
        errors[time_name] = [str(error)]
        return None
    try:
        return to_utc(datetime.combine(day, clock), tz_name).isoformat()
    except (ValueError, OverflowError):
        errors[target] = [_("Not a valid date and time.")]
        return None


def load(schema: marshmallow.Schema, data: dict, *, partial=False, extra_errors: dict | None = None) -> dict:
    """Load with the API's schema; raise one ValidationError carrying every field's messages.

    Dates typed into the form (any calendar, any digits) become ISO dates first.
    """
    errors = dict(extra_errors or {})
    data = typed_dates(schema, data, errors)
    try:
        result = schema.load(data, partial=partial)
    except marshmallow.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        errors = _merged(messages, errors)
        result = None
    if errors:
        raise ValidationError(flatten(errors))
    return result


def _merged(schema_errors: dict, ours: dict) -> dict:
    """Schema messages and ours together; ours win for the same field (a date we could not read is not "required")."""
    out = dict(schema_errors)
    for key, value in ours.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = value
    return out


def typed_dates(schema: marshmallow.Schema, data: dict | list, errors: dict) -> dict | list:
    """Read every date field of ``schema`` (nested rows too) with :func:`parse_date`; what cannot be read goes into
    ``errors`` under the field's name and is left out."""
    if isinstance(data, list):  # a schema with many=True: rows, errors by row index
        rows_: list = []
        for index, row in enumerate(data):
            row_errors: dict = {}
            rows_.append(typed_dates(schema, row, row_errors) if isinstance(row, dict) else row)
            if row_errors:
                errors[index] = row_errors
        return rows_
    out = dict(data)
    for field in schema.fields.values():
        key = field.data_key or field.name
        value = out.get(key)
        if isinstance(field, marshmallow.fields.Date) and isinstance(value, str) and value.strip():
            try:
                out[key] = parse_date(value).isoformat()
            except InputError as error:
                errors[key] = [str(error)]
                out.pop(key)
        elif _nested_rows(field) is not None and isinstance(value, list):
            out[key] = _typed_rows(_nested_rows(field), value, errors, key)
    return out


def _nested_rows(field):
    if isinstance(field, marshmallow.fields.List) and isinstance(field.inner, marshmallow.fields.Nested):
        return field.inner.schema
    return None


def _typed_rows(schema, rows_: list, errors: dict, key: str) -> list:
    row_errors: dict = {}
    typed = typed_dates(schema, rows_, row_errors)
    if row_errors:
        errors[key] = row_errors
    return typed


def flatten(errors: dict, prefix: str = "") -> dict:
    """``{"lines": {0: {"count": [...]}}}`` becomes ``{"lines-0-count": [...]}`` for the form template."""
    out: dict = {}
    for key, value in errors.items():
        name = f"{prefix}-{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.update(flatten(value, name))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for index, item in enumerate(value):
                out.update(flatten(item, f"{name}-{index}"))
        else:
            out[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return out
