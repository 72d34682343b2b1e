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

from conflict_service.i18n import date_input_value, fill, format_date, format_money, native_digits
from notifications.enums import Template
from notifications.sms import is_gsm7
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
    return fill(_("Claim {number} approved: {amount}"), number=p["number"], amount=_amount(p))


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
    return fill(_("Claim {number} paid: {amount}. Ref {reference}"), number=p["number"], amount=_amount(p),
                reference=p["reference"])


def _status(p):
    return _("Claim {number}: {state}. {next}").format(number=p["number"], state=p["state"], next=p["next"])


def _stopped(_p):
    return _("You will get no more messages about your claims.")


RENDER = {Template.FILED: _filed, Template.VISITED: _visited, Template.APPROVED: _approved,
          Template.REJECTED: _rejected, Template.PAID: _paid, Template.STATUS: _status, Template.STOPPED: _stopped}
OWNER_TEMPLATES = (Template.FILED, Template.VISITED, Template.APPROVED, Template.REJECTED, Template.PAID)


def _plain_spaces(text: str) -> str:
    # No-break spaces (in formatted amounts) are not in the GSM-7 alphabet: one would make a Latin text UCS-2.
    return text.replace("\xa0", " ").replace("\u202f", " ")


def _sms_spaces(text: str) -> str:
    """An owner's text as sent: plain spaces where the rest is GSM-7 (a no-break space would make it UCS-2, 70
    characters a segment instead of 160); a text in another script is UCS-2 anyway and keeps its amounts whole on a
    narrow phone screen («۵۵٬۰۰۰ ؋» broke after the number), with the no-break space every phone's font has."""
    plain = _plain_spaces(text)
    return plain if is_gsm7(plain) else text.replace("\u202f", "\xa0")


def render(template: Template, params: dict, language: str, link: str | None = None) -> str:
    """The text of an owner's message in ``language``; ``link`` (the status page) only where links are allowed."""
    with force_locale(language):
        text = _sms_spaces(RENDER[template](params))
    return f"{text} {link}" if link else text


def token_values(params: dict, language: str) -> dict[str, str]:
    """A message's parameters for a gateway that fills a registered template (Kavenegar's tokens), written as the
    owner's text writes them: the PIN in their digits, the amount as their language writes it, the reason in their
    words and the appeal date in their calendar and digits as one word (``۱۴۰۵/۰۳/۲۴``: a date token takes no
    spaces). Claim numbers and bank references stay as they are, as in the texts."""
    values = {"number": params.get("number", ""), "reference": params.get("reference", "")}
    with force_locale(language):
        if params.get("pin"):
            values["pin"] = native_digits(params["pin"])
        if params.get("amount") is not None and params.get("currency"):
            values["amount"] = _amount(params)
        if params.get("appeal_until"):
            values["appeal_until"] = native_digits(date_input_value(date.fromisoformat(params["appeal_until"])))
        if "reason_code" in params:
            values["reason"] = _reason(params)
    return {name: _plain_spaces(value) for name, value in values.items()}


def sample_params(template: Template) -> dict:
    """Realistic parameters for the managers' preview and the length tests."""
    return {"number": "IR-DRG-2026-000078", "pin": "482913", "amount": "45000000", "currency": "IRR",
            "reason_code": "late_report", "appeal_until": "2026-06-14", "reference": "TRX88412093",
            "state": "under verification", "next": "A field verifier will visit the site and record the evidence."}
