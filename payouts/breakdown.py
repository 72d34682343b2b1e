"""An assessment as data (the frozen snapshot: JSON with decimal strings) and as text in the reader's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from flask_babel import ngettext

from claims.enums import AgeClass, Confidence, LossOutcome, Predator, Species
from conflict_service.i18n import (
    currency_name,
    format_date,
    format_money,
    format_number,
    format_percent,
    join_list,
    native_digits,
    round_money,
)
from mitigation.enums import MeasureKind
from payouts.engine import Assessment

SNAPSHOT_VERSION = 1
MONEY_PARAMS = frozenset({"rate", "cap", "prior", "remaining", "deductible"})
DATE_PARAMS = frozenset({"date", "since", "start", "end"})
DAY_COUNTS = frozenset({"days", "deadline", "limit"})  # in the report-deadline lines: "3 days"
PERCENT_PARAMS = frozenset({"pct", "negligence", "noncompliance", "bonus"})  # written with the locale's sign
NUMBER_PARAMS = frozenset({"count", "days", "deadline", "limit", "digits", "lost", "insured", "left"})
ENUM_PARAMS = {"species": Species, "age_class": AgeClass, "outcome": LossOutcome, "predator": Predator,
               "confidence": Confidence, "min_confidence": Confidence}

LINE_TEXT: dict[str, object] = {
    "covered": L_("{predator} ({confidence}) is covered: the programme pays for {covered} attributed with at least "
                  "“{min_confidence}” confidence"),
    "not_covered": L_("{predator} ({confidence}) is not covered: the programme pays for {covered} attributed with at "
                      "least “{min_confidence}” confidence"),
    "base_killed": L_("{count} × {species} ({age_class}) killed, at {rate} each"),
    "base_injured": L_("{count} × {species} ({age_class}) injured, at {rate} × {pct}"),
    "base_missing": L_("{count} × {species} ({age_class}) missing, at {rate} × {pct}"),
    "no_rate": L_("{count} × {species} ({age_class}) {outcome}: no rate in force on {date}"),
    "base_total": L_("Base amount"),
    # i18n: {days} and {deadline} read "1 day", "3 days" (counted with their plural forms)
    "on_time": L_("Reported {days} after the incident, within the deadline of {deadline}: unchanged"),
    "late_half": L_("Reported {days} after the incident, after the deadline of {deadline} but within {limit}: "
                    "× {pct}"),
    "too_late": L_("Reported {days} after the incident, more than {limit}: not payable"),
    "unguarded_night": L_("Night-time loss outside a corral, with no herder and no guard dog present: × {pct} "
                          "(less {negligence})"),
    "guarded": L_("Loss by day, in a corral, or with a herder or guard dog present: unchanged"),
    "mitigation_noncompliance": L_("Night-time loss outside the owner's predator-proof corral, in working order "
                                   "since {since}: × {pct} (less {noncompliance})"),
    "mitigation_bonus": L_("Mitigation in use at the loss ({measures}): × {pct} (plus {bonus})"),
    "mitigation_not_in_use": L_("The owner's active measures ({measures}) were not in use at the loss: unchanged"),
    "mitigation_none": L_("No active mitigation measure on the incident date: unchanged"),
    "place_unknown": L_("No incident location was recorded, so the exclusion zones could not be checked"),
    "excluded_zone": L_("The incident lies inside one of the programme's exclusion zones: not payable"),
    "outside_zones": L_("The incident lies outside the programme's exclusion zones: unchanged"),
    "cap_within": L_("Household cap {cap} a year, {prior} already approved for {year}: within the cap"),
    "cap_limited": L_("Household cap {cap} a year, {prior} already approved for {year}: limited to {remaining}"),
}
STEP_TITLES: dict[str, object] = {
    "coverage": L_("Coverage"), "base": L_("Losses"), "late_report": L_("Reporting delay"),
    "husbandry": L_("Husbandry"), "mitigation": L_("Mitigation"), "insurance": L_("Insurance"), "place": L_("Place"),
    "household_cap": L_("Household cap"), "rounding": L_("Rounding"),
}
REASON_TEXT: dict[str, object] = {
    "not_covered": L_("The attributed predator, or the confidence of the attribution, is not covered by the "
                      "programme."),
    "no_rate": L_("No rate is in force on the incident date for a verified loss; the claim can be paid once one "
                  "exists."),
    "late_report": L_("The loss was reported more than twice the reporting deadline after the incident."),
    "excluded_zone": L_("The incident happened inside one of the programme's exclusion zones."),
    "household_cap_reached": L_("The household has already been approved the programme's annual cap for this year."),
    "nothing_payable": L_("Nothing is payable after the programme's rules are applied."),
}


def register_texts(lines: dict | None = None, reasons: dict | None = None, steps: dict | None = None) -> None:
    """Let a higher module (insurance) describe the lines and reasons its steps produce."""
    LINE_TEXT.update(lines or {})
    REASON_TEXT.update(reasons or {})
    STEP_TITLES.update(steps or {})


# --- data -------------------------------------------------------------------------------------------------

def dec(value: Decimal) -> str:
    """An exact decimal as a plain string without exponent or trailing zeros."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def money_str(value: Decimal, currency: str) -> str:
    """A rounded amount with exactly the currency's minor-unit digits (IRR: 0, AMD: 2)."""
    return format(round_money(value, currency), "f")


def _plain(value):
    if isinstance(value, Decimal):
        return dec(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset | set | list | tuple):
        return [_plain(v) for v in value]
    return value.value if hasattr(value, "value") else value


def to_data(assessment: Assessment) -> dict:
    """The breakdown as JSON-ready data, the form in which it is frozen at approval."""
    return {
        "version": SNAPSHOT_VERSION, "currency": assessment.currency, "payable": assessment.payable,
        "total": money_str(assessment.total, assessment.currency), "reasons": list(assessment.reasons),
        "lines": [{"step": ln.step, "code": ln.code, "amount": None if ln.amount is None else dec(ln.amount),
                   "params": {k: _plain(v) for k, v in ln.params.items()}} for ln in assessment.lines],
    }


# --- text -------------------------------------------------------------------------------------------------

def format_amount(value, currency: str) -> str:
    """Money with every exact digit kept (intermediate steps are not rounded until the last one)."""
    return format_money(value, currency, exact=True)


def _param_text(key: str, value, currency: str) -> str:
    if value is None:
        return "—"
    if key in MONEY_PARAMS:
        return format_amount(value, currency)
    if key in ENUM_PARAMS:
        return str(ENUM_PARAMS[key](value).title)
    if key == "covered":
        return join_list(str(Predator(v).title) for v in value) or "—"
    if key == "measures":
        return join_list(str(MeasureKind(v).title) for v in value) or "—"
    if key == "currency":  # a sentence names it in the reader's language («ریال ایران»); the data keep the code
        return currency_name(value)
    if key == "year":  # a programme year's name, "1405" or "2026/27": digits only, never grouped
        return native_digits(str(value))
    if key in DAY_COUNTS:
        days = int(value)  # the catalog's "%(num)s day(s)", with the count in the reader's digits
        return ngettext("%(num)s day", "%(num)s days", days).replace(str(days), format_number(days), 1)
    if key in DATE_PARAMS:
        return format_date(date.fromisoformat(value))
    if key in PERCENT_PARAMS:
        return format_percent(Decimal(str(value)))
    if key in NUMBER_PARAMS:
        return format_number(Decimal(str(value)))
    return str(value)


def describe_line(line: dict, currency: str) -> str:
    params = {k: _param_text(k, v, currency) for k, v in line.get("params", {}).items()}
    if line["code"] == "rounded":
        if line["params"].get("digits") == 0:
            return _("Rounded once, half up, to whole {currency}").format(**params)
        return _("Rounded once, half up, to {digits} decimal places of {currency}").format(**params)
    template = LINE_TEXT.get(line["code"])
    if template is None:
        return line["code"]
    try:
        return str(template).format(**params)
    except (KeyError, IndexError):
        return str(template)


def step_title(step: str) -> str:
    return str(STEP_TITLES.get(step, step))


def reason_text(code: str) -> str:
    return str(REASON_TEXT.get(code, code))


def render(data: dict) -> dict:
    """The API's and the page's view of a breakdown: descriptions and reasons in the reader's language."""
    currency = data["currency"]
    return {
        "payable": data["payable"], "total": data["total"], "currency": currency,
        "lines": [{"step": ln["step"], "description": describe_line(ln, currency), "amount": ln["amount"]}
                  for ln in data["lines"]],
        "reasons": [{"code": code, "message": reason_text(code)} for code in data["reasons"]],
    }
