from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from conflict_service.db import Base


class AuditEvent(Base):
    """One change of state or data. Events form a hash chain: each hash covers the previous one."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(sa.BigInteger, unique=True)
    occurred_at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_name: Mapped[str] = mapped_column(sa.String(80))
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    entity_type: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[int | None]
    entity_label: Mapped[str | None] = mapped_column(sa.String(80))
    # The jurisdiction the entity belongs to (a claim's office…), so auditors see only their own; None: system-wide.
    scope_id: Mapped[int | None] = mapped_column(index=True)
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))
    # HMAC of the hash with the audit key, which lives outside the database: a rewritten or forged event lacks it.
    mac: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (sa.Index("ix_audit_events_entity", "entity_type", "entity_id", "seq"),)

    def hashed_payload(self) -> dict:
        return hashed_payload({name: getattr(self, name) for name in (*HASHED_FIELDS, "scope_id")})


HASHED_FIELDS = ("seq", "occurred_at", "actor_id", "actor_name", "action", "entity_type", "entity_id", "entity_label",
                 "changes", "data", "reason", "request_id", "prev_hash")


def hashed_payload(values) -> dict:
    """What an event's hash covers, from its column values (a mapping); bulk writers use it without a model."""
    payload = {name: values[name] for name in HASHED_FIELDS}
    payload["occurred_at"] = values["occurred_at"].isoformat()
    if values.get("scope_id") is not None:  # added later: events written before it hash as they did
        payload["scope_id"] = values["scope_id"]
    return payload


class AuditCheck(Base):
    """The outcome of one run of the chain verification (shown to auditors)."""

    __tablename__ = "audit_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[datetime]
    checked_by: Mapped[str] = mapped_column(sa.String(80))
    events_checked: Mapped[int]
    is_intact: Mapped[bool]
    first_bad_seq: Mapped[int | None] = mapped_column(sa.BigInteger)
    problem: Mapped[str | None] = mapped_column(sa.Text)
    head_hash: Mapped[str | None] = mapped_column(sa.String(64))
    # The head the check found (a checkpoint), signed with the audit key; later checks compare the chain with it.
    head_seq: Mapped[int | None] = mapped_column(sa.BigInteger)
    signature: Mapped[str | None] = mapped_column(sa.String(100))
