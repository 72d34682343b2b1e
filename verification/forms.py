"""Form plumbing for the verification pages: the values shown, and the dict handed to the API's schemas."""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from claims.enums import AgeClass, Confidence, LossOutcome, Predator, Species, TimeOfDay
from claims.forms import now_local
from conflict_service.web import forms as web_forms
from verification.enums import CarcassDisposal, RejectionReason, VerificationOutcome
from verification.presentation import VISIT_LABELS
from verification.schemas import CHECKLIST

VISIT_TEXT = ("visit_lat", "visit_lon", "canine_spacing_mm", "predator", "confidence", "time_of_day", "is_in_corral",
              "is_herder_present", "is_guard_dog_present", "carcass_disposal", "outcome", "rejection_reason", "notes")
VISIT_TIMES = ("visited_date", "visited_time")
LINE_FIELDS = ("species", "age_class", "outcome", "count")


def visit_choices(claim) -> dict:
    yes_no = [("true", _("Yes")), ("false", _("No"))]
    return {"predators": Predator.choices(), "confidences": Confidence.choices(),
            "times_of_day": TimeOfDay.choices(), "yes_no": yes_no, "disposals": CarcassDisposal.choices(),
            "outcomes": VerificationOutcome.choices(), "reasons": RejectionReason.choices(),
            "species": Species.choices(), "age_classes": AgeClass.choices(), "loss_outcomes": LossOutcome.choices(),
            "as_claimed": _as_claimed(claim), "labels": VISIT_LABELS}


def _as_claimed(claim) -> dict:
    """The blank choice of each correction says what the claim recorded, so 'unchanged' is explicit."""
    def yn(value):
        return _("Yes") if value else _("No")
    label = _("As claimed: {value}")
    return {"time_of_day": label.format(value=claim.time_of_day.title),
            "is_in_corral": label.format(value=yn(claim.is_in_corral)),
            "is_herder_present": label.format(value=yn(claim.is_herder_present)),
            "is_guard_dog_present": label.format(value=yn(claim.is_guard_dog_present))}


def visit_defaults(claim) -> dict:
    """A new visit starts now, with the claimed losses to confirm or correct."""
    now = now_local(claim.office.timezone)
    values: dict = {"visited_date": now.date().isoformat(), "visited_time": now.strftime("%H:%M")}
    values["lines"] = [{k: getattr(line, k).value if k != "count" else line.count for k in LINE_FIELDS}
                       for line in claim.lines] + [{}]
    return values


def visit_values(form: MultiDict) -> dict:
    values = {k: form.get(k, "") for k in (*VISIT_TEXT, *VISIT_TIMES)}
    values.update(web_forms.flags(form, CHECKLIST))
    extra = 1 if "add_line" in form else 0
    values["lines"] = web_forms.rows(form, "lines", LINE_FIELDS) + [{} for _ in range(1 + extra)]
    return values


def visit_data(form: MultiDict, claim, schema) -> dict:
    """Validate a posted visit form with the API's schema (the wall-clock time is the office's)."""
    errors: dict = {}
    data = web_forms.clean(form, VISIT_TEXT)
    data.update(web_forms.flags(form, CHECKLIST))
    data["lines"] = web_forms.rows(form, "lines", LINE_FIELDS)
    visited = web_forms.local_datetime(form, "visited_date", "visited_time", claim.office.timezone, errors,
                                       "visited_at")
    if visited:
        data["visited_at"] = visited
    elif "visited_at" not in errors:
        errors["visited_at"] = [_("Give the date of the visit.")]
    return web_forms.load(schema, data, extra_errors=errors)


def uploads(files: MultiDict, name: str) -> list[tuple]:
    """The files chosen in a file input; an input left empty sends a nameless, empty part, which is skipped."""
    return [(f.stream, f.filename) for f in files.getlist(name) if f.filename]


def disposal_choices() -> list[tuple[str, str]]:
    """How a carcass left in place can have been disposed of later (not "left in place" again)."""
    return [(key, title) for key, title in CarcassDisposal.choices() if key != CarcassDisposal.LEFT_IN_PLACE.value]
