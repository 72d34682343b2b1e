"""Turning what a field device sends into the site visit the web form records, or keeping it for review.

A received instance goes through ``verification.operations.record_verification`` — the web form's own operation,
with its checks, lifecycle move and audit — as the verifier who sent it; its photos go through the evidence
pipeline (type by content, size, EXIF) and are attached with ``verification.operations.attach``. When the visit
can no longer apply (the claim was reassigned, withdrawn or already verified; an answer is refused), the record is
kept whole as *received, needs review* with the reason, for a manager to apply or dismiss with a note. A claim that
was never the sender's, or lies outside their area, is refused (403) and the refusal is audited; nothing is kept.
"""

from __future__ import annotations

import hashlib
import io
import logging

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from claims.models import Claim
from claims.states import ClaimState
from conflict_service.audit.operations import PENDING_KEY, record
from conflict_service.audit.presentation import recorded_count, register
from conflict_service.auth.models import Role, User
from conflict_service.db import db
from conflict_service.errors import Conflict, DomainError, Forbidden, NotFound, ValidationError, plain
from conflict_service.jurisdictions.queries import office_ids
from conflict_service.timeutil import utcnow
from conflict_service.web import forms as web_forms
from field import instance as instances
from field.enums import ReviewReason, SubmissionStatus
from field.models import FieldSubmission, FieldSubmissionFile
from verification import evidence as files
from verification.enums import EvidenceKind
from verification.models import Assignment
from verification.operations import attach, inspect_uploads, record_verification
from verification.schemas import VerificationCreateSchema

log = logging.getLogger(__name__)


def register_texts() -> None:
    """Describe the field server's audit actions for people (``field.init_app`` calls it)."""
    register({
        "field_submission.received": L_("Field record {instance_id} received from {device}: {status}"),
        "field_submission.media_added": lambda data: ngettext(
            "{count} more photo received for field record {instance_id}",
            "{count} more photos received for field record {instance_id}", recorded_count(data, "count")),
        "field_submission.applied": L_("Field record {instance_id} applied after review"),
        "field_submission.dismissed": L_("Field record {instance_id} dismissed after review"),
        "field_submission.refused": L_("Field record {instance_id} refused: {why}"),
    })


def receive(data: bytes, uploads, credential) -> tuple[FieldSubmission, bool]:
    """Take one POST of a submission; returns (the submission, whether it is new). The caller commits."""
    user = credential.user
    found = instances.parse(data)
    digest = hashlib.sha256(data).hexdigest()
    existing = _by_instance(found.instance_id)
    if existing is not None:
        return _repeat(existing, digest, uploads, user), False
    claim = _claim_for(found, user)
    inspected = inspect_uploads(claim, uploads) if claim else _inspect_unscoped(uploads)
    submission = FieldSubmission(
        instance_id=found.instance_id, form_version=found.version, user_id=user.id, credential_id=credential.id,
        device_id=found.device_id, claim_ref=found.claim_ref, claim_id=claim.id if claim else None,
        started_at=found.started_at, ended_at=found.ended_at, received_at=utcnow(), xml=data.decode("utf-8"),
        xml_sha256=digest, status=SubmissionStatus.NEEDS_REVIEW,
        reason=None if claim else ReviewReason.UNKNOWN_CLAIM,
        reason_detail={} if claim else {"claim": found.claim_ref})
    try:
        with db.session.begin_nested():  # the same instance sent twice at once: the second finds the first
            db.session.add(submission)
            db.session.flush()
    except IntegrityError:
        return _repeat(_by_instance(found.instance_id), digest, uploads, user), False
    if claim is not None:
        _try_apply(submission, claim, found, user, _photos(inspected))
    _keep_files(submission, inspected, found)
    record("field_submission.received", submission, actor=user, data={
        "instance_id": submission.instance_id, "device": submission.device_id or credential.username,
        "credential": credential.username, "status": submission.status, "reason": submission.reason,
        "claim": found.claim_ref, "started_at": submission.started_at, "ended_at": submission.ended_at,
        "files": [f.filename for f in submission.files]})
    log.info("field record %s from %s: %s", submission.instance_id, user.username, submission.status.value)
    return submission, True


def _by_instance(instance_id: str) -> FieldSubmission | None:
    return db.session.scalar(sa.select(FieldSubmission).where(FieldSubmission.instance_id == instance_id))


def _repeat(existing: FieldSubmission, digest: str, uploads, user: User) -> FieldSubmission:
    """The same instance again: more of its photos (a split submission) or a retry; the XML must be the same."""
    if existing.user_id != user.id:
        raise Forbidden(_("This record was sent by another verifier."))
    if existing.xml_sha256 != digest:
        raise Conflict(_("A record with this instance ID was received already with different answers; "
                         "resending may add photos, never change the answers."))
    known = {f.filename for f in existing.files}
    fresh = [(stream, name) for stream, name in uploads if files.clean_name(name) not in known]
    inspected = inspect_uploads(existing.claim, fresh) if existing.claim else _inspect_unscoped(fresh)
    before = len(existing.files)
    _keep_files(existing, inspected, instances.parse(existing.xml.encode()))
    if len(existing.files) > before:
        record("field_submission.media_added", existing, actor=user, data={
            "instance_id": existing.instance_id, "count": len(existing.files) - before,
            "files": [f.filename for f in existing.files[before:]]})
    return existing


def _inspect_unscoped(uploads) -> list[files.Inspected]:
    limit = current_app.config["EVIDENCE_MAX_BYTES"]
    return [files.inspect(files.read_limited(stream, limit, files.clean_name(name)), name, "UTC")
            for stream, name in uploads]


def _claim_for(found: instances.Instance, user: User) -> Claim | None:
    """The claim the record names; refused (403) when it is outside the sender's area or was never theirs."""
    claim = db.session.scalar(sa.select(Claim).where(Claim.number == found.claim_ref.strip().upper()))
    if claim is None:
        return None
    if claim.office_id not in office_ids(user):
        _refuse(found, user, "outside_area")
    was_theirs = db.session.scalar(sa.select(Assignment.id).where(Assignment.claim_id == claim.id,
                                                                  Assignment.verifier_id == user.id).limit(1))
    if was_theirs is None:
        _refuse(found, user, "not_assigned")
    return claim


REFUSALS = {"outside_area": L_("The claim is outside your area."),
            "not_assigned": L_("The claim was never assigned to you.")}


def _refuse(found: instances.Instance, user: User, why: str):
    log.warning("field record %s from %s refused: %s (claim %s)", found.instance_id, user.username, why,
                found.claim_ref)
    record("field_submission.refused", user, actor=user, data={
        "instance_id": found.instance_id, "claim": found.claim_ref, "why": why, "device": found.device_id})
    raise Forbidden(str(REFUSALS[why]))


def _obstacle(claim: Claim, user: User) -> tuple[ReviewReason | None, dict]:
    if claim.status != ClaimState.UNDER_VERIFICATION:
        return ReviewReason.NOT_UNDER_VERIFICATION, {"state": claim.status.value}
    if claim.assigned_verifier_id != user.id:
        return ReviewReason.REASSIGNED, {}
    return None, {}


def _photos(inspected: list[files.Inspected]) -> int:
    return len({item.sha256 for item in inspected if item.type.kind == EvidenceKind.PHOTO})


def _try_apply(submission: FieldSubmission, claim: Claim, found: instances.Instance, user: User,
               photos: int = 0) -> bool:
    """Record the visit as ``user`` (the sender), counting the ``photos`` it came with; on any refusal (its evidence
    short of the programme's rules, say) keep the record with the reason."""
    reason, detail = _obstacle(claim, user)
    data = None
    if reason is None:
        try:
            data = web_forms.load(VerificationCreateSchema(), found.visit)
        except ValidationError as error:
            reason, detail = ReviewReason.INVALID, {"errors": plain(error.errors)}
    if reason is None:
        visit, error = _attempt(lambda: record_verification(claim, data, user, photos_sent=photos))
        if error is not None:
            reason, detail = ReviewReason.REFUSED, {"message": str(error.message), "errors": plain(error.errors)}
        else:
            submission.verification_id = visit.id
    submission.status = SubmissionStatus.NEEDS_REVIEW if reason else SubmissionStatus.APPLIED
    submission.reason, submission.reason_detail = reason, detail
    return reason is None


def _attempt(fn):
    """Run an operation in a savepoint; a refusal rolls it back with any audit events it queued."""
    mark = len(db.session.info.get(PENDING_KEY, []))
    try:
        with db.session.begin_nested():
            return fn(), None
    except DomainError as error:
        del db.session.info.get(PENDING_KEY, [])[mark:]
        return None, error


def _keep_files(submission: FieldSubmission, inspected: list[files.Inspected], found: instances.Instance) -> None:
    """Store every checked photo by its hash; attach it to the claim when the record has been applied."""
    where = {p.filename: p for p in found.photos}
    root = current_app.config["EVIDENCE_DIR"]
    for item in inspected:
        if any(f.filename == item.display_name for f in submission.files):
            continue
        point = where.get(item.display_name)
        row = FieldSubmissionFile(filename=item.display_name, sha256=item.sha256, size_bytes=len(item.data),
                                  received_at=utcnow(), lat=point.lat if point else None,
                                  lon=point.lon if point else None, accuracy_m=point.accuracy_m if point else None)
        submission.files.append(row)
        if submission.status == SubmissionStatus.APPLIED:
            row.evidence_id = attach(submission.claim or db.session.get(Claim, submission.claim_id), item,
                                     submission.user).id
        else:
            files.store(root, item)
    db.session.flush()


def _stored(row: FieldSubmissionFile, claim: Claim) -> files.Inspected:
    path = files.path_for(current_app.config["EVIDENCE_DIR"], row.sha256)
    return files.inspect(path.read_bytes(), row.filename, claim.office.timezone)


# --- review ------------------------------------------------------------------------------------------------

def check_reviewer(submission: FieldSubmission, actor: User) -> None:
    if actor.role != Role.MANAGER:
        raise Forbidden(_("Only programme managers review field records."))
    if submission.status != SubmissionStatus.NEEDS_REVIEW:
        raise Conflict(_("This field record is {state} already.").format(state=str(submission.status.title).lower()))


def apply(submission: FieldSubmission, note: str, actor: User) -> FieldSubmission:
    """Try the record again (after, say, the claim was assigned back to its verifier), as its verifier."""
    check_reviewer(submission, actor)
    found = instances.parse(submission.xml.encode())
    claim = submission.claim or (db.session.scalar(sa.select(Claim).where(Claim.number == found.claim_ref.upper()))
                                 if found.claim_ref else None)
    if claim is None or claim.office_id not in office_ids(submission.user):
        raise Conflict(_("The claim named in the record was not found in its verifier's area."))
    submission.claim_id, submission.claim = claim.id, claim
    waiting = [(row, _stored(row, claim)) for row in submission.files if row.evidence_id is None]
    if not _try_apply(submission, claim, found, submission.user, _photos([item for _row, item in waiting])):
        raise Conflict(_("The record still cannot be applied: {reason}").format(reason=submission.reason.title),
                       errors=submission.reason_detail.get("errors") or {})
    for row, item in waiting:
        row.evidence_id = attach(claim, item, submission.user).id
    _reviewed(submission, note, actor, "field_submission.applied")
    return submission


def dismiss(submission: FieldSubmission, note: str, actor: User) -> FieldSubmission:
    """Close the record without applying it; it stays on file with the note."""
    check_reviewer(submission, actor)
    if not (note or "").strip():
        raise ValidationError.field("note", _("Say why the record is dismissed."))
    submission.status = SubmissionStatus.DISMISSED
    _reviewed(submission, note, actor, "field_submission.dismissed")
    return submission


def _reviewed(submission: FieldSubmission, note: str, actor: User, action: str) -> None:
    submission.reviewed_by_id, submission.reviewed_at, submission.review_note = actor.id, utcnow(), note.strip()
    db.session.flush()
    record(action, submission, actor=actor, reason=note.strip() or None, data={
        "instance_id": submission.instance_id, "claim": submission.claim_ref, "verifier": submission.user.username})


def get_for_review(submission_id: int, actor: User) -> FieldSubmission:
    from field.queries import visible  # noqa: PLC0415 - queries import this module's names

    submission = db.session.scalar(visible(actor).where(FieldSubmission.id == submission_id))
    if submission is None:
        raise NotFound()
    return submission


def uploads_from(files_multidict) -> list[tuple]:
    """The file parts of an OpenRosa POST (every part but the XML), as (stream, name) pairs."""
    out = []
    for key, storage in files_multidict.items(multi=True):
        if key == "xml_submission_file" or not storage.filename:
            continue
        out.append((io.BytesIO(storage.read()), storage.filename))
    return out
