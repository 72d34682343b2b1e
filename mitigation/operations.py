"""Every change to mitigation records. Operations check permission, flush and audit; the caller commits."""

from __future__ import annotations

import logging
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm
from flask_babel import gettext as _

from claims.models import Owner
from conflict_service.audit.operations import created, diff, jsonable, record, snapshot
from conflict_service.db import db
from conflict_service.errors import Forbidden, ValidationError
from conflict_service.i18n import decimals_allowed, format_date, round_money
from conflict_service.jurisdictions import queries as jq
from conflict_service.timeutil import local_today
from mitigation import permissions
from mitigation.models import GuardianDog, Inspection, Measure, Vaccination
from mitigation.rules import default_next_due
from mitigation.schemas import dog_errors

log = logging.getLogger(__name__)

MEASURE_FIELDS = ("owner_id", "kind", "installed_on", "site", "lat", "lon", "cost", "currency", "funder",
                  "owner_contribution", "notes")
EDITABLE = MEASURE_FIELDS[2:]
DOG_FIELDS = ("name", "sex", "birth_year")


def _audit_view(measure: Measure) -> dict:
    view = snapshot(measure, MEASURE_FIELDS)
    if measure.dog is not None:
        view |= {f"dog_{k}": jsonable(getattr(measure.dog, k)) for k in DOG_FIELDS}
    return view


# --- measures ----------------------------------------------------------------------------------------------

def create_measure(data: dict, actor) -> Measure:
    """Record a measure installed at a household of one of the clerk's offices."""
    if not permissions.can_record_measure(actor):
        raise Forbidden(_("Only office clerks record mitigation measures."))
    owner = db.session.get(Owner, data["owner_id"])
    if owner is None or owner.office_id not in jq.office_ids(actor):
        raise ValidationError.field("owner_id", _("No owner with this number is registered in your offices."))
    values = {k: data.get(k) for k in MEASURE_FIELDS}
    values["owner_contribution"] = data.get("owner_contribution") or Decimal(0)
    _check_values(values, owner)
    measure = Measure(**values, created_by_id=actor.id)
    measure.funder, measure.site = measure.funder.strip(), (measure.site or "").strip()
    if data.get("dog"):
        measure.dog = GuardianDog(**{k: data["dog"][k] for k in DOG_FIELDS})
        measure.dog.name = measure.dog.name.strip()
    db.session.add(measure)
    db.session.flush()
    record("measure.created", measure, actor=actor, changes=created(_audit_view(measure)))
    log.info("measure %s recorded for owner %s by %s", measure.id, owner.id, actor.username)
    return measure


def update_measure(measure: Measure, data: dict, actor) -> Measure:
    """Correct a measure's details (not its kind or household: record a new measure for those)."""
    if not permissions.can_record_measure(actor):
        raise Forbidden(_("Only office clerks correct mitigation measures."))
    for key in ("owner_id", "kind"):
        if key in data and data[key] != getattr(measure, key):
            raise ValidationError.field(key, _("This cannot change; record a new measure instead."))
    values = {k: getattr(measure, k) for k in MEASURE_FIELDS} | {k: data[k] for k in EDITABLE if k in data}
    values["owner_contribution"] = values["owner_contribution"] or Decimal(0)
    _check_values(values, measure.owner, measure)
    errors = dog_errors(measure.kind, data["dog"]) if data.get("dog") is not None else {}
    if errors:
        raise ValidationError(errors)
    before = _audit_view(measure)
    for key in EDITABLE:
        setattr(measure, key, values[key])
    if data.get("dog"):
        for key in DOG_FIELDS:
            if key in data["dog"]:
                setattr(measure.dog, key, data["dog"][key])
    db.session.flush()
    changes = diff(before, _audit_view(measure))
    if changes:
        record("measure.updated", measure, actor=actor, changes=changes)
    return measure


def _check_values(values: dict, owner: Owner, measure: Measure | None = None) -> None:
    errors: dict[str, list] = {}
    today = local_today(owner.office.timezone)
    if values["installed_on"] > today:
        errors["installed_on"] = [_("The installation date cannot be in the future.")]
    first = _first_inspection(measure)
    if first is not None and values["installed_on"] > first:
        errors["installed_on"] = [_("An inspection on {date} is before this date.").format(date=format_date(first))]
    if (values["lat"] is None) != (values["lon"] is None):
        errors["lon" if values["lon"] is None else "lat"] = [_("Give both latitude and longitude, or neither.")]
    if values["owner_contribution"] > values["cost"]:
        errors["owner_contribution"] = [_("The owner's contribution cannot exceed the cost.")]
    for key in ("cost", "owner_contribution"):
        if values[key] != round_money(values[key], values["currency"]):
            errors.setdefault(key, []).append(decimals_allowed(values["currency"]))
    if errors:
        raise ValidationError(errors)


def _first_inspection(measure: Measure | None):
    if measure is None or measure.id is None:
        return None
    return db.session.scalar(sa.select(sa.func.min(Inspection.inspected_on)).where(Inspection.measure_id == measure.id))


# --- inspections -------------------------------------------------------------------------------------------

def _lock(measure: Measure) -> Measure:
    """Re-read under a row lock (PostgreSQL) so parallel inspections recompute the status one after another."""
    stmt = (sa.select(Measure).where(Measure.id == measure.id).options(sa.orm.lazyload("*"))
            .with_for_update(of=Measure).execution_options(populate_existing=True))
    return db.session.execute(stmt).scalar_one()


def record_inspection(measure: Measure, data: dict, actor) -> Inspection:
    """Record what an inspection found; the latest inspection by date sets the measure's status."""
    if not permissions.can_inspect(actor):
        raise Forbidden(_("Only office clerks and field verifiers record inspections."))
    measure = _lock(measure)
    day = data["inspected_on"]
    if day < measure.installed_on:
        raise ValidationError.field("inspected_on", _("The measure was installed on {date}; inspect it after.").format(
            date=format_date(measure.installed_on)))
    if day > local_today(measure.owner.office.timezone):
        raise ValidationError.field("inspected_on", _("The inspection date cannot be in the future."))
    inspection = Inspection(measure_id=measure.id, inspected_on=day, status=data["status"],
                            notes=(data.get("notes") or "").strip(), inspector_id=actor.id)
    db.session.add(inspection)
    db.session.flush()
    changes = _refresh_status(measure)
    record("measure.inspected", measure, actor=actor, changes=changes,
           data={"inspection_id": inspection.id, "inspected_on": day, "found": inspection.status,
                 "notes": inspection.notes})
    return inspection


def _refresh_status(measure: Measure) -> dict:
    """Take status and date from the latest inspection by date (then by entry); return what changed."""
    # "measure_status", not "status": history labels and value titles are keyed by field name, and a claim's
    # "status" holds claim states.
    before = {"measure_status": jsonable(measure.status), "last_inspected_on": jsonable(measure.last_inspected_on)}
    latest = db.session.scalars(sa.select(Inspection).where(Inspection.measure_id == measure.id)
                                .order_by(Inspection.inspected_on.desc(), Inspection.id.desc()).limit(1)).one()
    measure.status, measure.last_inspected_on = latest.status, latest.inspected_on
    db.session.flush()
    return diff(before, {"measure_status": jsonable(measure.status),
                         "last_inspected_on": jsonable(measure.last_inspected_on)})


# --- guardian dogs -----------------------------------------------------------------------------------------

def record_vaccination(dog: GuardianDog, data: dict, actor) -> Vaccination:
    """Record a dose given to a guardian dog; rabies and distemper/parvovirus fall due again after 12 months."""
    if not permissions.can_record_vaccination(actor):
        raise Forbidden(_("Only office clerks and field verifiers record vaccinations."))
    measure = dog.measure
    given = data["given_on"]
    if given > local_today(measure.owner.office.timezone):
        raise ValidationError.field("given_on", _("The date given cannot be in the future."))
    if given.year < dog.birth_year:
        raise ValidationError.field("given_on", _("{name} was born in {year}.").format(name=dog.name,
                                                                                      year=dog.birth_year))
    vaccination = Vaccination(dog_id=dog.measure_id, kind=data["kind"], given_on=given,
                              next_due_on=data.get("next_due_on") or default_next_due(data["kind"], given),
                              notes=(data.get("notes") or "").strip(), recorded_by_id=actor.id)
    dog.vaccinations.append(vaccination)
    db.session.flush()
    record("dog.vaccinated", measure, actor=actor, changes=created({
        "vaccine": vaccination.kind, "given_on": given, "next_due_on": vaccination.next_due_on}),
        data={"vaccination_id": vaccination.id})
    return vaccination


def owner_merged(kept: Owner, *, data: dict, **_event) -> None:
    """``owner.merged``: the merged record's measures (and their inspections, dogs and vaccinations) are the kept
    household's."""
    db.session.execute(sa.update(Measure).where(Measure.owner_id == data["merged"]).values(owner_id=kept.id))
