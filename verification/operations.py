"""Every change in field verification: assignment, site visits, evidence files, appeals.

Each operation checks the lifecycle move first (``claims.states.check_action``: 404 outside the user's
jurisdictions, 403 for the wrong role or separation of duties, 409 in the wrong state), then the input (422),
and only then changes anything; the move itself goes through ``apply_action``. The caller commits.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from claims import clocks
from claims.enums import Confidence, Predator
from claims.models import Claim
from claims.states import ClaimAction, ClaimState, apply_action, check_action
from conflict_service.audit.operations import jsonable, record
from conflict_service.audit.presentation import recorded_count, register, register_value
from conflict_service.auth.models import Role, User
from conflict_service.auth.queries import users_with_role_in
from conflict_service.db import db
from conflict_service.errors import Forbidden, InvalidTransition, NotFound, ValidationError
from conflict_service.i18n import format_date, isolate
from conflict_service.jurisdictions.queries import office_ids
from conflict_service.timeutil import clock_at, local_date, utcnow
from verification import attribution, permissions, queries
from verification import evidence as files
from verification.enums import AssignmentEnd, CarcassDisposal, EvidenceKind, RejectionReason, VerificationOutcome
from verification.models import Appeal, Assignment, EvidenceFile, Verification, VerifiedLossLine
from verification.permissions import CLERK_EVIDENCE_STATES, VERIFIER_EVIDENCE_STATES
from verification.schemas import CHECKLIST, CORRECTIONS

log = logging.getLogger(__name__)
CLOCK_SKEW = timedelta(minutes=5)
VISIT_FIELDS = ("visited_at", "visit_lat", "visit_lon", *CHECKLIST, "canine_spacing_mm", "predator", "confidence",
                *CORRECTIONS, "carcass_disposal", "outcome", "rejection_reason", "notes")


def register_texts() -> None:
    """Describe verification's audit actions for people (``create_app`` calls it)."""
    register({
        "claim.assign": L_("Assigned to {verifier} for verification"),
        "claim.reassign": L_("Reassigned to {verifier} for verification"),
        # i18n: {head_verified} of the {head_claimed} animals the claim reported were found killed or injured
        "claim.verify_confirm": lambda data: ngettext(
            "Site visit recorded by {verifier}: confirmed, {head_verified} of {head_claimed} animal, predator "
            "{predator} ({confidence})",
            "Site visit recorded by {verifier}: confirmed, {head_verified} of {head_claimed} animals, predator "
            "{predator} ({confidence})", recorded_count(data, "head_claimed")),
        "claim.verify_reject": L_("Site visit recorded by {verifier}: rejected ({rejection_reason})"),
        "claim.appeal": L_("Appeal filed; the claim goes back to verification"),
        "claim.evidence_added": L_("Evidence attached: {kind} {sha256_short}"),
        "claim.carcass_disposed": L_("Carcass left in place disposed of on {disposed_on} ({how}) by {done_by}; "
                                     "recorded by {recorder}"),
    })
    register_value("predator", lambda code: Predator(code).title)
    register_value("confidence", lambda code: Confidence(code).title)
    register_value("rejection_reason", lambda code: RejectionReason(code).title)
    register_value("kind", lambda code: EvidenceKind(code).title)
    register_value("how", lambda code: CarcassDisposal(code).title)
    # The file's fingerprint, as the audit page shows hashes: the first 12 characters of its SHA-256 and "…", a code
    # kept whole and in its direction — one in 300 is only digits, and must not read as a number.
    register_value("sha256_short", lambda short: isolate(f"{short}…"))
    register_value("disposed_on", lambda day: format_date(date.fromisoformat(day)))


def verification_round(claim: Claim) -> int:
    return 2 if claim.appealed_at is not None else 1


# --- assignment ----------------------------------------------------------------------------------------

def assign_action(claim: Claim) -> ClaimAction:
    return ClaimAction.ASSIGN if claim.status == ClaimState.SUBMITTED else ClaimAction.REASSIGN


def assign_verifier(claim: Claim, data: dict, actor) -> Claim:
    """Put a verifier of the claim's area on it (submitted → under verification), or replace the one assigned."""
    action = assign_action(claim)
    check_action(claim, action, actor)
    verifier = eligible_verifier(claim, data["verifier_id"])
    if verifier.id == claim.assigned_verifier_id:
        raise ValidationError.field("verifier_id", _("{name} is already assigned to this claim.").format(
            name=verifier.display_name))
    return _assign(claim, verifier, actor, action, data.get("reason"))


def _assign(claim: Claim, verifier: User, actor, action: ClaimAction, reason: str | None) -> Claim:
    previous = db.session.get(User, claim.assigned_verifier_id) if claim.assigned_verifier_id else None
    claim = apply_action(claim, action, actor, reason=reason, data={
        "verifier": verifier.display_name, "verifier_id": verifier.id, "due_at": claim.verification_due_at,
        "previous_verifier": previous.display_name if previous else None})
    _end_assignment(claim, AssignmentEnd.REASSIGNED)
    db.session.add(Assignment(claim_id=claim.id, verifier_id=verifier.id, assigned_by_id=actor.id,
                              assigned_at=utcnow(), due_at=claim.verification_due_at,
                              round=verification_round(claim)))
    claim.assigned_verifier_id = verifier.id
    db.session.flush()
    log.info("claim %s assigned to %s by %s", claim.number, verifier.username, actor.username)
    return claim


def eligible_verifier(claim: Claim, verifier_id) -> User:
    """The verifier to assign, who must work in the claim's area and be free of any conflict with it."""
    verifier = db.session.get(User, verifier_id) if isinstance(verifier_id, int) else None
    in_area = {u.id for u in users_with_role_in(Role.VERIFIER, claim.office_id)}
    if verifier is None or verifier.id not in in_area:
        raise ValidationError.field("verifier_id", _("Choose an active verifier who works in this claim's area."))
    if verifier.id == claim.filed_by_id:
        raise ValidationError.field("verifier_id", _("{name} filed this claim, so someone else must verify it.")
                                    .format(name=verifier.display_name))
    if claim.appealed_at is not None and verifier.id == claim.prior_verifier_id:
        raise ValidationError.field("verifier_id", _(
            "{name} verified this claim before the appeal; an appeal is verified again by a different verifier.")
            .format(name=verifier.display_name))
    return verifier


def _end_assignment(claim: Claim, why: AssignmentEnd) -> None:
    current = db.session.scalar(sa.select(Assignment).where(Assignment.claim_id == claim.id,
                                                            Assignment.ended_at.is_(None)))
    if current is not None:
        current.ended_at, current.end_reason = utcnow(), why


# --- site visit ----------------------------------------------------------------------------------------

def record_verification(claim: Claim, data: dict, actor, uploads=(), *, photos_sent: int = 0) -> Verification:
    """Record the assigned verifier's site visit; confirmed → verified, rejected → rejected.

    ``uploads`` are ``(stream, filename)`` pairs of photos taken at the visit; every one is checked before
    anything is saved, so one bad file refuses the whole visit and nothing is written. ``photos_sent`` counts
    photos that came with the visit but that the caller attaches itself (a field record's), for the evidence rules.
    """
    confirmed = data["outcome"] == VerificationOutcome.CONFIRMED
    action = ClaimAction.VERIFY_CONFIRM if confirmed else ClaimAction.VERIFY_REJECT
    check_action(claim, action, actor)
    _check_visit(claim, data)
    inspected = inspect_uploads(claim, uploads)
    attribution.check(claim.programme, data, attribution.photos_for(claim, inspected) + photos_sent)
    visit = Verification(claim_id=claim.id, verifier_id=actor.id, round=verification_round(claim),
                         recorded_at=utcnow(), **{k: data[k] for k in VISIT_FIELDS if k in data})
    visit.lines = [VerifiedLossLine(position=i, **line) for i, line in enumerate(data.get("lines") or [])]
    claim = apply_action(claim, action, actor, data=_visit_summary(claim, visit, actor))
    db.session.add(visit)
    _end_assignment(claim, AssignmentEnd.VERIFIED)
    db.session.flush()
    for found in inspected:
        attach(claim, found, actor)
    log.info("claim %s %s by %s", claim.number, visit.outcome.value, actor.username)
    return visit


def _check_visit(claim: Claim, data: dict) -> None:
    errors: dict[str, list] = {}
    visited = data["visited_at"]
    if visited > utcnow() + CLOCK_SKEW:
        errors["visited_at"] = [_("The visit cannot be in the future.")]
    elif local_date(visited, claim.office.timezone) < claim.incident_date:
        errors["visited_at"] = [_("The visit cannot be before the incident ({date}).").format(
            date=format_date(claim.incident_date))]
    if data.get("rejection_reason") == "other_predator":
        if data["predator"].value in (claim.programme.covered_predators or []):
            errors["predator"] = [_("The reason says another predator, but this programme covers {predator}.")
                                  .format(predator=data["predator"].title)]
        elif data["predator"].value == "unknown":
            errors["predator"] = [_("Name the predator that caused the loss.")]
    if errors:
        raise ValidationError(errors)


def _visit_summary(claim: Claim, visit: Verification, actor) -> dict:
    """What the history shows about the visit (the full record is in the verification itself)."""
    return jsonable({
        "verifier": actor.display_name, "outcome": visit.outcome,
        "predator": visit.predator, "confidence": visit.confidence, "rejection_reason": visit.rejection_reason,
        "head_claimed": claim.head_lost, "head_verified": visit.head_verified,
        "carcass_disposal": visit.carcass_disposal, "visited_at": visit.visited_at, "round": visit.round,
    })


# --- a carcass left in place ------------------------------------------------------------------------------

def record_carcass_disposal(claim: Claim, data: dict, actor) -> list[Verification]:
    """Record that the carcass a site visit left in place was disposed of later; this clears its flag."""
    if actor is None or claim.office_id not in office_ids(actor):
        raise NotFound()
    left = queries.carcasses_left(claim)
    if not left:
        raise InvalidTransition(_("No carcass left in place is waiting for its disposal on this claim."))
    if not permissions.can_record_carcass_disposal(actor, left[0]):
        raise Forbidden(_("Office clerks and field verifiers record the disposal of a carcass."))
    day, tz = data["disposed_on"], claim.office.timezone
    if day > local_date(utcnow(), tz):
        raise ValidationError.field("disposed_on", _("The disposal cannot be in the future."))
    visited = min(local_date(v.visited_at, tz) for v in left)
    if day < visited:
        raise ValidationError.field("disposed_on", _("The disposal cannot be before the site visit ({date}).").format(
            date=format_date(visited)))
    now = utcnow()
    for visit in left:
        visit.carcass_disposed_on, visit.carcass_disposed_how = day, data["how"]
        visit.carcass_disposed_by = data["done_by"].strip()
        visit.carcass_disposal_recorded_by_id, visit.carcass_disposal_recorded_at = actor.id, now
    db.session.flush()
    record("claim.carcass_disposed", claim, actor=actor, data=jsonable({
        "disposed_on": day, "how": data["how"], "done_by": data["done_by"].strip(),
        "recorder": actor.display_name, "rounds": [v.round for v in left]}))
    log.info("claim %s: carcass disposal recorded by %s", claim.number, actor.username)
    return left


# --- appeal --------------------------------------------------------------------------------------------

def file_appeal(claim: Claim, data: dict, actor) -> Claim:
    """File the owner's appeal of a rejected claim: back to verification, optionally with a new verifier."""
    check_action(claim, ClaimAction.APPEAL, actor)
    verifier = None
    if data.get("verifier_id") is not None:
        if data["verifier_id"] == claim.assigned_verifier_id:
            name = db.session.get(User, claim.assigned_verifier_id).display_name
            raise ValidationError.field("verifier_id", _(
                "{name} verified this claim before the appeal; an appeal is verified again by a different verifier.")
                .format(name=name))
        verifier = eligible_verifier(claim, data["verifier_id"])
    now = utcnow()
    # The owner waits again from the appeal, not from the original filing: due one SLA after the appeal.
    due = now + timedelta(hours=claim.programme.verification_sla_hours)
    with clock_at(now):  # the appeal's recorded time and its due time derive from the same moment
        claim = apply_action(claim, ClaimAction.APPEAL, actor, reason=data["reason"], data={"due_at": due})
    claim.verification_due_at = due
    clocks.refresh(claim)
    db.session.add(Appeal(claim_id=claim.id, filed_by_id=actor.id, filed_at=now, grounds=data["reason"]))
    db.session.flush()
    if verifier is not None:
        _assign(claim, verifier, actor, ClaimAction.REASSIGN, None)
    return claim


# --- evidence files ------------------------------------------------------------------------------------

def add_evidence(claim: Claim, uploads, actor) -> list[EvidenceFile]:
    """Attach uploaded files; all are checked before any is stored. Returns one row per upload.

    A file whose content is attached already comes back as the existing row with ``is_duplicate_upload``.
    """
    check_evidence_allowed(claim, actor)
    return [attach(claim, found, actor) for found in inspect_uploads(claim, uploads)]


def check_evidence_allowed(claim: Claim, actor) -> None:
    if actor is None or claim.office_id not in office_ids(actor):
        raise NotFound()
    if actor.role == Role.CLERK:
        if claim.status not in CLERK_EVIDENCE_STATES or (claim.status == ClaimState.REJECTED and claim.appealed_at):
            raise InvalidTransition(_("This claim is {state}, so evidence can no longer be added.").format(
                state=str(claim.status.title).lower()))
        return
    if actor.role != Role.VERIFIER:
        raise Forbidden(_("Only office clerks and the claim's verifier attach evidence."))
    if claim.assigned_verifier_id != actor.id:
        raise Forbidden(_("Only the verifier assigned to this claim can add evidence to it."))
    if claim.status not in VERIFIER_EVIDENCE_STATES:
        raise InvalidTransition(_("This claim is {state}, so evidence can no longer be added.").format(
            state=str(claim.status.title).lower()))


def inspect_uploads(claim: Claim, uploads) -> list[files.Inspected]:
    limit = current_app.config["EVIDENCE_MAX_BYTES"]
    out = []
    for stream, filename in uploads:
        name = files.clean_name(filename)
        out.append(files.inspect(files.read_limited(stream, limit, name), name, claim.office.timezone))
    return out


def attach(claim: Claim, found: files.Inspected, actor) -> EvidenceFile:
    existing = _existing(claim, found.sha256)
    if existing is not None:
        existing.is_duplicate_upload = True
        return existing
    row = EvidenceFile(claim_id=claim.id, sha256=found.sha256, kind=found.type.kind,
                       content_type=found.type.content_type, size_bytes=len(found.data),
                       display_name=found.display_name, uploaded_by_id=actor.id, uploaded_at=utcnow(),
                       width=found.width, height=found.height, exif_taken_at=found.taken_at,
                       exif_lat=found.lat, exif_lon=found.lon)
    try:
        with db.session.begin_nested():  # the same file sent twice at once: the second finds the first
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        existing = _existing(claim, found.sha256)
        existing.is_duplicate_upload = True
        return existing
    row.has_thumbnail = files.store(current_app.config["EVIDENCE_DIR"], found)
    record("claim.evidence_added", claim, actor=actor, data={
        "evidence_id": row.id, "sha256": row.sha256, "sha256_short": row.sha256[:12], "kind": row.kind,
        "content_type": row.content_type, "size_bytes": row.size_bytes, "file": row.display_name,
        "exif_taken_at": row.exif_taken_at, "exif_lat": row.exif_lat, "exif_lon": row.exif_lon})
    return row


def _existing(claim: Claim, sha256: str) -> EvidenceFile | None:
    return db.session.scalar(sa.select(EvidenceFile).where(EvidenceFile.claim_id == claim.id,
                                                           EvidenceFile.sha256 == sha256))
