"""Communities, their performance contracts and periods, and the camera-trap evidence that counts (DESIGN §13)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from claims.models import PCT, Owner, Programme
from conflict_service.auth.models import User
from conflict_service.db import Base, enum_column
from conflict_service.jurisdictions.models import Jurisdiction
from conflict_service.timeutil import utcnow
from payouts.enums import PaymentMethod
from performance.enums import Distribution, Fallback, Forfeiture, Indicator, PeriodStatus, Review

# The terms of a contract that decide what it pays: changed only by a proposal a second manager confirms (§2).
MONEY_TERMS = ("indicator", "rate", "cap", "forfeiture", "forfeit_pct", "fallback", "fallback_periods",
               "distribution")


class Community(Base):
    """A named group of owners in a village or area, with the account a lump sum is paid to."""

    __tablename__ = "performance_communities"
    __audit_type__ = "performance_community"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    # The office or region the community belongs to (who sees it), and its area as GeoJSON polygons.
    jurisdiction_id: Mapped[int] = mapped_column(sa.ForeignKey("jurisdictions.id"), index=True)
    area: Mapped[dict] = mapped_column(sa.JSON)
    account_name: Mapped[str] = mapped_column(sa.String(160), default="")
    account_method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod))
    account_number: Mapped[str | None] = mapped_column(sa.String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    programme: Mapped[Programme] = relationship(lazy="joined", innerjoin=True)
    jurisdiction: Mapped[Jurisdiction] = relationship(lazy="joined", innerjoin=True)
    members: Mapped[list[Owner]] = relationship(secondary="performance_members", order_by="Owner.id",
                                                lazy="selectin")

    @property
    def audit_label(self) -> str:
        return self.name

    @property
    def audit_scope_id(self) -> int:
        return self.jurisdiction_id


class Member(Base):
    __tablename__ = "performance_members"

    community_id: Mapped[int] = mapped_column(sa.ForeignKey("performance_communities.id", ondelete="CASCADE"),
                                              primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owners.id"), primary_key=True)


class Contract(Base):
    """A community's contract: what it is paid per verified unit over periods of a set length."""

    __tablename__ = "performance_contracts"
    __audit_type__ = "performance_contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("performance_communities.id"), index=True)
    starts_on: Mapped[date]
    period_months: Mapped[int]
    period_count: Mapped[int]
    indicator: Mapped[Indicator] = mapped_column(enum_column(Indicator))
    rate: Mapped[Decimal]
    cap: Mapped[Decimal | None]
    forfeiture: Mapped[Forfeiture] = mapped_column(enum_column(Forfeiture))
    forfeit_pct: Mapped[Decimal] = mapped_column(PCT, default=Decimal(100))
    fallback: Mapped[Fallback] = mapped_column(enum_column(Fallback))
    fallback_periods: Mapped[int] = mapped_column(default=3)
    distribution: Mapped[Distribution] = mapped_column(enum_column(Distribution))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # Recorded by a manager, a contract binds once a second manager confirms it (DESIGN §2).
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    community: Mapped[Community] = relationship(lazy="joined", innerjoin=True)
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id], lazy="joined")
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id], lazy="joined")
    periods: Mapped[list[Period]] = relationship(back_populates="contract", order_by="Period.number",
                                                 lazy="selectin", cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint("rate >= 0 AND (cap IS NULL OR cap >= 0)", name="money_not_negative"),
        sa.CheckConstraint("forfeit_pct >= 0 AND forfeit_pct <= 100", name="forfeit_pct_range"),
        sa.CheckConstraint("period_months > 0 AND period_count > 0 AND fallback_periods > 0", name="counts_positive"),
    )

    @property
    def programme(self) -> Programme:
        return self.community.programme

    @property
    def currency(self) -> str:
        return self.community.programme.currency

    @property
    def is_pending(self) -> bool:
        return self.confirmed_at is None

    @property
    def audit_label(self) -> str:
        return f"#{self.id}"

    @property
    def audit_scope_id(self) -> int:
        return self.community.jurisdiction_id


class ContractChange(Base):
    """A change of a contract's money terms proposed by one manager; it applies when a second one confirms it."""

    __tablename__ = "performance_contract_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("performance_contracts.id", ondelete="CASCADE"),
                                             index=True)
    before: Mapped[dict] = mapped_column(sa.JSON)
    after: Mapped[dict] = mapped_column(sa.JSON)
    proposed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    is_confirmed: Mapped[bool | None]  # None while pending

    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id], lazy="joined")


class Period(Base):
    """One period of a contract; approved once, its assessment frozen, then paid."""

    __tablename__ = "performance_periods"
    __audit_type__ = "performance_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("performance_contracts.id", ondelete="CASCADE"))
    number: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date]  # exclusive
    status: Mapped[PeriodStatus] = mapped_column(enum_column(PeriodStatus), default=PeriodStatus.OPEN)
    # Frozen at approval: the units counted, whether the fallback applied, the breakdown and the total.
    units: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 4))
    is_fallback: Mapped[bool] = mapped_column(default=False)
    total: Mapped[Decimal | None]
    breakdown: Mapped[dict | None] = mapped_column(sa.JSON)
    shares: Mapped[list | None] = mapped_column(sa.JSON)
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    contract: Mapped[Contract] = relationship(back_populates="periods", lazy="joined", innerjoin=True)
    approved_by: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("contract_id", "number"),)

    @property
    def audit_label(self) -> str:
        return f"#{self.contract_id}/{self.number}"

    @property
    def audit_scope_id(self) -> int:
        return self.contract.community.jurisdiction_id


class CameraImport(Base):
    """One Camtrap DP package imported for a programme."""

    __tablename__ = "performance_imports"
    __audit_type__ = "performance_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    package_name: Mapped[str] = mapped_column(sa.String(200))
    filename: Mapped[str] = mapped_column(sa.String(200), default="")
    sha256: Mapped[str] = mapped_column(sa.String(64))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    programme: Mapped[Programme] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (sa.UniqueConstraint("programme_id", "sha256"),)

    @property
    def audit_label(self) -> str:
        return self.package_name[:80]

    @property
    def audit_scope_id(self) -> int:
        return self.programme.jurisdiction_id


class Deployment(Base):
    """A camera trap placed at a point for a time, linked to the contract whose community area holds the point."""

    __tablename__ = "performance_deployments"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(sa.ForeignKey("performance_imports.id", ondelete="CASCADE"), index=True)
    contract_id: Mapped[int | None] = mapped_column(sa.ForeignKey("performance_contracts.id"), index=True)
    deployment_id: Mapped[str] = mapped_column(sa.String(120))
    location_name: Mapped[str | None] = mapped_column(sa.String(200))
    latitude: Mapped[float]
    longitude: Mapped[float]
    start: Mapped[datetime]
    end: Mapped[datetime]
    tags: Mapped[list] = mapped_column(sa.JSON, default=list)
    comments: Mapped[str | None] = mapped_column(sa.Text)

    camera_import: Mapped[CameraImport] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (sa.UniqueConstraint("import_id", "deployment_id"),)


class Observation(Base):
    """An imported leopard observation, counted only once a verifier confirms it."""

    __tablename__ = "performance_observations"
    __audit_type__ = "performance_observation"

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_pk: Mapped[int] = mapped_column(sa.ForeignKey("performance_deployments.id", ondelete="CASCADE"),
                                               index=True)
    observation_id: Mapped[str] = mapped_column(sa.String(120))
    # One detection is one event: a mother and her cubs seen together are two observations of one event.
    event_id: Mapped[str | None] = mapped_column(sa.String(120))
    event_start: Mapped[datetime]
    scientific_name: Mapped[str] = mapped_column(sa.String(120))
    count: Mapped[int | None]
    life_stage: Mapped[str | None] = mapped_column(sa.String(40))
    individual_id: Mapped[str | None] = mapped_column(sa.String(120))
    media_path: Mapped[str | None] = mapped_column(sa.String(500))
    review: Mapped[Review] = mapped_column(enum_column(Review), default=Review.PENDING)
    # What the verifier found (species stays leopard when confirmed; count and individual as they read them).
    verified_count: Mapped[int | None]
    verified_individual: Mapped[str | None] = mapped_column(sa.String(120))
    is_young: Mapped[bool | None]
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    deployment: Mapped[Deployment] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (sa.UniqueConstraint("deployment_pk", "observation_id"),
                      sa.Index("ix_performance_observations_review", "review"))

    @property
    def audit_label(self) -> str:
        return self.observation_id[:80]

    @property
    def audit_scope_id(self) -> int:
        return self.deployment.camera_import.programme.jurisdiction_id
