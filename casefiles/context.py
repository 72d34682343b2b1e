"""Everything a case file or receipt shows, read from the database once and turned into plain data.

Templates receive only this context, so rendering cannot touch the database (or anything else).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from functools import lru_cache

from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as L_
from markupsafe import Markup

from casefiles.schemas import ClaimDoc, HerdDoc, OfficeDoc, OwnerDoc, ProgrammeDoc
from casefiles.sections import DocumentOptions, audit_trail, build_sections, claim_events, claim_visits, reading_once
from claims.permissions import mask
from conflict_service.auth.models import Role, User
from conflict_service.db import db
from conflict_service.errors import ServiceUnavailable
from conflict_service.qrcodes import qr_svg as draw_qr
from conflict_service.timeutil import utcnow

MANAGER_ACTIONS = ("claim.approve", "claim.reject")


LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


class MissingBaseURL(ServiceUnavailable):
    """A printed document needs the service's configured address for its status-page link and QR code."""

    code = "not_configured"
    default_message = L_("Documents cannot be printed until the service's public address is configured "
                         "(PUBLIC_BASE_URL).")


def public_base_url(*, from_request: bool = True) -> str:
    """The address printed in documents (the status-page link and its QR code): ``PUBLIC_BASE_URL``.

    Without it, never in production: the Host header is the client's to choose, and a printed QR code outlives the
    request. Elsewhere (development, tests) the request's address only for a host of ``DOCUMENT_HOSTS`` (by default
    this machine's own names)."""
    configured = (current_app.config.get("PUBLIC_BASE_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    if from_request and has_request_context() and current_app.config["DEPLOYMENT"] != "production":
        hosts = [h.strip() for h in (current_app.config.get("DOCUMENT_HOSTS") or "").split(",") if h.strip()]
        if _host_name(request.host) in (hosts or LOCAL_HOSTS):
            return request.host_url.rstrip("/")
    raise MissingBaseURL()


def _host_name(host: str) -> str:
    """``example.org:8080`` → ``example.org``; ``[::1]:5000`` → ``[::1]``."""
    return host[:host.index("]") + 1] if host.startswith("[") else host.rsplit(":", 1)[0]


def status_url(number: str, base: str | None = None) -> str:
    """The public status page of a claim (built by the oversight package at exactly this path)."""
    return f"{base or public_base_url()}/status/{number}"


def _latest_hash(claim) -> str:
    events, _names = audit_trail(claim)
    return events[-1].hash if events else ""


def verification_code(number: str, audit_hash: str) -> str:
    """A short code tying a printed document to the claim as recorded: it changes with every recorded change."""
    digest = hashlib.sha256(f"{number}|{audit_hash}".encode()).hexdigest()[:12].upper()
    return "-".join(digest[i:i + 4] for i in range(0, 12, 4))


@lru_cache(maxsize=512)
def qr_svg(url: str) -> Markup:
    """The QR code as inline SVG: generated here, so no resource is fetched for it (once per address and process:
    a claim's status address never changes, and choosing the mask costs about 10 ms each time)."""
    return draw_qr(url, scale=2.4, border=2)


def build_context(claim, options: DocumentOptions, base_url: str | None = None) -> dict:
    with reading_once():  # the audit trail: read once for the sections, the signatures and the code
        return _context(claim, options, base_url)


def _context(claim, options: DocumentOptions, base_url: str | None) -> dict:
    owner = OwnerDoc().dump(claim.owner)
    owner["herd"] = HerdDoc(many=True).dump(claim.owner.herd_on(claim.incident_date))  # as counted on that day
    if not options.show_personal:
        owner["national_id"], owner["phone"] = mask(owner["national_id"]), mask(owner["phone"])
    url = status_url(claim.number, base_url)
    return {
        "claim": ClaimDoc().dump(claim),
        "owner": owner,
        "programme": ProgrammeDoc().dump(claim.programme),
        "office": OfficeDoc().dump(claim.office),
        "tz": claim.office.timezone,
        "people": _people(claim),
        "sections": build_sections(claim, options),
        "verification_due_at": claim.verification_due_at or (
            claim.filed_at + timedelta(hours=claim.programme.verification_sla_hours)),
        "code": verification_code(claim.number, _latest_hash(claim)),
        "status_url": url,
        "qr": qr_svg(url),
        "generated_at": utcnow(),
    }


def _people(claim) -> dict:
    """Who signs: the owner, the clerk who filed, the verifier and the manager who decided (where known)."""
    clerk = db.session.get(User, claim.filed_by_id)
    visits = claim_visits(claim)
    visit = visits[-1] if visits else None
    verifier = visit.verifier if visit else (db.session.get(User, claim.assigned_verifier_id)
                                             if claim.assigned_verifier_id else None)
    decided = claim_events(claim, MANAGER_ACTIONS)
    return {
        "owner": claim.owner.name,
        "clerk": clerk.display_name if clerk else None,
        "verifier": verifier.display_name if verifier else None,
        "manager": decided[-1]["actor"] if decided else None,
        "roles": {"clerk": Role.CLERK.title, "verifier": Role.VERIFIER.title, "manager": Role.MANAGER.title},
    }
