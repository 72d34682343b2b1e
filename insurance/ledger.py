"""The fund's double-entry ledger: balanced, numbered, append-only postings and balances derived from them.

Every posting goes through :func:`post`. It takes the fund's next sequence number with an ``UPDATE ... RETURNING``
on the fund row, which locks that row until the transaction ends (on PostgreSQL a row lock, on SQLite the database
write lock), then sums the fund's entries and refuses a posting that would leave the available or the reserved
money below zero. Two postings to one fund therefore run one after the other, and each checks the balance the
other left; the unique ``(fund_id, seq)`` constraint would refuse a second posting numbered from the same state
even if that lock were bypassed. Nothing here updates or deletes a posting (a listener refuses it): a correction
is a new posting that reverses the original (:func:`reverse`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from claims.models import Programme
from conflict_service.db import db
from conflict_service.errors import Conflict, NotEligible
from conflict_service.i18n import format_money
from insurance.enums import HELD, Account, TransactionKind
from insurance.models import Fund, LedgerEntry, LedgerTransaction

ZERO = Decimal(0)
NEVER_NEGATIVE = (Account.FUND, Account.RESERVED)
LINKS = ("policy_id", "premium_payment_id", "claim_id", "payment_id", "donor", "reference")


class InsufficientFunds(NotEligible):
    """The fund does not hold the money a posting would take out."""


@dataclass(frozen=True)
class Balances:
    """What a set of postings adds up to, per account (credits negative)."""

    currency: str
    by_account: dict[Account, Decimal] = field(default_factory=dict)

    def __getitem__(self, account: Account) -> Decimal:
        return self.by_account.get(account, ZERO)

    @property
    def available(self) -> Decimal:
        return self[Account.FUND]

    @property
    def reserved(self) -> Decimal:
        return self[Account.RESERVED]

    @property
    def held(self) -> Decimal:
        """All the money the fund holds: available plus reserved."""
        return sum((self[a] for a in HELD), ZERO)

    @property
    def premiums(self) -> Decimal:
        return -self[Account.PREMIUMS]

    @property
    def contributions(self) -> Decimal:
        return -self[Account.CONTRIBUTIONS]

    @property
    def payouts(self) -> Decimal:
        return self[Account.PAYOUTS]

    @property
    def total(self) -> Decimal:
        """Every entry summed: zero for any set of balanced postings."""
        return sum(self.by_account.values(), ZERO)


# --- the fund row ---------------------------------------------------------------------------------------------

def fund_of(programme_id: int) -> Fund | None:
    return db.session.get(Fund, programme_id)


def open_fund(programme: Programme) -> Fund:
    """The scheme's fund, opened with its first season."""
    fund = fund_of(programme.id)
    if fund is None:
        fund = Fund(programme_id=programme.id, currency=programme.currency, last_seq=0)
        db.session.add(fund)
        db.session.flush()
    return fund


def lock_fund(programme_id: int) -> Fund | None:
    """Hold the fund's row until the transaction ends, so a decision about its money cannot be overtaken."""
    stmt = (sa.select(Fund).where(Fund.programme_id == programme_id).with_for_update(of=Fund)
            .execution_options(populate_existing=True))
    return db.session.scalar(stmt)


def _next_seq(fund: Fund) -> int:
    stmt = (sa.update(Fund).where(Fund.programme_id == fund.programme_id).values(last_seq=Fund.last_seq + 1)
            .returning(Fund.last_seq))
    return db.session.execute(stmt, execution_options={"synchronize_session": False}).scalar_one()


# --- balances -------------------------------------------------------------------------------------------------

def balances(fund: Fund, *, season_ids=None, claim_id: int | None = None, since: date | None = None,
             until: date | None = None) -> Balances:
    """Sums per account of the fund's postings: all of them, or those of some seasons, of one claim, or with a
    value date (``occurred_on``) from ``since`` to ``until``."""
    stmt = (sa.select(LedgerEntry.account, sa.func.sum(LedgerEntry.amount))
            .join(LedgerTransaction, LedgerEntry.transaction_id == LedgerTransaction.id)
            .where(LedgerTransaction.fund_id == fund.programme_id).group_by(LedgerEntry.account))
    if season_ids is not None:
        stmt = stmt.where(LedgerTransaction.season_id.in_(list(season_ids)))
    if claim_id is not None:
        stmt = stmt.where(LedgerTransaction.claim_id == claim_id)
    if since is not None:
        stmt = stmt.where(LedgerTransaction.occurred_on >= since)
    if until is not None:
        stmt = stmt.where(LedgerTransaction.occurred_on <= until)
    return Balances(fund.currency, {Account(a): Decimal(v) for a, v in db.session.execute(stmt)})


# --- posting --------------------------------------------------------------------------------------------------

def post(fund: Fund, kind: TransactionKind, lines: list[tuple[Account, Decimal]], *, season_id: int,
         occurred_on: date, actor, memo: str = "", reverses_id: int | None = None, **links) -> LedgerTransaction:
    """Append one balanced posting, or refuse it if it would take the fund or the reserve below zero."""
    _check_balanced(lines)
    seq = _next_seq(fund)  # locks the fund row: postings to this fund queue here
    after = balances(fund).by_account
    for account, amount in lines:
        after[account] = after.get(account, ZERO) + amount
    for account in NEVER_NEGATIVE:
        if after.get(account, ZERO) < ZERO:
            raise _shortfall(fund, account, lines)
    tx = LedgerTransaction(fund_id=fund.programme_id, seq=seq, season_id=season_id, kind=kind, occurred_on=occurred_on,
                           recorded_by_id=getattr(actor, "id", None), memo=(memo or "")[:500], reverses_id=reverses_id,
                           **{k: v for k, v in links.items() if k in LINKS})
    tx.entries = [LedgerEntry(account=account, amount=amount) for account, amount in lines]
    db.session.add(tx)
    db.session.flush()
    return tx


def _check_balanced(lines: list[tuple[Account, Decimal]]) -> None:
    """A programming error, not bad input: every caller builds its lines from one amount."""
    if len(lines) < 2 or any(not isinstance(a, Decimal) or a == ZERO for _acc, a in lines):
        raise ValueError("a posting needs at least two non-zero Decimal entries")
    if sum((a for _acc, a in lines), ZERO) != ZERO:
        raise ValueError("a posting must balance: its debits and credits differ")


def _shortfall(fund: Fund, account: Account, lines) -> InsufficientFunds:
    have = balances(fund)[account]
    need = -sum((a for acc, a in lines if acc == account), ZERO)
    if account == Account.FUND:
        message = _("The fund has {available} available; this needs {amount}.")
    else:
        message = _("The fund has {available} reserved for approved claims; this needs {amount}.")
    return InsufficientFunds(message.format(available=format_money(have, fund.currency),
                                            amount=format_money(need, fund.currency)))


def reversal_of(tx: LedgerTransaction) -> LedgerTransaction | None:
    return db.session.scalar(sa.select(LedgerTransaction).where(LedgerTransaction.reverses_id == tx.id))


def reverse(tx: LedgerTransaction, actor, *, occurred_on: date, memo: str) -> LedgerTransaction:
    """Post the exact opposite of ``tx``, linked to it: its effect on every balance is undone."""
    if tx.kind == TransactionKind.REVERSAL:
        raise Conflict(_("Posting no. {seq} is itself a correction; record the right amount as a new posting instead.")
                       .format(seq=tx.seq))
    if reversal_of(tx) is not None:
        raise Conflict(_("Posting no. {seq} was already reversed.").format(seq=tx.seq))
    fund = db.session.get(Fund, tx.fund_id)
    links = {k: getattr(tx, k) for k in LINKS}
    return post(fund, TransactionKind.REVERSAL, [(e.account, -e.amount) for e in tx.entries], season_id=tx.season_id,
                occurred_on=occurred_on, actor=actor, memo=memo, reverses_id=tx.id, **links)


# --- append-only ----------------------------------------------------------------------------------------------

def listen() -> None:
    """Refuse changes to postings in every session (once, however many apps are created)."""
    if not event.contains(Session, "before_flush", _append_only):
        event.listen(Session, "before_flush", _append_only)


def _append_only(session: Session, _context, _instances) -> None:
    """Postings are immutable: refuse any change or deletion of one (corrections reverse them)."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, LedgerTransaction | LedgerEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError("the fund ledger is append-only: reverse a posting instead of changing it")
