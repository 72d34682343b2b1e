"""Rate tables, decisions and frozen awards, payout details, payment batches, payments and reconciliations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from claims.enums import AgeClass, Species
from claims.models import Claim, Owner, Programme
from conflict_service.auth.models import User
from conflict_service.db import Base, enum_column
from conflict_service.jurisdictions.queries import common_scope
from conflict_service.rate_tables import VersionedTable
from conflict_service.timeutil import utcnow
from payouts.enums import (
    LIVE_PAYMENT_STATES,
    BatchStatus,
    DecisionKind,
    PaymentKind,
    PaymentMethod,
    PaymentStatus,
    RejectReason,
)

LIVE_SQL = "status IN ({})".format(", ".join(f"'{state.value}'" for state in LIVE_PAYMENT_STATES))
SUBJECT_LIVE_SQL = f"subject IS NOT NULL AND {LIVE_SQL}"
ONE_SUBJECT_SQL = ("(claim_id IS NOT NULL AND subject IS NULL) OR (claim_id IS NULL AND subject IS NOT NULL AND "
                   "subject_id IS NOT NULL AND subject_part IS NOT NULL AND jurisdiction_id IS NOT NULL)")


class RateTable(VersionedTable, Base):
    """One recorded version of a programme's rates; later versions add entries, never overwrite old ones."""

    __tablename__ = "rate_tables"

    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    # Recorded by a manager, a version is a proposal (DESIGN §2): in force once another manager confirms it.
    is_pending: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    is_refused: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")
    entries: Mapped[list[Rate]] = relationship(back_populates="table", cascade="all, delete-orphan",
                                               order_by="(Rate.species, Rate.age_class, Rate.valid_from)",
                                               lazy="selectin")

    __table_args__ = (sa.UniqueConstraint("programme_id", "version"),)


class Rate(Base):
    """The amount paid per head of one species and age class, from ``valid_from`` on."""

    __tablename__ = "rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    rate_table_id: Mapped[int] = mapped_column(sa.ForeignKey("rate_tables.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"))
    species: Mapped[Species] = mapped_column(enum_column(Species))
    age_class: Mapped[AgeClass] = mapped_column(enum_column(AgeClass))
    amount: Mapped[Decimal]
    valid_from: Mapped[date]

    table: Mapped[RateTable] = relationship(back_populates="entries")

    __table_args__ = (
        sa.UniqueConstraint("rate_table_id", "species", "age_class", "valid_from"),
        sa.Index("ix_rates_lookup", "programme_id", "species", "age_class", "valid_from"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
    )


class Decision(Base):
    """A manager's approval or rejection of a verified claim; above the threshold the first approval waits."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DecisionKind] = mapped_column(enum_column(DecisionKind))
    manager_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    reason_code: Mapped[RejectReason | None] = mapped_column(enum_column(RejectReason))
    total: Mapped[Decimal | None]
    currency: Mapped[str] = mapped_column(sa.String(3))
    is_final: Mapped[bool] = mapped_column(default=False)
    superseded_at: Mapped[datetime | None]

    manager: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (
        # A claim is approved (or rejected) finally at most once per verification round; the claim row lock
        # serialises decisions, and this index makes a second final approval impossible even without it.
        sa.Index("uq_decisions_final_approval", "claim_id", unique=True,
                 sqlite_where=sa.text("is_final AND kind = 'approve'"),
                 postgresql_where=sa.text("is_final AND kind = 'approve'")),
    )


class Award(Base):
    """The amount approved for a claim, frozen at approval with a snapshot of its assessment breakdown."""

    __tablename__ = "awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"), unique=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owners.id"))
    incident_date: Mapped[date]
    currency: Mapped[str] = mapped_column(sa.String(3))
    total: Mapped[Decimal]
    breakdown: Mapped[dict] = mapped_column(sa.JSON)
    approved_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    due_on: Mapped[date]

    approved_by: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (sa.Index("ix_awards_household", "owner_id", "programme_id", "incident_date"),)


class PayoutAccount(Base):
    """How an owner is paid. Personal data: the account number (mobile money uses the owner's phone)."""

    __tablename__ = "payout_accounts"
    __audit_type__ = "owner"

    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owners.id", ondelete="CASCADE"), primary_key=True)
    method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod))
    bank_name: Mapped[str] = mapped_column(sa.String(120), default="")
    account_number: Mapped[str | None] = mapped_column(sa.String(40))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    owner: Mapped[Owner] = relationship(lazy="raise")


class PaymentBatch(Base):
    """Payments of one programme built by one manager and approved by another."""

    __tablename__ = "payment_batches"
    __audit_type__ = "payment_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[BatchStatus] = mapped_column(enum_column(BatchStatus), default=BatchStatus.AWAITING_APPROVAL)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    exported_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    programme: Mapped[Programme] = relationship(lazy="joined", innerjoin=True)
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id], lazy="joined")
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id], lazy="joined")
    payments: Mapped[list[Payment]] = relationship(back_populates="batch", order_by="Payment.id", lazy="raise")

    __table_args__ = (sa.Index("ix_payment_batches_status", "status"),)

    @property
    def audit_scope_id(self) -> int:
        return self.programme.jurisdiction_id

    @property
    def audit_label(self) -> str:
        return f"#{self.id}"


class Payment(Base):
    """One transfer: to an owner for a claim (an advance or the (rest of the) approved amount, plus any late
    interest), or for a subject a higher package registers (``payouts.subjects``: an approved performance period,
    lump sum or one member's share)."""

    __tablename__ = "payments"
    __audit_type__ = "payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claims.id"), index=True)
    # Or a registered subject: its kind (``performance_period``), id and part (0 the whole, else e.g. the member
    # owner's id), and the jurisdiction it belongs to (who sees the payment, as a claim's office does).
    subject: Mapped[str | None] = mapped_column(sa.String(40))
    subject_id: Mapped[int | None]
    subject_part: Mapped[int | None]
    jurisdiction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jurisdictions.id"))
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payment_batches.id"), index=True)
    kind: Mapped[PaymentKind] = mapped_column(enum_column(PaymentKind))
    status: Mapped[PaymentStatus] = mapped_column(enum_column(PaymentStatus), default=PaymentStatus.PENDING)
    reference: Mapped[str] = mapped_column(sa.String(60), unique=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    principal: Mapped[Decimal]
    interest: Mapped[Decimal] = mapped_column(default=Decimal(0))
    interest_days: Mapped[int] = mapped_column(default=0)
    amount: Mapped[Decimal]
    method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod))
    payee_name: Mapped[str] = mapped_column(sa.String(160))
    payee_account: Mapped[str | None] = mapped_column(sa.String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    external_reference: Mapped[str | None] = mapped_column(sa.String(120))
    paid_at: Mapped[datetime | None]
    settled_at: Mapped[datetime | None]
    settled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    failure_reason: Mapped[str | None] = mapped_column(sa.Text)

    claim: Mapped[Claim | None] = relationship(lazy="raise")
    batch: Mapped[PaymentBatch | None] = relationship(back_populates="payments", lazy="raise")

    __table_args__ = (
        # Never two live payments of one kind for a claim: no claim in two open batches, never paid twice.
        sa.Index("uq_payments_live_per_claim", "claim_id", "kind", unique=True,
                 sqlite_where=sa.text(LIVE_SQL), postgresql_where=sa.text(LIVE_SQL)),
        # Likewise never two live payments of one part of a subject: a period (or a member's share) paid once.
        sa.Index("uq_payments_live_per_subject", "subject", "subject_id", "subject_part", unique=True,
                 sqlite_where=sa.text(SUBJECT_LIVE_SQL), postgresql_where=sa.text(SUBJECT_LIVE_SQL)),
        sa.Index("ix_payments_subject", "subject", "subject_id"),
        sa.CheckConstraint(ONE_SUBJECT_SQL, name="one_subject"),
        sa.CheckConstraint("amount >= 0 AND principal >= 0 AND interest >= 0", name="amounts_not_negative"),
    )

    @property
    def audit_label(self) -> str:
        return self.reference

    @property
    def audit_scope_id(self) -> int | None:
        """A subject's payment is audited as itself, in its subject's jurisdiction (a claim's, on its claim)."""
        return self.jurisdiction_id


class Reconciliation(Base):
    """An imported bank statement and, row by row, what it matched and what it did not."""

    __tablename__ = "reconciliations"
    __audit_type__ = "reconciliation"

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(sa.String(200))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    row_count: Mapped[int] = mapped_column(default=0)
    matched_count: Mapped[int] = mapped_column(default=0)
    mismatch_count: Mapped[int] = mapped_column(default=0)
    results: Mapped[list] = mapped_column(sa.JSON, default=list)
    office_ids: Mapped[list] = mapped_column(sa.JSON, default=list)

    uploaded_by: Mapped[User] = relationship(lazy="joined")

    @property
    def audit_label(self) -> str:
        return self.filename[:80]

    @property
    def audit_scope_id(self) -> int | None:
        """Where the matched payments were made; the uploader's own scope when nothing matched."""
        return common_scope(self.office_ids) if self.office_ids else self.uploaded_by.audit_scope_id
