"""Turn HTML form posts into the same dicts the API's schemas load, and schema errors back into field errors."""

from __future__ import annotations

import re
from datetime import date, datetime, time

import marshmallow
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from conflict_service.errors import ValidationError
from conflict_service.timeutil import to_utc

ROW_KEY = re.compile(r"^(?P<prefix>[a-z_]+)-(?P<index>\d{1,3})-(?P<field>[a-z_]+)$")


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


def local_datetime(form: MultiDict, date_name: str, time_name: str, tz_name: str, errors: dict,
                   target: str) -> str | None:
    """Combine a date and a wall-clock time typed at an office into an ISO timestamp with offset."""
    raw_date, raw_time = form.get(date_name, "").strip(), form.get(time_name, "").strip() or "00:00"
    if not raw_date:
        return None
    try:
        moment = datetime.combine(date.fromisoformat(raw_date), time.fromisoformat(raw_time))
    except ValueError:
        errors[target] = [_("Give a date as YYYY-MM-DD and a time as HH:MM.")]
        return None
    return to_utc(moment, tz_name).isoformat()


def load(schema: marshmallow.Schema, data: dict, *, partial=False, extra_errors: dict | None = None) -> dict:
    """Load with the API's schema; raise one ValidationError carrying every field's messages."""
    errors = dict(extra_errors or {})
    try:
        result = schema.load(data, partial=partial)
    except marshmallow.ValidationError as error:
        errors.update(error.messages if isinstance(error.messages, dict) else {"_schema": error.messages})
        result = None
    if errors:
        raise ValidationError(flatten(errors))
    return result


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
