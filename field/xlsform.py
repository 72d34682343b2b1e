"""The site-visit XForm, generated from the web visit form's own vocabulary and converted with pyxform.

Nothing here names a predator, a species or a checklist item: the choices come from the enums the web form uses,
the question labels from ``verification.presentation.VISIT_LABELS``, and every label is translated into the sixteen
languages from the same gettext catalogs. The XLSForm is built in memory as pyxform's dict input.

Language columns are written ``label::<native name> (<BCP 47 tag>)`` as the XLSForm and ODK docs ask: Enketo picks
the form language whose tag matches the browser's; ODK Collect opens a form in its ``default_language`` (the first
one otherwise) and remembers the language chosen with *Change Language*, so each verifier's copy of the form names
their own language as the default.
"""

from __future__ import annotations

import functools
import hashlib
import json

from flask_babel import force_locale
from flask_babel import lazy_gettext as L_

from claims.enums import AgeClass, Confidence, LossOutcome, Predator, Species, TimeOfDay
from conflict_service.i18n import LOCALES, language_name
from verification.enums import CarcassDisposal, RejectionReason, VerificationOutcome
from verification.presentation import CHECKLIST_LABELS, CORRECTION_LABELS, VISIT_LABELS

FORM_ID = "site_visit"
CASES_FILE = "cases.csv"
PHOTO_MAX_PIXELS = 2048  # ODK Collect shrinks photos on the phone to this longest side (orx:max-pixels)
CANINE_RANGE = (5, 150)
TITLE = L_("Site visit")
CLAIMED_LOSSES = L_("Claimed losses")
L = VISIT_LABELS

LISTS = {
    "predator": Predator, "confidence": Confidence, "time_of_day": TimeOfDay, "species": Species,
    "age_class": AgeClass, "loss_outcome": LossOutcome, "carcass_disposal": CarcassDisposal,
    "outcome": VerificationOutcome, "rejection_reason": RejectionReason,
}


def language_column(code: str) -> str:
    return f"{language_name(code)} ({code.replace('_', '-')})"


def _survey() -> list[dict]:
    canine = L["canine_spacing_error"]
    rows = [
        {"type": "start", "name": "start"}, {"type": "end", "name": "end"}, {"type": "deviceid", "name": "deviceid"},
        {"type": f"select_one_from_file {CASES_FILE}", "name": "claim", "label": L["claim"], "required": "yes"},
        {"type": "calculate", "name": "claimed_losses", "calculation": "pulldata('cases', 'losses', 'name', ${claim})"},
        {"type": "note", "name": "claimed_note", "label": (CLAIMED_LOSSES, ": ${claimed_losses}"),
         "relevant": "${claim} != ''"},
        {"type": "dateTime", "name": "visited_at", "label": L["visited_at"], "required": "yes", "default": "now()"},
        {"type": "geopoint", "name": "visit_location", "label": L["visit_location"]},
        {"type": "select_multiple checklist", "name": "checklist", "label": L["checklist"]},
        {"type": "integer", "name": "canine_spacing_mm", "label": L["canine_spacing_mm"],
         "hint": L["canine_spacing_hint"], "constraint": f". >= {CANINE_RANGE[0]} and . <= {CANINE_RANGE[1]}",
         "constraint_message": (canine, {"min": CANINE_RANGE[0], "max": CANINE_RANGE[1]})},
        {"type": "begin_repeat", "name": "photos", "label": L["photos"]},
        {"type": "image", "name": "photo", "label": L["photo"], "parameters": f"max-pixels={PHOTO_MAX_PIXELS}"},
        {"type": "geopoint", "name": "photo_location", "label": L["photo_location"]},
        {"type": "end_repeat"},
        {"type": "select_one predator", "name": "predator", "label": L["predator"], "required": "yes"},
        {"type": "select_one confidence", "name": "confidence", "label": L["confidence"], "required": "yes"},
        {"type": "begin_repeat", "name": "lines", "label": L["lines"], "hint": L["lines_hint"]},
        {"type": "select_one species", "name": "species", "label": L["species"], "required": "yes"},
        {"type": "select_one age_class", "name": "age_class", "label": L["age_class"], "required": "yes"},
        {"type": "select_one loss_outcome", "name": "loss_outcome", "label": L["loss_outcome"], "required": "yes"},
        {"type": "integer", "name": "count", "label": L["count"], "required": "yes", "constraint": ". > 0"},
        {"type": "end_repeat"},
        {"type": "begin_group", "name": "circumstances", "label": L["circumstances"],
         "hint": L["circumstances_hint"]},
        *[{"type": "select_one time_of_day" if name == "time_of_day" else "select_one yes_no", "name": name,
           "label": label} for name, label in CORRECTION_LABELS],
        {"type": "end_group"},
        {"type": "select_one carcass_disposal", "name": "carcass_disposal", "label": L["carcass_disposal"],
         "hint": L["carcass_hint"], "required": "selected(${checklist}, 'has_carcass')"},
        {"type": "select_one outcome", "name": "outcome", "label": L["outcome"], "required": "yes"},
        {"type": "select_one rejection_reason", "name": "rejection_reason", "label": L["rejection_reason"],
         "relevant": "${outcome} = 'rejected'", "required": "yes"},
        {"type": "text", "name": "notes", "label": L["notes"], "appearance": "multiline"},
    ]
    return rows


def _choices() -> list[dict]:
    rows = [{"list_name": name, "name": member.value, "label": member.title}
            for name, enum in LISTS.items() for member in enum]
    rows += [{"list_name": "checklist", "name": name, "label": label} for name, label in CHECKLIST_LABELS]
    rows += [{"list_name": "yes_no", "name": "true", "label": L["yes"]},
             {"list_name": "yes_no", "name": "false", "label": L["no"]}]
    return rows


TRANSLATED = ("label", "hint", "constraint_message")


def _text(value) -> str:
    if isinstance(value, tuple):  # (message, params) or (message, literal suffix)
        message, extra = value
        return str(message).format(**extra) if isinstance(extra, dict) else str(message) + extra
    return str(value)


def _localise(rows: list[dict]) -> list[dict]:
    """Every translatable column becomes one column per language, read from the catalogs."""
    out = [{k: v for k, v in row.items() if k not in TRANSLATED} for row in rows]
    for code in LOCALES:
        column = language_column(code)
        with force_locale(code):
            for row, target in zip(rows, out, strict=True):
                for key in TRANSLATED:
                    if key in row:
                        target[f"{key}::{column}"] = _text(row[key])
    return out


@functools.lru_cache(maxsize=len(LOCALES))
def xform(default_locale: str) -> tuple[str, str]:
    """(XForm XML, version) with ``default_locale`` as the language Collect opens the form in."""
    form = {"survey": _localise(_survey()), "choices": _localise(_choices())}
    with force_locale(default_locale):
        title = str(TITLE)
    version = hashlib.sha256(json.dumps(form, sort_keys=True).encode()).hexdigest()[:12]
    form["settings"] = [{"form_title": title, "form_id": FORM_ID, "version": version,
                         "default_language": language_column(default_locale),
                         "instance_name": "concat(${claim}, ' ', format-date-time(${visited_at}, '%Y-%m-%d'))"}]
    from pyxform import xls2xform  # on first use: with openpyxl and numpy it is ~40 MB no other process needs

    result = xls2xform.convert(form, form_name=FORM_ID)
    return result.xform, version


def md5_hash(text: str | bytes) -> str:
    data = text.encode() if isinstance(text, str) else text
    return "md5:" + hashlib.md5(data, usedforsecurity=False).hexdigest()
