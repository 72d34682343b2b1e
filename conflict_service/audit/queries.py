"""Reading and verifying the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from conflict_service.audit.models import AuditCheck, AuditEvent
from conflict_service.auth.models import Role
from conflict_service.db import db
from conflict_service.jurisdictions import queries as jq
from conflict_service.pagination import paginate


def events_for(entity_type: str, entity_id: int) -> list[AuditEvent]:
    stmt = (sa.select(AuditEvent).where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
            .order_by(AuditEvent.seq))
    return list(db.session.scalars(stmt))


def last_check() -> AuditCheck | None:
    return db.session.scalars(sa.select(AuditCheck).order_by(AuditCheck.id.desc()).limit(1)).first()


def last_checkpoint() -> AuditCheck | None:
    """The newest intact verification with its signed head: published so that copies can be kept elsewhere."""
    return db.session.scalars(sa.select(AuditCheck).where(AuditCheck.head_seq.is_not(None))
                              .order_by(AuditCheck.id.desc()).limit(1)).first()


@dataclass
class EventFilters:
    entity_type: str | None = None
    entity_id: int | None = None
    action: str | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def events_page(user, f: EventFilters, page: int = 1, per_page: int = 50):
    """Audit events the user may read, newest first: their jurisdictions; administrators also system events."""
    stmt = sa.select(AuditEvent).order_by(AuditEvent.seq.desc())
    scope = AuditEvent.scope_id.in_(jq.related_ids(user))
    stmt = stmt.where(sa.or_(scope, AuditEvent.scope_id.is_(None)) if user.role == Role.ADMIN else scope)
    if f.entity_type:
        stmt = stmt.where(AuditEvent.entity_type == f.entity_type)
    if f.entity_id:
        stmt = stmt.where(AuditEvent.entity_id == f.entity_id)
    if f.action:
        stmt = stmt.where(AuditEvent.action.startswith(f.action, autoescape=True))
    if f.actor:
        stmt = stmt.where(AuditEvent.actor_name == f.actor.strip().lower())
    if f.since:
        stmt = stmt.where(AuditEvent.occurred_at >= f.since)
    if f.until:
        stmt = stmt.where(AuditEvent.occurred_at < f.until)
    return paginate(stmt, page, per_page)
