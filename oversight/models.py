from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as L_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from claims.models import Claim
from conflict_service.auth.models import User
from conflict_service.db import Base, enum_column
from conflict_service.enums import TitledEnum
from conflict_service.timeutil import utcnow


class StatusLookupGuard(Base):
    """Wrong PINs entered for a claim on the public status page; enough of them lock the lookup for a while."""

    __tablename__ = "status_lookup_guards"

    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]


class FlagDecision(TitledEnum):
    DISMISSED = "dismissed"
    CONFIRMED = "confirmed"

    @classmethod
    def _titles(cls):
        return {cls.DISMISSED: L_("Dismissed: a false alarm"), cls.CONFIRMED: L_("Confirmed: needs action")}


class AnomalyFlag(Base):
    """An anomaly rule that fired on a claim (DESIGN §6), and what a manager decided about it.

    One row per claim and rule. Recomputing updates ``details`` and sets ``cleared_at`` when the rule no longer
    fires (a corrected claim); the decision is kept. A flag never changes the claim's state.
    """

    __tablename__ = "anomaly_flags"
    __audit_type__ = "anomaly_flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(sa.String(40))
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    cleared_at: Mapped[datetime | None]
    decision: Mapped[FlagDecision | None] = mapped_column(enum_column(FlagDecision))
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    claim: Mapped[Claim] = relationship(lazy="joined", innerjoin=True)
    decided_by: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("claim_id", "rule"),
                      sa.Index("ix_anomaly_flags_queue", "cleared_at", "decision"))

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None
