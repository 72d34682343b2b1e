"""Tables of community insurance: seasons and premium rates, policies and premium payments, the fund's ledger."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from claims.enums import Species
from claims.models import Owner, Programme
from conflict_service.auth.models import User
from conflict_service.db import Base, enum_column
from conflict_service.i18n import NamedInLanguages
from conflict_service.jurisdictions.models import Jurisdiction
from conflict_service.rate_tables import VersionedTable
from conflict_service.timeutil import utcnow
from insurance.enums import Account, PolicyStatus, TransactionKind
from payouts.enums import PaymentMethod


class Season(NamedInLanguages, Base):
    """A period of cover of a scheme; policies are taken out for one season. Seasons of a scheme never overlap."""

    __tablename__ = "insurance_seasons"
    __audit_type__ = "insurance_season"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    names: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")  # locale → name (DESIGN §14)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    programme: Mapped[Programme] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (sa.UniqueConstraint("programme_id", "name"),
                      sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"))

    @property
    def name_language(self) -> str:
        """A season is named in its programme's official language, as the programme is."""
        return self.programme.official_language

    @property
    def late_entry_until(self) -> date:
        """The last day a paper enrolment signed during the season may be typed in (DESIGN §5.3's backdating limit)."""
        return self.ends_on + timedelta(days=self.programme.report_backdating_days)

    @property
    def audit_label(self) -> str:
        return f"{self.programme.name} · {self.name}"

    @property
    def audit_scope_id(self) -> int:
        return self.programme.jurisdiction_id


class PremiumTable(VersionedTable, Base):
    """One recorded version of a season's premium rates; later versions add rates, never overwrite old ones."""

    __tablename__ = "premium_tables"

    season_id: Mapped[int] = mapped_column(sa.ForeignKey("insurance_seasons.id"), index=True)
    entries: Mapped[list[PremiumRate]] = relationship(
        back_populates="table", cascade="all, delete-orphan", order_by="(PremiumRate.species, PremiumRate.valid_from)",
        lazy="selectin")

    __table_args__ = (sa.UniqueConstraint("season_id", "version"),)


class PremiumRate(Base):
    """The premium per insured head of one species, for policies enrolled from ``valid_from`` on."""

    __tablename__ = "premium_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(sa.ForeignKey("premium_tables.id", ondelete="CASCADE"), index=True)
    season_id: Mapped[int] = mapped_column(sa.ForeignKey("insurance_seasons.id"))
    species: Mapped[Species] = mapped_column(enum_column(Species))
    amount: Mapped[Decimal]
    valid_from: Mapped[date]

    table: Mapped[PremiumTable] = relationship(back_populates="entries")

    __table_args__ = (sa.UniqueConstraint("table_id", "species", "valid_from"),
                      sa.Index("ix_premium_rates_lookup", "season_id", "species", "valid_from"),
                      sa.CheckConstraint("amount >= 0", name="amount_not_negative"))


class PolicyCounter(Base):
    """The last policy number used per office and year."""

    __tablename__ = "policy_counters"

    office_id: Mapped[int] = mapped_column(sa.ForeignKey("jurisdictions.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(default=0)


class Policy(Base):
    """An owner enrolled in a scheme for a season, with the head insured per species and the premium due."""

    __tablename__ = "insurance_policies"
    __audit_type__ = "insurance_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    season_id: Mapped[int] = mapped_column(sa.ForeignKey("insurance_seasons.id"))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owners.id"), index=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("jurisdictions.id"), index=True)
    enrolled_on: Mapped[date]  # the day the owner enrolled (signed, maybe on paper); cover starts then
    paper_reference: Mapped[str | None] = mapped_column(sa.String(120))  # the paper form of one typed in late
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    enrolled_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    agreement_signed_on: Mapped[date]
    premium_due: Mapped[Decimal]
    violation_on: Mapped[date | None]
    violation_note: Mapped[str | None] = mapped_column(sa.Text)
    violation_recorded_at: Mapped[datetime | None]
    violation_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    season: Mapped[Season] = relationship(lazy="joined", innerjoin=True)
    owner: Mapped[Owner] = relationship(lazy="joined", innerjoin=True)
    office: Mapped[Jurisdiction] = relationship(lazy="joined", innerjoin=True)
    enrolled_by: Mapped[User] = relationship(foreign_keys=[enrolled_by_id], lazy="joined")
    lines: Mapped[list[PolicyLine]] = relationship(back_populates="policy", cascade="all, delete-orphan",
                                                   order_by="PolicyLine.species", lazy="selectin")

    __table_args__ = (sa.UniqueConstraint("season_id", "owner_id"),
                      sa.CheckConstraint("premium_due >= 0", name="premium_due_not_negative"))

    @property
    def audit_label(self) -> str:
        return self.number

    @property
    def audit_scope_id(self) -> int:
        return self.office_id

    @property
    def cover_from(self) -> date:
        """Cover starts with the season, or on the day of enrolment if the owner joined later."""
        return max(self.season.starts_on, self.enrolled_on)

    @property
    def cover_to(self) -> date:
        """The last day of cover: the season's end, or the day before a poaching violation."""
        if self.violation_on is not None:
            return min(self.season.ends_on, self.violation_on - timedelta(days=1))
        return self.season.ends_on

    def insured(self, species: Species) -> int:
        return next((ln.head_count for ln in self.lines if ln.species == species), 0)

    def status_on(self, day: date) -> PolicyStatus:
        if self.violation_on is not None and day >= self.violation_on:
            return PolicyStatus.VIOLATION
        if day < self.cover_from:
            return PolicyStatus.UPCOMING
        if day > self.season.ends_on:
            return PolicyStatus.ENDED
        return PolicyStatus.ACTIVE


class PolicyLine(Base):
    """Head insured of one species, with the premium rate in force at enrolment."""

    __tablename__ = "insurance_policy_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(sa.ForeignKey("insurance_policies.id", ondelete="CASCADE"), index=True)
    species: Mapped[Species] = mapped_column(enum_column(Species))
    head_count: Mapped[int]
    rate: Mapped[Decimal]
    premium: Mapped[Decimal]

    policy: Mapped[Policy] = relationship(back_populates="lines")

    __table_args__ = (sa.UniqueConstraint("policy_id", "species"),
                      sa.CheckConstraint("head_count > 0", name="head_count_positive"))


class PremiumPayment(Base):
    """Money an owner paid towards a policy's premium, with the receipt given for it."""

    __tablename__ = "premium_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(sa.ForeignKey("insurance_policies.id"), index=True)
    receipt_number: Mapped[str] = mapped_column(sa.String(60), unique=True)
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(sa.String(3))
    paid_on: Mapped[date]
    method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod))
    reference: Mapped[str | None] = mapped_column(sa.String(120))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    policy: Mapped[Policy] = relationship(lazy="joined", innerjoin=True)
    recorded_by: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)


class Fund(Base):
    """A scheme's pooled fund. It stores no balance: that is derived from the ledger. Its row is what postings lock
    (and number from), so that two transactions never spend the same money."""

    __tablename__ = "insurance_funds"
    __audit_type__ = "insurance_fund"

    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seq: Mapped[int] = mapped_column(default=0)

    programme: Mapped[Programme] = relationship(lazy="joined", innerjoin=True)

    @property
    def id(self) -> int:
        return self.programme_id

    @property
    def audit_label(self) -> str:
        return self.programme.name

    @property
    def audit_scope_id(self) -> int:
        return self.programme.jurisdiction_id


class LedgerTransaction(Base):
    """One balanced posting to a fund, numbered in sequence. Never changed: a correction reverses it."""

    __tablename__ = "fund_transactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(sa.ForeignKey("insurance_funds.programme_id"))
    seq: Mapped[int]
    season_id: Mapped[int] = mapped_column(sa.ForeignKey("insurance_seasons.id"), index=True)
    kind: Mapped[TransactionKind] = mapped_column(enum_column(TransactionKind))
    occurred_on: Mapped[date]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    memo: Mapped[str] = mapped_column(sa.String(500), default="")
    donor: Mapped[str | None] = mapped_column(sa.String(160))
    reference: Mapped[str | None] = mapped_column(sa.String(120))
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fund_transactions.id"), unique=True)
    policy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("insurance_policies.id"), index=True)
    premium_payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("premium_payments.id"))
    claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claims.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payments.id"))

    recorded_by: Mapped[User | None] = relationship(lazy="joined")
    entries: Mapped[list[LedgerEntry]] = relationship(back_populates="transaction", order_by="LedgerEntry.id",
                                                      lazy="selectin")

    __table_args__ = (sa.UniqueConstraint("fund_id", "seq"),)

    def amount_on(self, account: Account) -> Decimal:
        return sum((e.amount for e in self.entries if e.account == account), Decimal(0))

    @property
    def amount(self) -> Decimal:
        """The money moved: the sum of the debits."""
        return sum((e.amount for e in self.entries if e.amount > 0), Decimal(0))


class LedgerEntry(Base):
    """One side of a posting: a signed amount on one account (debit positive, credit negative)."""

    __tablename__ = "fund_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(sa.ForeignKey("fund_transactions.id"), index=True)
    account: Mapped[Account] = mapped_column(enum_column(Account))
    amount: Mapped[Decimal]

    transaction: Mapped[LedgerTransaction] = relationship(back_populates="entries")

    __table_args__ = (sa.CheckConstraint("amount <> 0", name="amount_not_zero"),)
