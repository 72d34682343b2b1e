"""The sections of the case file, each built from whatever the claim has recorded so far.

A section is a title, a template and a builder ``build(claim, options) -> data | None``. The builder reads the
database and returns plain data (see ``casefiles.schemas``); ``None`` means nothing is recorded yet, and the
template says so. The list is open: a package that lands later (the assessment and payments of ``payouts``)
gets its section filled by registering a builder here, e.g. in ``casefiles/sections_payouts.py``::

    register("assessment", L_("Assessment"), "casefiles/sections/assessment.html", build_assessment)

replacing the builder below that reads only what exists today. The data each template expects:

* ``assessment``: ``{"steps": [{"label", "detail", "amount"}], "total", "currency", "payable", "reason"}``
  (``reason`` is the translated reason a claim is not payable; amounts are ``Decimal``);
* ``payments``: ``{"payments": [{"amount", "currency", "method", "status", "reference", "at"}],
  "events": [EventDoc...]}``;
* ``decisions``, ``timeline``: lists of ``EventDoc``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as L_
from sqlalchemy.orm import lazyload

from casefiles.schemas import EventDoc, EvidenceDoc, VerificationDoc
from conflict_service.audit.models import AuditEvent
from conflict_service.auth.models import User
from conflict_service.db import db
from conflict_service.pdf import evidence_available
from verification.models import EvidenceFile, Verification

DECISION_ACTIONS = ("claim.verify_confirm", "claim.verify_reject", "claim.approve", "claim.reject", "claim.appeal",
                    "claim.withdraw")
PAYMENT_ACTIONS = ("claim.add_to_batch", "claim.remove_from_batch", "claim.pay", "claim.fail_payment")
MAX_PHOTOS = 6


@dataclass(frozen=True)
class DocumentOptions:
    show_personal: bool = True


@dataclass
class SectionSpec:
    key: str
    title: object  # a lazy string
    template: str
    build: Callable = field(repr=False)


SECTIONS: list[SectionSpec] = []


def register(key: str, title, template: str, build: Callable, *, before: str | None = None) -> None:
    """Add a section, or replace the builder and template of the section with the same key."""
    spec = SectionSpec(key, title, template, build)
    for i, existing in enumerate(SECTIONS):
        if existing.key == key:
            SECTIONS[i] = spec
            return
    keys = [s.key for s in SECTIONS]
    SECTIONS.insert(keys.index(before) if before in keys else len(SECTIONS), spec)


def build_sections(claim, options: DocumentOptions) -> list[dict]:
    return [{"key": s.key, "title": s.title, "template": s.template, "data": s.build(claim, options)}
            for s in SECTIONS]


# One document reads a claim's audit trail and visits for several sections and its signatures: while
# ``reading_once()`` is active (``build_context``), each is read once and every caller takes its part.
_READ_ONCE: ContextVar[dict | None] = ContextVar("casefile_read_once", default=None)


@contextmanager
def reading_once() -> Iterator[None]:
    token = _READ_ONCE.set({})
    try:
        yield
    finally:
        _READ_ONCE.reset(token)


# --- what exists today ---------------------------------------------------------------------------------------

def _once(key: tuple, read: Callable):
    """``read()``, or what it gave for the same key earlier under the same ``reading_once()``."""
    cache = _READ_ONCE.get()
    if cache is None:
        return read()
    if key not in cache:
        cache[key] = read()
    return cache[key]


def audit_trail(claim) -> tuple[list[AuditEvent], dict[int, str]]:
    """The claim's audit events, oldest first, and their actors' full names."""
    def read():
        stmt = sa.select(AuditEvent).where(AuditEvent.entity_type == "claim", AuditEvent.entity_id == claim.id)
        events = list(db.session.scalars(stmt.order_by(AuditEvent.seq)))
        return events, _names({ev.actor_id for ev in events} - {None})
    return _once(("trail", claim.id), read)


def claim_visits(claim) -> list[Verification]:
    """The claim's verification visits, first round first."""
    stmt = (sa.select(Verification).where(Verification.claim_id == claim.id)
            .order_by(Verification.round, Verification.recorded_at, Verification.id))
    return _once(("visits", claim.id), lambda: list(db.session.scalars(stmt)))


def claim_events(claim, actions: tuple[str, ...] | None = None) -> list[dict]:
    """The claim's audit events as plain data, oldest first, with the actors' full names."""
    events, names = audit_trail(claim)
    if actions:
        events = [ev for ev in events if ev.action in actions]
    dumped = EventDoc(many=True).dump(events)
    for ev, doc in zip(events, dumped, strict=True):
        doc["actor"] = names.get(ev.actor_id, doc["actor"])
    return dumped


def _names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    stmt = sa.select(User).options(lazyload(User.jurisdictions)).where(User.id.in_(user_ids))  # names only
    return {u.id: u.display_name for u in db.session.scalars(stmt)}


def _verification(claim, _options) -> dict | None:
    visits = claim_visits(claim)
    evidence = list(db.session.scalars(sa.select(EvidenceFile).where(EvidenceFile.claim_id == claim.id)
                                       .order_by(EvidenceFile.uploaded_at, EvidenceFile.id)))
    if not visits and not evidence:
        return None
    files = EvidenceDoc(many=True).dump(evidence)
    photos = [_photo(doc) for doc in files if doc["content_type"].startswith("image/")]
    return {"visits": VerificationDoc(many=True).dump(visits), "files": files,
            "photos": [p for p in photos if p][:MAX_PHOTOS]}


def _photo(doc: dict) -> dict | None:
    variant = "thumbnail" if doc["has_thumbnail"] else ""
    if not evidence_available(doc["sha256"], variant):
        return None
    return {**doc, "src": f"evidence:{doc['sha256']}" + (f"/{variant}" if variant else "")}


def _assessment(_claim, _options) -> None:
    return None  # nothing computes an assessment here: create_app registers the builder of sections_payouts


def _decisions(claim, _options) -> list[dict] | None:
    return claim_events(claim, DECISION_ACTIONS) or None


def _payments(claim, _options) -> dict | None:
    events = claim_events(claim, PAYMENT_ACTIONS)
    return {"payments": [], "events": events} if events else None


def _timeline(claim, _options) -> list[dict]:
    return claim_events(claim)


register("verification", L_("Verification"), "casefiles/sections/verification.html", _verification)
register("assessment", L_("Assessment"), "casefiles/sections/assessment.html", _assessment)
register("decisions", L_("Decisions"), "casefiles/sections/decisions.html", _decisions)
register("payments", L_("Payments"), "casefiles/sections/payments.html", _payments)
register("timeline", L_("Timeline"), "casefiles/sections/timeline.html", _timeline)
