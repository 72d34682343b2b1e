"""A leopard killed or poisoned in an area, and the hold it puts on payments there (DESIGN §6)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from claims.enums import TitledEnum
from claims.models import Programme
from conflict_service.auth.models import User
from conflict_service.db import Base, enum_column
from conflict_service.jurisdictions.models import Jurisdiction
from conflict_service.timeutil import utcnow


class KillCause(TitledEnum):
    KILLED = "killed"
    POISONED = "poisoned"

    @classmethod
    def _titles(cls):
        # A context of their own: "Killed" of a leopard (by people) is not the livestock outcome "Killed".
        return {cls.KILLED: lazy_pgettext("leopard", "Killed"), cls.POISONED: lazy_pgettext("leopard", "Poisoned")}


class RetaliationFreeze(Base):
    """Payments of one programme to claims in an area are held from ``killed_on`` until ``ends_on`` (exclusive).

    The area is a jurisdiction (region or office: the claims filed at its offices), a circle around a point
    (the claims whose incident lies inside it), or both (a claim in either is held).
    """

    __tablename__ = "retaliation_freezes"
    __audit_type__ = "retaliation_freeze"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"))
    cause: Mapped[KillCause] = mapped_column(enum_column(KillCause))
    killed_on: Mapped[date]
    ends_on: Mapped[date]
    jurisdiction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jurisdictions.id"))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    radius_km: Mapped[float | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    lift_reason: Mapped[str | None] = mapped_column(sa.Text)

    programme: Mapped[Programme] = relationship(lazy="joined", innerjoin=True)
    jurisdiction: Mapped[Jurisdiction | None] = relationship(lazy="joined")
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id], lazy="joined")
    lifted_by: Mapped[User | None] = relationship(foreign_keys=[lifted_by_id], lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("ends_on >= killed_on", name="ends_after_killing"),
        sa.CheckConstraint("jurisdiction_id IS NOT NULL OR (lat IS NOT NULL AND lon IS NOT NULL AND radius_km > 0)",
                           name="has_area"),
        sa.Index("ix_retaliation_freezes_active", "programme_id", "ends_on"),
    )

    @property
    def audit_label(self) -> str:
        return f"#{self.id}"

    @property
    def audit_scope_id(self) -> int:
        return self.jurisdiction_id or self.programme.jurisdiction_id
