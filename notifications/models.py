"""Consent per owner, the outbox of messages, and staff e-mail preferences (DESIGN §11)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from claims.models import Owner
from conflict_service.auth.models import User
from conflict_service.db import Base, enum_column
from conflict_service.i18n import native_digits
from conflict_service.timeutil import utcnow
from notifications.enums import ConsentChannel, ConsentSource, Medium, MessageState, Template


class Consent(Base):
    """How an owner agreed to hear about their claims: channel, language, when and how it was recorded."""

    __tablename__ = "consents"
    __audit_type__ = "owner"

    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owners.id", ondelete="CASCADE"), primary_key=True)
    channel: Mapped[ConsentChannel] = mapped_column(enum_column(ConsentChannel))
    language: Mapped[str] = mapped_column(sa.String(10))
    recorded_on: Mapped[date]
    source: Mapped[ConsentSource] = mapped_column(enum_column(ConsentSource))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped[Owner] = relationship(lazy="joined")

    @property
    def audit_label(self) -> str:
        return self.owner.name

    @property
    def audit_scope_id(self) -> int:
        return self.owner.office_id


class OutboxMessage(Base):
    """One message to an owner or a staff member, written in the transaction of the event that causes it.

    ``key`` makes an event's message unique (``filed:claim:12``, ``digest:user:3:2026-05-01``): the same event
    never queues a second message. A sender takes a due row by a conditional UPDATE from queued to sending, so
    two senders never send it twice.
    """

    __tablename__ = "outbox_messages"
    __audit_type__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    medium: Mapped[Medium] = mapped_column(enum_column(Medium))
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("owners.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jurisdictions.id"), index=True)
    address: Mapped[str] = mapped_column(sa.String(200))
    language: Mapped[str] = mapped_column(sa.String(10))
    template: Mapped[Template] = mapped_column(enum_column(Template))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    text: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[MessageState] = mapped_column(enum_column(MessageState), default=MessageState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    gateway_reference: Mapped[str | None] = mapped_column(sa.String(120), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]

    owner: Mapped[Owner | None] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (sa.Index("ix_outbox_due", "state", "next_attempt_at"),)

    @property
    def audit_label(self) -> str:
        return f"#{self.id}"

    @property
    def audit_scope_id(self) -> int | None:
        return self.office_id

    @property
    def shown_text(self) -> str:
        """The text as staff see it: the claim's PIN, a secret of the owner's, is hidden."""
        pin = (self.params or {}).get("pin")
        if not pin:
            return self.text
        text = self.text
        for written in {pin, native_digits(pin, self.language)}:  # the message writes it in the owner's digits
            text = text.replace(written, "•" * len(pin))
        return text


class StaffContact(Base):
    """A staff member's e-mail address for digests and escalations, and whether they want the daily digest."""

    __tablename__ = "staff_contacts"
    __audit_type__ = "user"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(200))
    is_digest_wanted: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Escalation(Base):
    """An overdue claim escalated to its jurisdiction's managers: at most once per claim, stage and day."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"))
    clock: Mapped[str] = mapped_column(sa.String(32))
    day: Mapped[date]
    escalated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("claim_id", "clock", "day"),)
