"""A field record's answers as a reader sees them: labels and values in their language, never raw codes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from claims.enums import AgeClass, Confidence, LossOutcome, Predator, Species, TimeOfDay
from conflict_service.i18n import comma, exact_number, format_coordinates, format_number, semicolon
from field.instance import Instance
from verification.enums import CarcassDisposal, RejectionReason, VerificationOutcome
from verification.presentation import CHECKLIST_LABELS, CORRECTION_LABELS, VISIT_LABELS

CHOICES = {"predator": Predator, "confidence": Confidence, "carcass_disposal": CarcassDisposal,
           "outcome": VerificationOutcome, "rejection_reason": RejectionReason, "time_of_day": TimeOfDay}
ORDER = ("visited_at", "visit_lat", "checklist", "canine_spacing_mm", "predator", "confidence", "time_of_day",
         "is_in_corral", "is_herder_present", "is_guard_dog_present", "carcass_disposal", "outcome",
         "rejection_reason", "notes")


def _title(enum, value: str):
    try:
        return enum(value).title
    except ValueError:
        return value  # an answer the form never offers: shown as sent, and the record says why it waits


def _when(value: str):
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return value


def loss_line(line: dict) -> str:
    """A loss line as the reader reads it, «۲ × گوسفند (بالغ، کشته)»: from a record's answers, or a claim's line
    (``{"count": 2, "species": "sheep", ...}``) for the phone's list of cases."""
    count = line.get("count", "?")
    return "{count} × {species} ({age}{comma}{outcome})".format(
        count=format_number(int(count)) if str(count).isdigit() else count,
        species=str(_title(Species, line.get("species", ""))), comma=comma(),
        age=str(_title(AgeClass, line.get("age_class", ""))).lower(),
        outcome=str(_title(LossOutcome, line.get("outcome", ""))).lower())


def _number(value: str) -> str:
    """A number as the device sent it ("37.4512"), in the reader's digits; anything else as it was sent."""
    try:
        return exact_number(Decimal(value))
    except (InvalidOperation, TypeError, ValueError):
        return value


def _coordinates(lat: str, lon: str | None) -> str:
    try:
        return format_coordinates(Decimal(lat), Decimal(lon))
    except (InvalidOperation, TypeError, ValueError):
        return f"{lat}, {lon}"


def answers(found: Instance) -> list[tuple[object, object]]:
    """(label, value) pairs in the form's order; a value is text, a datetime or a list of lines."""
    visit, labels = found.visit, {**VISIT_LABELS, **dict(CORRECTION_LABELS)}
    out = []
    for key in ORDER:
        if key == "checklist":
            ticked = [str(label) for name, label in CHECKLIST_LABELS if visit.get(name)]
            if ticked:
                out.append((labels["checklist"], semicolon().join(ticked)))
        elif key == "visit_lat" and visit.get("visit_lat") is not None:
            out.append((labels["visit_location"], _coordinates(visit["visit_lat"], visit.get("visit_lon"))))
        elif key in ("is_in_corral", "is_herder_present", "is_guard_dog_present") and key in visit:
            out.append((labels[key], _("Yes") if visit[key] == "true" else _("No")))
        elif key in CHOICES and visit.get(key):
            out.append((labels[key], str(_title(CHOICES[key], visit[key]))))
        elif key == "visited_at" and visit.get(key):
            out.append((labels[key], _when(visit[key])))
        elif key == "canine_spacing_mm" and visit.get(key):
            out.append((labels[key], _number(visit[key])))
        elif key == "notes" and visit.get(key):
            out.append((labels[key], visit[key]))
    if visit.get("lines"):
        out.append((labels["lines"], [loss_line(line) for line in visit["lines"]]))
    return out


def problems(detail: dict) -> list[tuple[object, str]]:
    """The messages that kept a record from applying, each under the question it is about."""
    labels = {**VISIT_LABELS, **dict(CORRECTION_LABELS), **dict(CHECKLIST_LABELS),
              "visit_lat": VISIT_LABELS["visit_location"], "visit_lon": VISIT_LABELS["visit_location"]}
    out = []
    for name, messages in (detail.get("errors") or {}).items():
        root = name.split("-")[0]
        text = " ".join(messages) if isinstance(messages, list) else str(messages)
        out.append((labels.get(root, _("The record")), text))
    return out
