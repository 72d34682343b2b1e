"""Mitigation measures installed at households, their inspections, guardian dogs and their vaccinations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from claims.models import Owner
from conflict_service.auth.models import User
from conflict_service.db import Base, enum_column
from conflict_service.timeutil import local_today, utcnow
from mitigation import rules
from mitigation.enums import DogSex, MeasureKind, MeasureStatus, VaccineKind


class Measure(Base):
    """One measure at one household: a corral, a fence, a dog, a foxlight, collars or a training.

    ``status`` and ``last_inspected_on`` repeat what the latest inspection (by date, then by entry) found, so
    lists can filter on them; they are recomputed from the inspections whenever one is recorded. Questions
    "as of a date" (the assessment) read the inspections themselves.
    """

    __tablename__ = "mitigation_measures"
    __audit_type__ = "measure"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owners.id"), index=True)
    kind: Mapped[MeasureKind] = mapped_column(enum_column(MeasureKind), index=True)
    installed_on: Mapped[date]
    site: Mapped[str] = mapped_column(sa.String(200), default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    cost: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(sa.String(3))
    funder: Mapped[str] = mapped_column(sa.String(160))
    owner_contribution: Mapped[Decimal] = mapped_column(default=Decimal(0))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[MeasureStatus | None] = mapped_column(enum_column(MeasureStatus))
    last_inspected_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped[Owner] = relationship()
    dog: Mapped[GuardianDog | None] = relationship(back_populates="measure", cascade="all, delete-orphan",
                                                   lazy="selectin")
    inspections: Mapped[list[Inspection]] = relationship(
        back_populates="measure", cascade="all, delete-orphan",
        order_by="(Inspection.inspected_on.desc(), Inspection.id.desc())")

    __table_args__ = (
        sa.CheckConstraint("cost >= 0", name="cost_not_negative"),
        sa.CheckConstraint("owner_contribution >= 0 AND owner_contribution <= cost", name="contribution_within_cost"),
    )

    @property
    def audit_scope_id(self) -> int:
        return self.owner.office_id

    @property
    def audit_label(self) -> str:
        return f"#{self.id}"

    @property
    def funded_amount(self) -> Decimal:
        return self.cost - self.owner_contribution

    @property
    def inspection_due_on(self) -> date:
        return rules.inspection_due_on(self.installed_on, self.last_inspected_on)

    @property
    def is_due_for_inspection(self) -> bool:
        """By the owner's office's local date today."""
        today = local_today(self.owner.office.timezone)
        return rules.is_due_for_inspection(self.installed_on, self.last_inspected_on, self.status, today)


class Inspection(Base):
    """A visit that found a measure in some state; the latest one sets the measure's status."""

    __tablename__ = "mitigation_inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(sa.ForeignKey("mitigation_measures.id", ondelete="CASCADE"))
    inspected_on: Mapped[date]
    status: Mapped[MeasureStatus] = mapped_column(enum_column(MeasureStatus))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="inspections")
    inspector: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (sa.Index("ix_mitigation_inspections_measure_date", "measure_id", "inspected_on"),)


class GuardianDog(Base):
    """The dog of a ``guardian_dog`` measure; it shares the measure's id."""

    __tablename__ = "guardian_dogs"
    __audit_type__ = "measure"

    measure_id: Mapped[int] = mapped_column(sa.ForeignKey("mitigation_measures.id", ondelete="CASCADE"),
                                            primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(sa.String(80))
    sex: Mapped[DogSex] = mapped_column(enum_column(DogSex))
    birth_year: Mapped[int]

    measure: Mapped[Measure] = relationship(back_populates="dog")
    vaccinations: Mapped[list[Vaccination]] = relationship(
        back_populates="dog", cascade="all, delete-orphan", lazy="selectin",
        order_by="(Vaccination.given_on.desc(), Vaccination.id.desc())")

    @property
    def id(self) -> int:
        return self.measure_id

    @property
    def audit_scope_id(self) -> int:
        return self.measure.owner.office_id

    @property
    def overdue(self) -> list[VaccineKind]:
        """Vaccines overdue by the owner's office's local date today (rabies also when none is recorded)."""
        return rules.overdue_kinds(self.vaccinations, local_today(self.measure.owner.office.timezone))


class Vaccination(Base):
    __tablename__ = "dog_vaccinations"

    id: Mapped[int] = mapped_column(primary_key=True)
    dog_id: Mapped[int] = mapped_column(sa.ForeignKey("guardian_dogs.measure_id", ondelete="CASCADE"), index=True)
    kind: Mapped[VaccineKind] = mapped_column(enum_column(VaccineKind))
    given_on: Mapped[date]
    next_due_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(sa.String(500), default="")
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    dog: Mapped[GuardianDog] = relationship(back_populates="vaccinations")

    __table_args__ = (sa.CheckConstraint("next_due_on IS NULL OR next_due_on > given_on", name="due_after_given"),)
