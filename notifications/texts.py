"""What owners read (DESIGN §11): one short text per event, in the owner's language, one SMS segment where
possible (70 characters in Arabic, Persian or Cyrillic script, 160 in GSM-7; tests measure every locale).

Parameters are stored with the message as plain data; the text is rendered once, when the message is queued,
inside ``force_locale(language)`` so amounts and dates are written as the owner reads them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import gettext as _

from conflict_service.i18n import format_date, format_money, native_digits
from notifications.enums import Template
from payouts.enums import RejectReason


def _amount(params: dict) -> str:
    return format_money(Decimal(params["amount"]), params["currency"], toman=False)


def _filed(p):
    # i18n: an SMS; keep it under 70 characters with a claim number of 18 characters and a 6-digit PIN
    return _("Claim {number} filed. PIN {pin}. A verifier will visit.").format(
        number=p["number"], pin=native_digits(p["pin"]))  # in the owner's digits: the status page reads both


def _visited(p):
    # i18n: an SMS; keep it under 70 characters
    return _("Claim {number}: site visit done. A manager decides next.").format(number=p["number"])


def _approved(p):
    # i18n: an SMS; keep it under 70 characters with an amount of about 15 characters
    return _("Claim {number} approved: {amount}").format(number=p["number"], amount=_amount(p))


def _reason(p) -> str:
    if p.get("reason_code"):
        return str(RejectReason(p["reason_code"]).title).lower()
    return _("not confirmed on site")


def _rejected(p):
    # i18n: an SMS; {reason} is short ("late report"), {until} a date; it may take two segments
    return _("Claim {number} rejected: {reason}. Appeal at the office by {until}.").format(
        number=p["number"], reason=_reason(p), until=format_date(date.fromisoformat(p["appeal_until"])))


def _paid(p):
    # i18n: an SMS; keep it under 70 characters with an amount of about 15 characters
    return _("Claim {number} paid: {amount}. Ref {reference}").format(
        number=p["number"], amount=_amount(p), reference=p["reference"])


def _status(p):
    return _("Claim {number}: {state}. {next}").format(number=p["number"], state=p["state"], next=p["next"])


def _stopped(_p):
    return _("You will get no more messages about your claims.")


RENDER = {Template.FILED: _filed, Template.VISITED: _visited, Template.APPROVED: _approved,
          Template.REJECTED: _rejected, Template.PAID: _paid, Template.STATUS: _status, Template.STOPPED: _stopped}
OWNER_TEMPLATES = (Template.FILED, Template.VISITED, Template.APPROVED, Template.REJECTED, Template.PAID)


def render(template: Template, params: dict, language: str, link: str | None = None) -> str:
    """The text of an owner's message in ``language``; ``link`` (the status page) only where links are allowed."""
    with force_locale(language):
        text = RENDER[template](params)
    # No-break spaces (in formatted amounts) are not in the GSM-7 alphabet: one would make a Latin text UCS-2.
    text = text.replace("\xa0", " ").replace("\u202f", " ")
    return f"{text} {link}" if link else text


def sample_params(template: Template) -> dict:
    """Realistic parameters for the managers' preview and the length tests."""
    return {"number": "IR-DRG-2026-000078", "pin": "482913", "amount": "45000000", "currency": "IRR",
            "reason_code": "late_report", "appeal_until": "2026-06-14", "reference": "TRX88412093",
            "state": "under verification", "next": "A field verifier will visit the site and record the evidence."}
