"""Site-visit forms kept when they arrive after their session expired, until their verifier signs in again.

The expired session cookie is signed, so it still says whose form it was; the form's fields and the photos chosen
(checked by the evidence pipeline and kept in the evidence store by their hash) are saved under a random token that
only that user, signed in again, can open. Nothing is recorded on the claim until they save the visit themselves.
"""

from __future__ import annotations

import io
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, request, url_for

from claims.models import Claim
from conflict_service.auth.models import Role, User
from conflict_service.db import db
from conflict_service.errors import DomainError, NotFound
from conflict_service.timeutil import utcnow
from verification import evidence as files
from verification.models import VisitDraft

KEEP_DAYS = 30
PHOTO_FIELD = "photos"
SKIPPED = ("csrf_token", "draft", "keep_photo")


def keep_posted_visit(user_id: int, claim_id: int) -> str | None:
    """``login_required``'s keep_work for the visit form: save what was posted; the URL to continue from."""
    user, claim = db.session.get(User, user_id), db.session.get(Claim, claim_id)
    if user is None or claim is None or user.role != Role.VERIFIER:
        return None
    draft = keep(user, claim)
    return url_for("verification.visit", claim_id=claim.id, draft=draft.token)


def keep(user: User, claim: Claim) -> VisitDraft:
    """Save the posted form and its photos (with those kept from an earlier draft that are still ticked)."""
    previous = _open(request.form.get("draft", ""), user, claim)
    photos = [p for p in (previous.photos if previous else []) if p["sha256"] in request.form.getlist("keep_photo")]
    photos += [p for p in _keep_photos(claim) if p["sha256"] not in {q["sha256"] for q in photos}]
    draft = VisitDraft(token=secrets.token_urlsafe(24), user_id=user.id, claim_id=claim.id, created_at=utcnow(),
                       form=[[k, v] for k, v in request.form.items(multi=True) if k not in SKIPPED], photos=photos)
    discard(previous)
    db.session.add(draft)
    db.session.commit()
    return draft


def has_new_photos() -> bool:
    return any(f.filename for f in request.files.getlist(PHOTO_FIELD))


def _keep_photos(claim: Claim) -> list[dict]:
    kept = []
    limit = current_app.config["EVIDENCE_MAX_BYTES"]
    for storage in request.files.getlist(PHOTO_FIELD):
        if not storage.filename:
            continue
        storage.stream.seek(0)  # the visit may have read it already before refusing the form
        try:
            name = files.clean_name(storage.filename)
            found = files.inspect(files.read_limited(storage.stream, limit, name), name, claim.office.timezone)
        except DomainError:
            continue  # a file the visit would refuse anyway: the form says so when it is saved
        files.store(current_app.config["EVIDENCE_DIR"], found)
        kept.append({"sha256": found.sha256, "name": found.display_name, "size": len(found.data)})
    return kept


def _open(token: str, user: User, claim: Claim) -> VisitDraft | None:
    if not token:
        return None
    draft = db.session.scalar(sa.select(VisitDraft).where(VisitDraft.token == token))
    if draft is None or draft.user_id != user.id or draft.claim_id != claim.id:
        return None
    if utcnow() - draft.created_at > timedelta(days=KEEP_DAYS):
        return None
    return draft


def open_draft(token: str, user: User, claim: Claim) -> VisitDraft:
    """The user's own kept form for this claim (404 for anyone else's or an unknown token)."""
    draft = _open(token, user, claim)
    if draft is None:
        raise NotFound()
    return draft


def kept_uploads(draft: VisitDraft | None, chosen: list[str]) -> list[tuple]:
    """The kept photos the verifier left ticked, as (stream, name) pairs for the visit operation."""
    if draft is None:
        return []
    root = current_app.config["EVIDENCE_DIR"]
    out = []
    for photo in draft.photos:
        path = files.path_for(root, photo["sha256"])
        if photo["sha256"] in chosen and path.is_file():
            out.append((io.BytesIO(path.read_bytes()), photo["name"]))
    return out


def discard(draft: VisitDraft | None) -> None:
    if draft is not None:
        db.session.delete(draft)
