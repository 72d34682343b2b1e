"""Audit events are stored in English codes with structured data and described in the reader's language."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from markupsafe import Markup

from conflict_service.auth.models import User
from conflict_service.db import db
from conflict_service.i18n import currency_name, format_datetime, format_money, format_number, isolate, join_list

# A label recorded as a number: a payment batch, a measure; a contract's period (#3/2, contract 3's second period).
NUMBERED = re.compile(r"#\d{1,12}(?:/\d{1,12})?")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")

_DESCRIPTIONS: dict[str, object] = {
    "user.created": L_("User {label} created"),
    "user.updated": L_("User {label} changed"),
    "user.password_changed": L_("Password of {label} changed"),
    "user.signed_in": L_("{label} signed in"),
    "user.sign_in_failed": L_("Failed sign-in for {label}"),
    "token.issued": L_("API token issued to {label}"),
    "token.revoked": L_("API token of {label} revoked"),
    "jurisdiction.created": L_("Jurisdiction {label} created"),
    "jurisdiction.updated": L_("Jurisdiction {label} changed"),
    "user.language_changed": L_("{label} chose another language"),
    "user.field_credential_created": L_("Field device connection created for {label}"),
    "user.field_credential_revoked": L_("Field device connection of {label} revoked"),
    "export.claims": L_("Claims exported as {label}"),
}


def actor_name(event) -> str:
    """Who did it, as readers know them: the account's full name ("مریم رحیمی", not the sign-in name "clerk_ir" the
    event recorded, which stays the record and what the audit log is filtered by); the recorded sign-in name where the
    account has no full name or is gone; the service itself (events with no user) in the reader's language."""
    name = event.actor_name
    if name in (None, "", "system"):
        return _("the service")
    account = db.session.get(User, event.actor_id) if event.actor_id else None  # an account already loaded: no query
    return account.full_name if account is not None and account.full_name else name


def register(descriptions: dict[str, object]) -> None:
    """Let a package describe its own audit actions (from its ``register_texts()``, called by ``create_app``): each a
    message with ``{placeholders}`` of the event's data, or a callable that agrees with a recorded count (``describe``).
    """
    _DESCRIPTIONS.update(descriptions)


def recorded_count(data: dict, key: str) -> int:
    """The count ``key`` as the event recorded it, for ``ngettext`` in a registered description (``describe``); one the
    event did not record (its sentence shows a dash) counts as none."""
    value = data.get(key)
    if isinstance(value, bool):
        return 0
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def is_described(action: str) -> bool:
    return action in _DESCRIPTIONS


def _label(event) -> str:
    """The entity's label as recorded; a numbered one ("#32", a batch or a measure) in the reader's digits."""
    if not event.entity_label:
        return f"#{format_number(event.entity_id)}"
    if NUMBERED.fullmatch(event.entity_label):
        return "#" + "/".join(format_number(int(n)) for n in event.entity_label[1:].split("/"))
    return event.entity_label


# An identifier another system gave (a Camtrap DP package "camtrap-ir-tandoureh-2025", an observation "O0020"): letters
# and digits without spaces, like a claim number; no word of any language (BCP 47 "zxx").
IDENTIFIER = re.compile(r"(?=[^\s]*\d)(?=[^\s]*[A-Za-z])[A-Za-z0-9._:-]{2,80}")


def describe_html(event) -> Markup:
    """``describe`` for pages, escaped once: a label that is another system's identifier is marked as no language, so
    that a reader's tools (and the page's language checks) do not take it for an English word; any other label is set
    apart in its direction. Every other part of the sentence is the reader's."""
    label = _label(event)
    text = Markup.escape(describe(event, label=_LABEL_SLOT))
    if not is_described(event.action):  # the code for whoever investigates, out of the sentence people read
        text = Markup('<span title="{}">{}</span>').format(event.action, text)
    if IDENTIFIER.fullmatch(label):
        shown = Markup('<bdi lang="zxx" dir="ltr">{}</bdi>').format(label)
    else:
        shown = isolate(label)
    text = text.replace(_LABEL_SLOT, shown)  # Markup.replace: the slot is filled with markup, not escaped again
    # References set apart in the sentence (a payment's "PERF-1-1-M6-1"): the same for those that are identifiers.
    # Safe: an identifier holds only letters, digits and . _ : - (nothing HTML would read).
    return Markup(_ISOLATED_IDENTIFIER.sub(r'<bdi lang="zxx" dir="ltr">\1</bdi>', str(text)))  # noqa: S704


_ISOLATED_IDENTIFIER = re.compile(r"\u2068((?=[^\s\u2069]*\d)(?=[^\s\u2069]*[A-Za-z])[A-Za-z0-9._:-]{2,80})\u2069")
_LABEL_SLOT = "\ue000"  # a private-use character: where the label goes, filled after the sentence is escaped


def describe(event, label: str | None = None) -> str:
    """The event in the reader's language: its registered message filled with the event's data as the reader reads it
    (``_readable``: numbers in the reader's digits, codes by their titles), ``{label}`` with the entity's label.

    A sentence that counts something agrees with the count: its description is then a callable registered in the
    message's place, which takes the event's data as recorded (the raw numbers, before they are written in the reader's
    digits) and returns the catalog's message for that count, ``{placeholders}`` and all::

        "payment_batch.created": lambda data: ngettext("Payment batch {label} built: {payments} payment, {total}",
                                                       "Payment batch {label} built: {payments} payments, {total}",
                                                       recorded_count(data, "payments")),

    (flask_babel's ``ngettext``, so that Babel extracts both forms and each catalog gives all of its own). The message
    is then filled like any other, so that ``describe_html`` sets the label in its slot as for the rest.
    """
    template = _DESCRIPTIONS.get(event.action)
    label = isolate(_label(event)) if label is None else label
    if template is None:  # never a raw code in a sentence (tests/hardening/test_audit_descriptions.py finds them all)
        # i18n: an audit event of a kind without words of its own; {label} names what changed
        return _("Changed {label}").format(label=label)
    data = event.data or {}
    if callable(template):  # a message that agrees with a recorded count; a lazy string is not callable
        template = template(data)
    try:
        return str(template).format_map(_Params(_readable(data), label=label))
    except (IndexError, ValueError):
        return str(template)


MONEY_KEYS = ("amount", "total", "interest", "advance", "cap", "expected")


_VALUE_WORDS: dict = {}


def register_value(key: str, words) -> None:
    """Show the recorded value of ``key`` in events' descriptions through ``words(value)`` (a code → its title)."""
    _VALUE_WORDS[key] = words


def _readable(data: dict) -> dict:
    """Codes read as their titles; amounts recorded as decimal strings with a currency as money in the reader's
    locale."""
    out = dict(data)
    for key, words in _VALUE_WORDS.items():
        if out.get(key) is not None:
            try:
                out[key] = words(out[key])
            except (KeyError, ValueError):
                pass  # an unknown code reads as itself
    currency = data.get("currency")
    for key in MONEY_KEYS if currency else ():
        value = out.get(key)
        if isinstance(value, str | int) and str(value).replace(".", "", 1).lstrip("-").isdigit():
            out[key] = format_money(Decimal(str(value)), currency)
    for key, value in out.items():
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            out[key] = format_number(value)  # counts and numbers in the reader's digits
        elif isinstance(value, list) and key not in _VALUE_WORDS:
            out[key] = join_list([str(v) for v in value])
        elif key in _ISOLATED and isinstance(value, str):
            out[key] = isolate(value)  # a Latin reference keeps its place in a right-to-left sentence
    return out


# Recorded references read as they are (bank references, batch and file labels), each set apart in its direction.
_ISOLATED = {"reference", "label", "number", "claim_number", "batch_label"}


class _Params(dict):
    """Template parameters from the event's data; one the event did not record reads as a dash."""

    def __missing__(self, key):
        return "—"


_VALUE_TITLES: dict[str, type] = {}


def register_values(enums: dict[str, type]) -> None:
    """Fields whose recorded codes are members of a TitledEnum, shown by their translated titles."""
    _VALUE_TITLES.update(enums)


# Fields whose recorded value is a code read through a function of its own (a currency's ISO code by its name in the
# reader's language, «ریال ایران»); the data, exports and the API keep the code.
_SHOWN_AS: dict[str, Callable[[str], object]] = {"currency": currency_name}


def register_shown_as(field: str, words: Callable[[str], object]) -> None:
    """Show a changed field's recorded code through ``words(code)`` in histories (``show_value``)."""
    _SHOWN_AS[field] = words


def show_value(value, tz: str = "UTC", field: str | None = None) -> str:
    """A recorded value as a person reads it: yes/no, local date and time, lists joined, codes by title."""
    if value is None or value == "":
        return "—"
    words = _SHOWN_AS.get(field or "")
    if words is not None and isinstance(value, str):
        return str(words(value))
    enum_cls = _VALUE_TITLES.get(field or "")
    if enum_cls is not None and isinstance(value, str) and value in enum_cls._value2member_map_:
        return str(enum_cls(value).title)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return join_list([show_value(v, tz, field) for v in value])
    if isinstance(value, int | float | Decimal):
        return format_number(value)
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        return format_datetime(datetime.fromisoformat(value), tz=tz)
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return format_number(Decimal(value))
    if isinstance(value, dict):
        return join_list([f"{field_label(k)}: {show_value(v, tz, k)}" for k, v in value.items()])
    return str(value)


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def field_label(name: str) -> str:
    """A readable name for a changed field in the history (falls back to the field name)."""
    return str(_FIELD_LABELS.get(name, name.replace("_", " ")))


_FIELD_LABELS: dict[str, object] = {"status": L_("Status")}


def register_fields(labels: dict[str, object]) -> None:
    _FIELD_LABELS.update(labels)
