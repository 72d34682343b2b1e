from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from claims.enums import (
    AgeClass,
    Clock,
    Confidence,
    EvidenceSign,
    LossOutcome,
    Predator,
    ProgrammeKind,
    ReportChannel,
    RuleChangeStatus,
    Species,
    TimeOfDay,
    YearCalendar,
)
from claims.states import ClaimState
from conflict_service.auth.models import User
from conflict_service.db import Base, enum_column
from conflict_service.i18n import NamedInLanguages
from conflict_service.jurisdictions.models import Jurisdiction
from conflict_service.textsearch import fold
from conflict_service.timeutil import day_start, local_date, utcnow

# Programme rules with the defaults of DESIGN §5–§6. Percentages are plain numbers (25 means 25 %).
RULE_DEFAULTS: dict[str, object] = {
    "report_deadline_days": 3,
    "report_backdating_days": 7,
    "injured_pct": Decimal(30),
    "missing_pct": Decimal(0),
    "negligence_pct": Decimal(25),
    "noncompliance_pct": Decimal(50),
    "mitigation_bonus_pct": Decimal(10),
    "coverage_pct": Decimal(80),
    "deductible": Decimal(0),
    "household_annual_cap": None,
    "dual_approval_threshold": None,
    "verification_sla_hours": 72,
    "decision_sla_days": 7,
    "payment_sla_days": 30,
    "confirmation_sla_days": 7,
    "appeal_days": 30,
    "max_claims_per_year": 5,
    "min_confidence": Confidence.PROBABLE,
    "covered_predators": [Predator.LEOPARD.value, Predator.SNOW_LEOPARD.value],
    "advance_pct": Decimal(0),
    "late_interest_pct_per_year": Decimal(0),
    "retaliation_freeze_days": 0,
    # The least evidence an attribution needs (DESIGN §5): a carcass, so many of the counted signs, so many photos.
    "is_confirmed_carcass_required": True,
    "confirmed_signs": [EvidenceSign.NECK_BITES.value, EvidenceSign.TRACKS.value, EvidenceSign.CANINE_SPACING.value,
                        EvidenceSign.CAMERA_TRAP_IMAGE.value],
    "confirmed_min_signs": 2,
    "confirmed_min_photos": 1,
    "is_probable_carcass_required": False,
    "probable_signs": [s.value for s in EvidenceSign],
    "probable_min_signs": 1,
    "probable_min_photos": 0,
}
EVIDENCE_RULES = tuple(f"{level}_{part}" for level in ("confirmed", "probable")
                       for part in ("signs", "min_signs", "min_photos")) + (
    "is_confirmed_carcass_required", "is_probable_carcass_required")
PCT = sa.Numeric(7, 3)
AWAITING_VERIFICATION = (ClaimState.SUBMITTED, ClaimState.UNDER_VERIFICATION)


class Programme(NamedInLanguages, Base):
    """A compensation programme or a community insurance scheme, with its rules."""

    __tablename__ = "programmes"
    __audit_type__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    names: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")  # locale → name (DESIGN §14)
    kind: Mapped[ProgrammeKind] = mapped_column(enum_column(ProgrammeKind))
    jurisdiction_id: Mapped[int] = mapped_column(sa.ForeignKey("jurisdictions.id"), index=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    official_language: Mapped[str] = mapped_column(sa.String(10))
    is_active: Mapped[bool] = mapped_column(default=True)
    # IRR amounts also shown in toman (tenths of a rial), as Iranians often count (DESIGN §14).
    is_toman_shown: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report_deadline_days: Mapped[int] = mapped_column(default=RULE_DEFAULTS["report_deadline_days"])
    # How many days before filing an earlier report (phone, ranger, paper form, field record) may be dated (§5.3).
    report_backdating_days: Mapped[int] = mapped_column(default=RULE_DEFAULTS["report_backdating_days"],
                                                        server_default="7")
    injured_pct: Mapped[Decimal] = mapped_column(PCT, default=RULE_DEFAULTS["injured_pct"])
    missing_pct: Mapped[Decimal] = mapped_column(PCT, default=RULE_DEFAULTS["missing_pct"])
    negligence_pct: Mapped[Decimal] = mapped_column(PCT, default=RULE_DEFAULTS["negligence_pct"])
    noncompliance_pct: Mapped[Decimal] = mapped_column(PCT, default=RULE_DEFAULTS["noncompliance_pct"])
    mitigation_bonus_pct: Mapped[Decimal] = mapped_column(PCT, default=RULE_DEFAULTS["mitigation_bonus_pct"])
    coverage_pct: Mapped[Decimal] = mapped_column(PCT, default=RULE_DEFAULTS["coverage_pct"])
    deductible: Mapped[Decimal] = mapped_column(default=RULE_DEFAULTS["deductible"])
    household_annual_cap: Mapped[Decimal | None]
    # The programme year (claims/years.py): its calendar and first month in it (1 = January, or Farvardin: Nowruz).
    year_calendar: Mapped[YearCalendar] = mapped_column(enum_column(YearCalendar), default=YearCalendar.GREGORIAN,
                                                        server_default=YearCalendar.GREGORIAN.value)
    year_start_month: Mapped[int] = mapped_column(default=1, server_default="1")
    dual_approval_threshold: Mapped[Decimal | None]
    verification_sla_hours: Mapped[int] = mapped_column(default=RULE_DEFAULTS["verification_sla_hours"])
    decision_sla_days: Mapped[int] = mapped_column(default=RULE_DEFAULTS["decision_sla_days"], server_default="7")
    payment_sla_days: Mapped[int] = mapped_column(default=RULE_DEFAULTS["payment_sla_days"])
    confirmation_sla_days: Mapped[int] = mapped_column(default=RULE_DEFAULTS["confirmation_sla_days"],
                                                       server_default="7")
    appeal_days: Mapped[int] = mapped_column(default=RULE_DEFAULTS["appeal_days"])
    max_claims_per_year: Mapped[int | None] = mapped_column(default=RULE_DEFAULTS["max_claims_per_year"])
    min_confidence: Mapped[Confidence] = mapped_column(enum_column(Confidence),
                                                       default=RULE_DEFAULTS["min_confidence"])
    covered_predators: Mapped[list] = mapped_column(sa.JSON,
                                                    default=lambda: list(RULE_DEFAULTS["covered_predators"]))
    advance_pct: Mapped[Decimal] = mapped_column(PCT, default=RULE_DEFAULTS["advance_pct"])
    late_interest_pct_per_year: Mapped[Decimal] = mapped_column(
        PCT, default=RULE_DEFAULTS["late_interest_pct_per_year"])
    retaliation_freeze_days: Mapped[int] = mapped_column(default=RULE_DEFAULTS["retaliation_freeze_days"])
    exclusion_zones: Mapped[dict | None] = mapped_column(sa.JSON)
    is_confirmed_carcass_required: Mapped[bool] = mapped_column(
        default=RULE_DEFAULTS["is_confirmed_carcass_required"], server_default=sa.true())
    confirmed_signs: Mapped[list] = mapped_column(sa.JSON, default=lambda: list(RULE_DEFAULTS["confirmed_signs"]),
                                                  server_default=json.dumps(RULE_DEFAULTS["confirmed_signs"]))
    confirmed_min_signs: Mapped[int] = mapped_column(default=RULE_DEFAULTS["confirmed_min_signs"], server_default="2")
    confirmed_min_photos: Mapped[int] = mapped_column(default=RULE_DEFAULTS["confirmed_min_photos"],
                                                      server_default="1")
    is_probable_carcass_required: Mapped[bool] = mapped_column(
        default=RULE_DEFAULTS["is_probable_carcass_required"], server_default=sa.false())
    probable_signs: Mapped[list] = mapped_column(sa.JSON, default=lambda: list(RULE_DEFAULTS["probable_signs"]),
                                                 server_default=json.dumps(RULE_DEFAULTS["probable_signs"]))
    probable_min_signs: Mapped[int] = mapped_column(default=RULE_DEFAULTS["probable_min_signs"], server_default="1")
    probable_min_photos: Mapped[int] = mapped_column(default=RULE_DEFAULTS["probable_min_photos"], server_default="0")

    jurisdiction: Mapped[Jurisdiction] = relationship(lazy="joined")

    @property
    def audit_label(self) -> str:
        return self.name

    @property
    def audit_scope_id(self) -> int:
        return self.jurisdiction_id

    @property
    def is_insurance(self) -> bool:
        return self.kind == ProgrammeKind.INSURANCE

    @property
    def name_language(self) -> str:
        """The language its official name is in: the programme's official language."""
        return self.official_language

    @property
    def takes_claims(self) -> bool:
        """A conservation-performance programme pays communities by contract, never for claimed losses."""
        return self.kind != ProgrammeKind.PERFORMANCE

    def evidence_rule(self, confidence: Confidence) -> EvidenceRule | None:
        """The least evidence an attribution at ``confidence`` needs; None when anything will do (``possible``)."""
        if confidence == Confidence.POSSIBLE:
            return None
        level = confidence.value
        return EvidenceRule(confidence, getattr(self, f"is_{level}_carcass_required"),
                            tuple(EvidenceSign(s) for s in getattr(self, f"{level}_signs") or []),
                            getattr(self, f"{level}_min_signs"), getattr(self, f"{level}_min_photos"))


@dataclass(frozen=True)
class EvidenceRule:
    """A programme's least evidence for one level of confidence."""

    confidence: Confidence
    is_carcass_required: bool
    signs: tuple[EvidenceSign, ...]
    min_signs: int
    min_photos: int


class RuleChange(Base):
    """A change of a programme's money rules proposed by one manager; it applies when a second one confirms it."""

    __tablename__ = "programme_rule_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    status: Mapped[RuleChangeStatus] = mapped_column(enum_column(RuleChangeStatus), default=RuleChangeStatus.PENDING)
    before: Mapped[dict] = mapped_column(sa.JSON)  # the values when proposed: confirming a stale proposal is refused
    after: Mapped[dict] = mapped_column(sa.JSON)
    proposed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")

    programme: Mapped[Programme] = relationship(lazy="joined")
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")


class Owner(Base):
    """A livestock-owning household. Personal data: national ID and phone."""

    __tablename__ = "owners"
    __audit_type__ = "owner"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), index=True)
    national_id: Mapped[str | None] = mapped_column(sa.String(40))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    village: Mapped[str] = mapped_column(sa.String(120))
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("jurisdictions.id"), index=True)
    home_lat: Mapped[float | None]
    home_lon: Mapped[float | None]
    preferred_language: Mapped[str] = mapped_column(sa.String(10), default="en")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The name and the village as a search folds them (:func:`twin_key`), kept on every write (the mapper events of
    # :func:`keep_twin_keys`), so that households of one name in one village are found by an index (the
    # same_name_elsewhere flag compares every claim's owner with every other owner) rather than by folding every
    # owner again.
    twin_key: Mapped[str | None] = mapped_column(sa.String(300), index=True)

    office: Mapped[Jurisdiction] = relationship(lazy="joined")
    herd_counts: Mapped[list[HerdCount]] = relationship(
        back_populates="owner", cascade="all, delete-orphan", lazy="selectin",
        order_by=lambda: (HerdCount.species, HerdCount.counted_on, HerdCount.id))

    @property
    def audit_label(self) -> str:
        return self.name

    @property
    def audit_scope_id(self) -> int:
        return self.office_id

    @property
    def herd_history(self) -> list[HerdCount]:
        """Every count ever recorded, corrected ones included, per species and date."""
        return sorted(self.herd_counts, key=lambda h: (h.species.value, h.counted_on, h.id or 0))

    @property
    def herd(self) -> list[HerdCount]:
        """The count in force today for each species counted (the latest valid one)."""
        return self.herd_on(None)

    def herd_on(self, day: date | None) -> list[HerdCount]:
        """The count in force on ``day`` for each species (DESIGN §3): the latest valid count made on or before it,
        or, for a herd first counted after that day, its first count (a later raise never replaces it)."""
        found = (count_in_force(self.herd_counts, species, day) for species in dict.fromkeys(
            h.species for h in self.herd_history))
        return [h for h in found if h is not None]

    def head_count(self, species: Species, on: date | None = None) -> int | None:
        row = count_in_force(self.herd_counts, species, on)
        return row.head_count if row else None


def count_in_force(rows: list[HerdCount], species: Species, day: date | None) -> HerdCount | None:
    """The count of ``species`` in force on ``day`` (``None``: the latest) among an owner's ``rows``; a corrected
    record never counts, its correction does. The same rule as ``claims.queries.head_count_in_force`` in SQL."""
    corrected = {h.corrects_id for h in rows if h.corrects_id}
    valid = [h for h in rows if h.species == species and h.id not in corrected]
    before = [h for h in valid if day is None or h.counted_on <= day]
    if before:
        return max(before, key=lambda h: (h.counted_on, h.id or 0))
    return min(valid, key=lambda h: (h.counted_on, h.id or 0), default=None)


def twin_key(name: str, village: str) -> str:
    """An owner's name and village folded as a search folds them (``conflict_service.textsearch.fold``): «علي كريمي»
    of «Dargaz» and «علی کریمی» of «dargaz» have one key. A change to the folding needs the keys written again (as
    the migration that added them does)."""
    return f"{fold(name or '')}\n{fold(village or '')}"


def keep_twin_keys() -> None:
    """Every insert and update of an owner writes its ``twin_key`` (installed by ``create_app``, once a process)."""
    for name in ("before_insert", "before_update"):
        if not sa.event.contains(Owner, name, _keep_twin_key):
            sa.event.listen(Owner, name, _keep_twin_key)


def _keep_twin_key(_mapper, _connection, owner: Owner) -> None:
    owner.twin_key = twin_key(owner.name, owner.village)


class HerdCount(Base):
    """One dated head count of one species of an owner's herd. Counts are never overwritten: a new count is a new
    row, and a mistyped one is corrected by a new row that names it (``corrects_id``) with the reason."""

    __tablename__ = "herd_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owners.id", ondelete="CASCADE"), index=True)
    species: Mapped[Species] = mapped_column(enum_column(Species))
    head_count: Mapped[int]
    counted_on: Mapped[date]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("herd_counts.id"), unique=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    owner: Mapped[Owner] = relationship(back_populates="herd_counts")
    recorded_by: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (sa.Index("ix_herd_counts_owner_species_day", "owner_id", "species", "counted_on"),
                      sa.CheckConstraint("head_count >= 0", name="head_count_not_negative"))

    @property
    def corrected_by(self) -> HerdCount | None:
        """The count that corrects this mistyped one, if any (this one then no longer counts)."""
        return next((h for h in self.owner.herd_counts if h.corrects_id == self.id), None)


class Claim(Base):
    """A depredation claim filed at an office for an owner."""

    __tablename__ = "claims"
    __audit_type__ = "claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    pin: Mapped[str] = mapped_column(sa.String(12))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owners.id"), index=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("jurisdictions.id"))
    filed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[ClaimState] = mapped_column(enum_column(ClaimState), default=ClaimState.SUBMITTED)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    incident_at: Mapped[datetime | None]  # None: the time is not known (incident_date is)
    incident_date: Mapped[date] = mapped_column(index=True)
    incident_lat: Mapped[float | None]
    incident_lon: Mapped[float | None]
    incident_village: Mapped[str] = mapped_column(sa.String(120))
    time_of_day: Mapped[TimeOfDay] = mapped_column(enum_column(TimeOfDay))
    is_in_corral: Mapped[bool] = mapped_column(default=False)
    is_herder_present: Mapped[bool] = mapped_column(default=False)
    is_guard_dog_present: Mapped[bool] = mapped_column(default=False)
    narrative: Mapped[str] = mapped_column(sa.Text, default="")

    reported_at: Mapped[datetime]  # when the owner first reported the loss (DESIGN §5.3), at or before filing
    report_channel: Mapped[ReportChannel] = mapped_column(enum_column(ReportChannel), default=ReportChannel.OFFICE,
                                                          server_default=ReportChannel.OFFICE.value)
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    filed_date: Mapped[date]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    verification_due_at: Mapped[datetime | None]
    assigned_verifier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    prior_verifier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    appealed_at: Mapped[datetime | None]
    # The clock of the current stage (claims.clocks): what the claim waits for, and until when.
    due_clock: Mapped[Clock | None] = mapped_column(enum_column(Clock))
    due_at: Mapped[datetime | None]

    owner: Mapped[Owner] = relationship()
    programme: Mapped[Programme] = relationship(lazy="joined", innerjoin=True)
    office: Mapped[Jurisdiction] = relationship(lazy="joined", innerjoin=True)
    filed_by: Mapped[User] = relationship(foreign_keys=[filed_by_id])
    assigned_verifier: Mapped[User | None] = relationship(foreign_keys=[assigned_verifier_id])
    lines: Mapped[list[LossLine]] = relationship(back_populates="claim", cascade="all, delete-orphan",
                                                 order_by="LossLine.position", lazy="selectin")

    @property
    def reported_date(self) -> date:
        """The office's day of the owner's report: what the late-report step counts to (DESIGN §5.3)."""
        return local_date(self.reported_at, self.office.timezone)

    @property
    def incident_earliest(self) -> datetime:
        """The incident moment, or the start of its day at the office when the time is not known."""
        return self.incident_at or day_start(self.incident_date, self.office.timezone)

    __table_args__ = (
        sa.Index("ix_claims_office_status", "office_id", "status"),
        sa.Index("ix_claims_filed_at", "filed_at"),
        sa.Index("ix_claims_due_at", "due_at"),
        # The claim list at scale: filters on programme and/or status, newest first; on PostgreSQL the included
        # columns let the page's count run from the index alone (bench/results/explain-*.txt).
        sa.Index("ix_claims_programme_status_filed", "programme_id", "status", "filed_at",
                 postgresql_include=["office_id", "incident_date"]),
        sa.Index("ix_claims_status_filed", "status", "filed_at",
                 postgresql_include=["office_id", "programme_id", "incident_date"]),
    )

    @property
    def audit_label(self) -> str:
        return self.number

    @property
    def audit_scope_id(self) -> int:
        return self.office_id

    @property
    def head_lost(self) -> int:
        return sum(line.count for line in self.lines)

    @property
    def is_overdue(self) -> bool:
        """The current stage's clock has run out (DESIGN §6)."""
        return self.due_at is not None and self.due_at < utcnow()

    @property
    def is_verification_overdue(self) -> bool:
        """Still waiting for its site visit after the verification due time (DESIGN §6)."""
        return (self.status in AWAITING_VERIFICATION and self.verification_due_at is not None
                and self.verification_due_at < utcnow())


class LossLine(Base):
    """One kind of loss as claimed: species, age class, outcome and how many."""

    __tablename__ = "loss_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    species: Mapped[Species] = mapped_column(enum_column(Species))
    age_class: Mapped[AgeClass] = mapped_column(enum_column(AgeClass))
    outcome: Mapped[LossOutcome] = mapped_column(enum_column(LossOutcome))
    count: Mapped[int]

    claim: Mapped[Claim] = relationship(back_populates="lines")

    __table_args__ = (sa.CheckConstraint("count > 0", name="count_positive"),)


class ClaimCounter(Base):
    """The last sequence number used per office and year, for claim numbers."""

    __tablename__ = "claim_counters"

    office_id: Mapped[int] = mapped_column(sa.ForeignKey("jurisdictions.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(default=0)


class IdempotencyKey(Base):
    """Remembers a submission so a retried POST /claims returns the first result."""

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(128))
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)
