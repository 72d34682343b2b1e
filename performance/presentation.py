"""Words for people: performance's audit actions, and each line of a period's assessment in the reader's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from flask_babel import ngettext
from markupsafe import Markup, escape

from conflict_service.audit.presentation import register
from conflict_service.i18n import (
    currency_name,
    format_date,
    format_money,
    format_number,
    format_percent,
    join_list,
    native_digits,
)
from performance.enums import Distribution, Fallback, Forfeiture, Indicator

LINE_TEXT = {
    # i18n: {detections} is "12 verified leopard detections", {camera_days} is "over 180 camera-days" (each counted in
    # its own plural form below); {units} is a number with up to two decimals; a deployment-month is 30 camera-days
    "detections": L_("{detections} {camera_days}: {units} per deployment-month"),
    "reproductions": L_("Verified leopard reproductions: {units}"),
    "no_retaliation": L_("A period without retaliation: one unit"),
    "monitoring_failed": L_("Monitoring failed: the cameras did not run the whole period ({deployments})"),
    # i18n: {periods} is "the last 3 verified periods", {units} is "1.5 units" (each counted in its own plural form
    # below)
    "average": L_("Fallback: the average of {periods}, {units}"),
    "nothing": L_("Fallback: the contract pays nothing for a period without monitoring"),
    "no_history": L_("Fallback: no earlier verified period to average, so nothing"),
    # i18n: {units} is "2 units" or "1.98 units" (counted in its plural form below); {rate} an amount with its currency
    "units_times_rate": L_("{units} × {rate} per unit"),
    "capped": L_("Capped at {cap} per period"),
    "cancelled": L_("Forfeited: {events}"),
    "cut": L_("Cut by {pct}: {events}"),
    "rounded": L_("Rounded once, half up, to the minor unit of {currency}"),
}
CAMERA_ID = Markup('<bdi dir="ltr" class="nowrap">{}</bdi>')
EVENT_TEXT = {"retaliation": L_("leopard killed on {on} (record {reference})"),
              "poaching": L_("poaching violation on {on} (policy {reference})")}


# Camtrap DP's life stages (observations.lifeStage) by name; a value outside the standard is shown as imported.
LIFE_STAGES = {"adult": L_("adult"), "subadult": L_("subadult"), "juvenile": L_("juvenile")}


# Only leopards are imported (camtrap.is_leopard); the Persian leopard's names in the literature (P. p. tulliana, and
# saxicolor and ciscaucasica before the 2017 revision) read as its common name, any other subspecies as "Leopard".
PERSIAN_LEOPARD = {"tulliana", "saxicolor", "ciscaucasica"}


def species_name(scientific_name: str | None) -> str:
    """An imported observation's taxon by its name in the reader's language (the scientific name is for a title)."""
    words = (scientific_name or "").lower().split()
    return _("Persian leopard") if PERSIAN_LEOPARD & set(words[2:3]) else _("Leopard")


def life_stage(code: str | None) -> str:
    return str(LIFE_STAGES.get((code or "").lower(), code or ""))


# The money terms of a contract (models.MONEY_TERMS) by name, as a proposed change lists them.
TERM_LABELS = {"indicator": L_("Indicator"), "rate": L_("Rate per unit"), "cap": L_("Cap per period"),
               "forfeiture": L_("Retaliation or poaching in the area"), "forfeit_pct": L_("Percentage cut"),
               "fallback": L_("When monitoring fails"), "fallback_periods": L_("Periods averaged"),
               "distribution": L_("Distribution")}
TERM_ENUMS = {"indicator": Indicator, "forfeiture": Forfeiture, "fallback": Fallback, "distribution": Distribution}


def term_label(key: str) -> str:
    return str(TERM_LABELS.get(key, key))


def term_value(key: str, value, currency: str) -> str:
    """A money term as stored in a proposal (JSON: strings and numbers), for the reader."""
    if value is None:
        return _("None")
    if key in TERM_ENUMS:
        return str(TERM_ENUMS[key](value).title)
    if key in ("rate", "cap"):
        return format_money(Decimal(str(value)), currency, exact=True)
    return format_number(Decimal(str(value)))


def describe_line(line: dict, currency: str) -> Markup | str:
    params = dict(line.get("params", {}))
    counted = {key: Decimal(str(params[key])) for key in ("detections", "camera_days", "periods", "units")
               if key in params}
    for key in ("units", "detections", "camera_days", "periods"):
        if key in params:
            params[key] = format_number(Decimal(str(params[key])))
    if "pct" in params:
        params["pct"] = format_percent(Decimal(str(params["pct"])))
    for key in ("rate", "cap"):
        if key in params:
            params[key] = format_money(Decimal(params[key]), currency, exact=True)
    if "currency" in params:  # a sentence names it in the reader's language («ریال ایران»); the data keep the code
        params["currency"] = currency_name(params["currency"])
    if "deployments" in params:
        params["deployments"] = _camera_ids(params["deployments"]) or _("no camera ran")
    if "events" in params:
        params["events"] = join_list(str(EVENT_TEXT[e["kind"]]).format(
            on=format_date(date.fromisoformat(e["on"])), reference=_reference(e)) for e in params["events"])
    if "detections" in counted:  # each count in its own plural form («21 регистрация», «182 камеро-дня»)
        params["detections"] = ngettext("%(count)s verified leopard detection", "%(count)s verified leopard detections",
                                        int(counted["detections"]), count=params["detections"])
    if "camera_days" in counted:
        params["camera_days"] = _over_camera_days(counted["camera_days"], params["camera_days"])
    if "periods" in counted:
        # i18n: the verified periods a fallback averages, in "Fallback: the average of {periods}, {units}"
        params["periods"] = ngettext("the last %(count)s verified period", "the last %(count)s verified periods",
                                     int(counted["periods"]), count=params["periods"])
    if line["code"] in COUNTED_UNITS and "units" in counted:
        params["units"] = _units(counted["units"], params["units"])
    template = LINE_TEXT.get(line["code"])
    if template is None:
        return line["code"]
    return Markup(str(template)).format(**params)  # noqa: S704 - the catalogs are trusted as templates; params escaped


def _over_camera_days(days: Decimal, shown: str) -> str:
    """The time the cameras ran, counted: a whole number of days in its plural form, a fraction (cameras set up or
    taken down during a day: 90.5) in the form a language gives fractions."""
    if days == days.to_integral_value():
        # i18n: the time the detections were made in; a camera-day is one camera running for one day
        return ngettext("over %(count)s camera-day", "over %(count)s camera-days", int(days), count=shown)
    # i18n: a count of camera-days with a fraction (90.5): the form a language gives fractions (ru «за 90,5 камеро-дня»)
    return _("over %(count)s camera-days", count=shown)


# Lines whose {units} is a count of units ("1.5 units"); elsewhere a bare number ("Verified leopard reproductions: 2").
COUNTED_UNITS = ("average", "units_times_rate")


def _units(units: Decimal, shown: str) -> str:
    """Units paid for, counted: a whole number in its plural form, a fraction (1.98) in the form a language gives
    fractions."""
    if units == units.to_integral_value():
        return ngettext("%(count)s unit", "%(count)s units", int(units), count=shown)
    # i18n: a number of units with a fraction (1.98): the form a language gives fractions (ru «1,98 единицы»)
    return _("%(count)s units", count=shown)


def _camera_ids(ids) -> Markup:
    """Cameras' identifiers listed as the reader lists things, each kept whole and left to right (TAN-D03 broke at its
    hyphen and lost its brackets to the sides of an Urdu sentence)."""
    pattern = join_list(f"{{{i}}}" for i in range(len(ids)))  # the locale's separators around numbered places
    return escape(pattern).format(*(CAMERA_ID.format(d) for d in ids))


def _reference(event: dict) -> str:
    """A killing's record (#12) in the reader's digits; a policy's number is a code, read as it is written."""
    return native_digits(event["reference"]) if event["kind"] == "retaliation" else event["reference"]


def register_texts() -> None:
    """Describe performance's audit actions for people (``performance.init_app`` calls it)."""
    register({
        "performance_community.created": L_("Community {label} registered"),
        "performance_contract.created": L_("Performance contract {label} written"),
        "performance_contract.confirmed": L_("Performance contract {label} confirmed by a second manager"),
        "performance_contract.change_proposed": L_("Change of contract {label}'s money terms proposed"),
        "performance_contract.change_confirmed": L_("Change of contract {label}'s money terms confirmed"),
        "performance_contract.change_refused": L_("Change of contract {label}'s money terms refused"),
        # The package's name is the researchers' identifier (camtrap-ir-tandoureh-2025): kept in the event's data,
        # not in a sentence read in every language.
        "performance_import.recorded": L_("Camera-trap package imported (cameras: {deployments}, leopard "
                                          "observations: {leopards})"),
        "performance_observation.confirmed": L_("Leopard observation {label} confirmed"),
        "performance_observation.rejected": L_("Leopard observation {label} rejected"),
        "performance_period.approved": L_("Period {label} approved for {total}"),
        "performance_period.settled": L_("Period {label} approved with nothing to pay: settled"),
        "performance_period.batched": L_("Period {label} added to payment batch #{batch}: {amount}"),
        "performance_period.unbatched": L_("Period {label} taken out of payment batch #{batch}"),
        "performance_period.payment_confirmed": L_("Payment {reference} of period {label} confirmed: {amount}"),
        "performance_period.payment_failed": L_("Payment {reference} of period {label} failed"),
    })
