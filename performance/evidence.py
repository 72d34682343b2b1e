"""Camera-trap evidence: a Camtrap DP package imported whole or not at all, and verifiers' reviews of its leopard
observations (DESIGN §13). Only confirmed observations count towards a period's units."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask_babel import gettext as _

from claims.models import Programme
from claims.zones import contains_test
from conflict_service.audit.operations import record
from conflict_service.auth.models import Role
from conflict_service.db import db
from conflict_service.errors import Conflict, InvalidTransition, ValidationError
from conflict_service.jurisdictions import queries as jq
from conflict_service.timeutil import day_start, utcnow
from performance import camtrap
from performance.enums import PeriodStatus, Review
from performance.models import CameraImport, Community, Contract, Deployment, Observation, Period
from performance.operations import add_months, performance_programme
from performance.permissions import IMPORTERS, check_in_reach

YOUNG_STAGES = ("juvenile", "subadult", "cub")


def problems_as_errors(problems) -> dict[str, list[str]]:
    """Every problem of a refused package, by file: "row 3, deploymentStart: …" (a file-level one without row)."""
    errors: dict[str, list[str]] = {}
    for p in problems:
        where = []
        if p.row is not None:
            where.append(_("row {row}").format(row=p.row))
        if p.field:
            where.append(p.field)
        text = "{where}: {message}".format(where=", ".join(where), message=p.message) if where else p.message
        errors.setdefault(p.file, []).append(text)
    return errors


def import_package(programme_id, source: bytes, filename: str, actor) -> CameraImport:
    """Read and check the whole package first; record it only if every row is good (else 422, nothing saved)."""
    programme = performance_programme(programme_id)
    check_in_reach(actor, programme.jurisdiction_id, IMPORTERS,
                   _("Only a verifier or a programme manager imports camera-trap data."))
    try:
        package = camtrap.read_package(source)
    except camtrap.PackageError as exc:
        raise ValidationError(problems_as_errors(exc.problems),
                              _("The package was refused; nothing was recorded.")) from None
    sha = hashlib.sha256(source).hexdigest()
    if db.session.scalar(sa.select(CameraImport.id).where(CameraImport.programme_id == programme.id,
                                                          CameraImport.sha256 == sha)):
        raise Conflict(_("This package was already imported for this programme."))
    batch = CameraImport(programme_id=programme.id, package_name=package.name[:200], filename=filename[:200],
                         sha256=sha, imported_by_id=actor.id if actor else None, imported_at=utcnow())
    db.session.add(batch)
    db.session.flush()
    link = _linker(programme)
    by_id = {}
    for d in package.deployments:
        row = Deployment(import_id=batch.id, deployment_id=d.deployment_id, location_name=d.location_name,
                         latitude=d.latitude, longitude=d.longitude, start=d.start, end=d.end, tags=list(d.tags),
                         comments=d.comments, contract_id=link(d))
        db.session.add(row)
        by_id[d.deployment_id] = row
    db.session.flush()
    media = {m.media_id: m.file_path for m in package.media}
    leopards = detections(package.observations)
    for o in leopards:
        db.session.add(Observation(deployment_pk=by_id[o.deployment_id].id, observation_id=o.observation_id,
                                   event_id=o.event_id, event_start=o.event_start,
                                   scientific_name=o.scientific_name, count=o.count,
                                   life_stage=o.life_stage, individual_id=o.individual_id,
                                   media_path=media.get(o.media_id) if o.media_id else None))
    db.session.flush()
    linked = sum(1 for row in by_id.values() if row.contract_id is not None)
    record("performance_import.recorded", batch, actor=actor,
           data={"package": package.name, "deployments": len(by_id), "linked": linked, "leopards": len(leopards)})
    return batch


def detections(observations) -> list:
    """The package's leopard detections: its event-level leopard observations, and a media-level one only where no
    event-level observation describes the same event (a package may classify both, which would count twice)."""
    leopards = [o for o in observations if o.observation_type == "animal" and camtrap.is_leopard(o.scientific_name)]
    events = {(o.deployment_id, o.event_id) for o in leopards if o.observation_level == "event" and o.event_id}
    return [o for o in leopards if o.observation_level == "event" or not o.event_id
            or (o.deployment_id, o.event_id) not in events]


def _linker(programme: Programme):
    """``deployment -> contract id``: the contract whose community area holds the camera's point and whose term
    overlaps the deployment's time (the first by number when areas overlap), or None."""
    contracts = list(db.session.scalars(sa.select(Contract).join(Contract.community).where(
        Community.programme_id == programme.id).order_by(Contract.id)))
    tests = [(c, contains_test(c.community.area)) for c in contracts]

    def link(d) -> int | None:
        for contract, inside in tests:
            tz = contract.community.jurisdiction.timezone
            start = day_start(contract.starts_on, tz)
            end = day_start(add_months(contract.starts_on, contract.period_months * contract.period_count), tz)
            if inside is not None and inside(d.latitude, d.longitude) and d.start < end and d.end > start:
                return contract.id
        return None

    return link


def observation_scope(observation: Observation) -> int:
    return observation.deployment.camera_import.programme.jurisdiction_id


def review(observation: Observation, data: dict, actor) -> Observation:
    """A verifier confirms (with the count and individual as they read them, and whether it is young) or rejects."""
    check_in_reach(actor, observation_scope(observation), (Role.VERIFIER,),
                   _("Only a verifier confirms or rejects camera-trap observations."))
    observation = db.session.scalars(sa.select(Observation).where(Observation.id == observation.id)
                                     .with_for_update(of=Observation)).one()
    db.session.refresh(observation)
    if observation.review != Review.PENDING:
        raise InvalidTransition(_("This observation is already reviewed."))
    if _approved_period_counts(observation):
        raise Conflict(_("A period counting this observation is already approved."))
    decision = data["review"]
    if decision == Review.PENDING:
        raise ValidationError.field("review", _("Confirm or reject the observation."))
    observation.review = decision
    if decision == Review.CONFIRMED:
        observation.verified_count = data.get("count") or observation.count or 1
        observation.verified_individual = (data.get("individual_id") or observation.individual_id or None)
        young = data.get("is_young")
        observation.is_young = bool(young if young is not None else (observation.life_stage or "").lower()
                                    in YOUNG_STAGES)
    observation.note = (data.get("note") or "").strip()
    observation.reviewed_at, observation.reviewed_by_id = utcnow(), actor.id if actor else None
    db.session.flush()
    record("performance_observation.confirmed" if decision == Review.CONFIRMED else
           "performance_observation.rejected", observation, actor=actor, reason=observation.note or None,
           data={"count": observation.verified_count, "individual": observation.verified_individual,
                 "young": observation.is_young})
    return observation


def _approved_period_counts(observation: Observation) -> bool:
    contract_id = observation.deployment.contract_id
    if contract_id is None:
        return False
    periods = db.session.scalars(sa.select(Period).where(Period.contract_id == contract_id,
                                                         Period.status != PeriodStatus.OPEN))
    when = observation.event_start
    for p in periods:
        tz = p.contract.community.jurisdiction.timezone
        if day_start(p.starts_on, tz) <= when < day_start(p.ends_on, tz):
            return True
    return False


def in_reach(user) -> sa.ColumnElement:
    """Observations of programmes in or above the user's jurisdictions."""
    return Observation.deployment.has(Deployment.camera_import.has(
        CameraImport.programme.has(Programme.jurisdiction_id.in_(jq.scope_ids(user) | jq.related_ids(user)))))

