"""Form plumbing for the owner and claim pages: the values shown, and the dict handed to the API schemas."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from claims.enums import (
    AgeClass,
    Confidence,
    EvidenceSign,
    LossOutcome,
    Predator,
    ProgrammeKind,
    ReportChannel,
    Species,
    TimeOfDay,
    YearCalendar,
)
from claims.models import count_in_force
from claims.queries import office_language, programme_usable_at, programmes_for
from conflict_service.errors import ValidationError
from conflict_service.i18n import (
    editable_number,
    format_date,
    format_number,
    language_titles,
    native_digits,
    plain_digits,
)
from conflict_service.jurisdictions.queries import offices_for, scope_ids, tree
from conflict_service.timeutil import local_today, utcnow
from conflict_service.web import forms as web_forms

OWNER_TEXT = ("name", "national_id", "phone", "village", "office_id", "home_lat", "home_lon", "preferred_language")
HERD_FIELDS = ("species", "head_count", "counted_on")
HERD_COUNT_FIELDS = (*HERD_FIELDS, "corrects_id", "note")
LINE_FIELDS = ("species", "age_class", "outcome", "count")
CLAIM_TEXT = ("programme_id", "incident_village", "incident_lat", "incident_lon", "time_of_day", "narrative",
              "report_channel")
CLAIM_FLAGS = ("is_in_corral", "is_herder_present", "is_guard_dog_present")
CLAIM_TIMES = ("incident_date", "incident_time", "reported_date", "reported_time")
MIN_LINE_ROWS = 3


# --- owners ------------------------------------------------------------------------------------------------

def owner_choices(user) -> dict:
    return {"offices": [(o.id, o.name) for o in offices_for(user)], "languages": language_titles(),
            "species": Species.choices()}


def owner_defaults(user) -> dict:
    """A clerk of one office registers owners there, in the language of the office's programme."""
    offices = offices_for(user)
    office = offices[0] if len(offices) == 1 else None
    return {"office_id": office.id if office else None, "herd": [{} for _ in range(3)],
            "preferred_language": office_language(office) if office else None}


def owner_values(form: MultiDict) -> dict:
    values = {k: form.get(k, "") for k in OWNER_TEXT}
    values.update(web_forms.flags(form, ("another_household",)))
    values["herd"] = web_forms.rows(form, "herd", HERD_FIELDS) + [{}]
    return values


def owner_values_from(owner) -> dict:
    """The owner's details as the edit form offers them (herd counts are added on the owner's page, never edited):
    numbers and digit identifiers in the reader's digits, as the owner's page shows them."""
    values = {k: getattr(owner, k) for k in OWNER_TEXT}
    values.update({k: editable_number(values[k]) for k in ("national_id", "phone", "home_lat", "home_lon")})
    return values


def owner_data(form: MultiDict) -> dict:
    data = web_forms.clean(form, OWNER_TEXT)
    data.update(web_forms.flags(form, ("another_household",)))
    herd = web_forms.rows(form, "herd", HERD_FIELDS)
    if herd:
        data["herd"] = herd
    return data


def herd_count_defaults(owner) -> dict:
    return {"counted_on": local_today(owner.office.timezone).isoformat()}


def herd_history(owner) -> list[dict]:
    """Per species, every count newest first, the one in force today marked, corrected ones with their correction."""
    out = []
    for species in dict.fromkeys(h.species for h in owner.herd_history):
        in_force = count_in_force(owner.herd_counts, species, None)
        rows = sorted((h for h in owner.herd_counts if h.species == species), key=lambda h: (h.counted_on, h.id),
                      reverse=True)
        out.append({"species": species, "in_force": in_force, "rows": rows})
    return out


def correctable_counts(owner) -> list[tuple[int, str]]:
    """The counts a correction may name (those not corrected yet), as the reader reads them."""
    corrected = {h.corrects_id for h in owner.herd_counts}
    return [(h.id, _("{species}: {count}, counted on {date}").format(
        species=h.species.title, count=format_number(h.head_count), date=format_date(h.counted_on)))
        for h in owner.herd_history if h.id not in corrected]


# --- claims ------------------------------------------------------------------------------------------------

def claim_choices(user, owner) -> dict:
    programmes = [p for p in programmes_for(user, active_only=True)
                  if p.takes_claims and programme_usable_at(p, owner.office)]
    return {"programmes": [(p.id, p.name) for p in programmes], "species": Species.choices(),
            "age_classes": AgeClass.choices(), "outcomes": LossOutcome.choices(), "times_of_day": TimeOfDay.choices(),
            "report_channels": ReportChannel.choices()}


def claim_defaults(owner) -> dict:
    return {"incident_village": owner.village, "incident_date": local_today(owner.office.timezone).isoformat(),
            "lines": [{} for _ in range(MIN_LINE_ROWS)]}


def claim_values(form: MultiDict) -> dict:
    values = {k: form.get(k, "") for k in (*CLAIM_TEXT, *CLAIM_TIMES, "idempotency_key")}
    values.update(web_forms.flags(form, CLAIM_FLAGS))
    lines = web_forms.rows(form, "lines", LINE_FIELDS)
    extra = 1 if "add_line" in form else 0
    values["lines"] = lines + [{} for _ in range(max(MIN_LINE_ROWS - len(lines), 0) + extra)]
    return values


def claim_values_from(claim) -> dict:
    tz = ZoneInfo(claim.office.timezone)
    reported = claim.reported_at.astimezone(tz)
    values = {k: getattr(claim, k) for k in (*CLAIM_TEXT, *CLAIM_FLAGS)}
    values.update({k: editable_number(values[k]) for k in ("incident_lat", "incident_lon")})  # the reader's digits
    values["time_of_day"], values["report_channel"] = claim.time_of_day.value, claim.report_channel.value
    incident_time = claim.incident_at.astimezone(tz).strftime("%H:%M") if claim.incident_at else ""
    values.update(incident_date=claim.incident_date.isoformat(), incident_time=incident_time,
                  reported_date=reported.date().isoformat(), reported_time=reported.strftime("%H:%M"))
    values["lines"] = [{k: getattr(line, k).value if k != "count" else line.count for k in LINE_FIELDS}
                       for line in claim.lines] + [{}]
    return values


def claim_data(form: MultiDict, owner, schema) -> dict:
    """Validate a posted claim form with the API's schema (wall-clock times are the office's)."""
    tz = owner.office.timezone
    errors: dict = {}
    data = web_forms.clean(form, CLAIM_TEXT)
    data.update(web_forms.flags(form, CLAIM_FLAGS))
    data["owner_id"] = owner.id
    data["lines"] = web_forms.rows(form, "lines", LINE_FIELDS)
    incident = web_forms.local_datetime(form, "incident_date", "incident_time", tz, errors, "incident_at",
                                        time_required=False)
    if incident and "T" in incident:
        data["incident_at"] = incident
    elif incident:  # the day alone: the time is not known
        data["incident_at"], data["incident_date"] = None, incident
    reported = web_forms.local_datetime(form, "reported_date", "reported_time", tz, errors, "reported_at")
    if reported:
        data["reported_at"] = reported
    try:
        return web_forms.load(schema, data, extra_errors=errors)
    except ValidationError as error:
        if {"incident_date", "incident_time"} & error.errors.keys():
            error.errors.pop("incident_at", None)  # "give the date" is already said where it was typed
        raise


def now_local(tz: str) -> datetime:
    return utcnow().astimezone(ZoneInfo(tz))


# --- programmes --------------------------------------------------------------------------------------------

RULE_TEXT = ("report_deadline_days", "report_backdating_days", "injured_pct", "missing_pct", "negligence_pct",
             "noncompliance_pct", "mitigation_bonus_pct", "coverage_pct", "deductible", "household_annual_cap",
             "dual_approval_threshold", "verification_sla_hours", "decision_sla_days", "payment_sla_days",
             "confirmation_sla_days", "appeal_days", "max_claims_per_year", "advance_pct",
             "late_interest_pct_per_year", "retaliation_freeze_days", "confirmed_min_signs", "confirmed_min_photos",
             "probable_min_signs", "probable_min_photos")
RULE_FLAGS = ("is_active", "is_toman_shown", "is_confirmed_carcass_required", "is_probable_carcass_required")
RULE_LISTS = ("covered_predators", "confirmed_signs", "probable_signs")
SIGN_LISTS = ("confirmed_signs", "probable_signs")  # the form sends an empty marker, so none ticked is not "absent"
NULLABLE_RULES = ("household_annual_cap", "dual_approval_threshold", "max_claims_per_year")
PROGRAMME_NEW = ("name", "kind", "jurisdiction_id", "currency", "official_language")


def programme_values_from(programme) -> dict:
    values = {k: editable_number(getattr(programme, k)) for k in RULE_TEXT}  # in the reader's digits
    values.update(name=programme.name, official_language=programme.official_language)
    values.update(names=dict(programme.names or {}), year_calendar=programme.year_calendar.value,
                  year_start_month=str(programme.year_start_month),
                  min_confidence=programme.min_confidence.value,
                  exclusion_zones=json.dumps(programme.exclusion_zones, indent=1) if programme.exclusion_zones else "")
    values.update({k: getattr(programme, k) for k in RULE_FLAGS})
    values.update({k: list(getattr(programme, k) or []) for k in RULE_LISTS})
    return values


def programme_values(form: MultiDict) -> dict:
    values = {k: form.get(k, "") for k in (*RULE_TEXT, "name", "official_language", "min_confidence",
                                            "exclusion_zones", "year_calendar", "year_start_month")}
    values["names"] = web_forms.names(form)
    values.update({k: [v for v in form.getlist(k) if v] for k in RULE_LISTS})
    values.update(web_forms.flags(form, RULE_FLAGS))
    return values


def programme_data(form: MultiDict, schema) -> dict:
    """Validate the rules form with the API's schema; a blank cap, threshold or limit means none."""
    data = web_forms.clean(form, (*RULE_TEXT, "name", "official_language", "min_confidence", "year_calendar",
                                  "year_start_month"))
    data["names"] = web_forms.names(form)
    data.update(web_forms.flags(form, RULE_FLAGS))
    data["covered_predators"] = form.getlist("covered_predators")
    data.update({k: [v for v in form.getlist(k) if v] for k in SIGN_LISTS if k in form})
    for key in NULLABLE_RULES:
        data.setdefault(key, None)
    errors: dict = {}
    zones_text = form.get("exclusion_zones", "").strip()
    try:
        data["exclusion_zones"] = json.loads(zones_text) if zones_text else None
    except ValueError:
        errors["exclusion_zones"] = [_("This is not valid JSON; paste GeoJSON as exported by a GIS.")]
    return web_forms.load(schema, data, extra_errors=errors)


def programme_choices(user) -> dict:
    return {"predators": Predator.choices(), "confidences": Confidence.choices(), "kinds": ProgrammeKind.choices(),
            "signs": EvidenceSign.choices(),
            "evidence_levels": [(c.value, _("For a “{confidence}” attribution").format(confidence=c.title))
                                for c in (Confidence.CONFIRMED, Confidence.PROBABLE)],
            "calendars": YearCalendar.choices(), "months": month_choices(),
            "languages": language_titles(),
            "jurisdictions": [(j.id, j.local_name) for j in visible_in(user)]}


def month_choices() -> list[tuple[str, str]]:
    """The first month of a programme year, by number (1: January or Farvardin)."""
    return [(str(n), native_digits(str(n))) for n in range(1, 13)]


def visible_in(user):
    t = tree()
    return sorted((t.by_id[i] for i in scope_ids(user)), key=lambda j: j.code)


MERGE_TEXT = ("into", "into_other", "reason")


def merge_values(form: MultiDict) -> dict:
    return {k: form.get(k, "") for k in MERGE_TEXT}


def merge_data(form: MultiDict) -> dict:
    """The record to keep: a number typed (in any digits) wins over a suggested record ticked."""
    data = web_forms.clean(form, MERGE_TEXT)
    other = data.pop("into_other", None)
    if other:
        data["into"] = plain_digits(other).lstrip("#")
    return data
