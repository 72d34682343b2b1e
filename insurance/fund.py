"""Money in and out of a scheme's fund, and claims waiting for it.

* In: a premium (``premiums.record_premium``), a donor contribution (:func:`contribute`). Money arriving releases
  the claims waiting for funds, in approval order, in the same transaction (:func:`release_waiting`).
* Reserved: the final approval of a scheme's claim reserves its amount (:func:`reserve_for_award`), or the claim
  waits as ``awaiting_funds`` when the fund cannot pay it or earlier approvals are still waiting; late interest is
  reserved when the batch is approved (:func:`reserve_interest`).
* Out: confirming the payment moves the reserved money to payouts (:func:`pay_out`); a failed payment gives its
  interest back (:func:`release_interest`).
* Corrections reverse a premium or a contribution (:func:`correct`).

Locks: every posting locks the fund row (``ledger.post``). On the payment side the fund comes last (batch →
payment → claim → fund), in a decision after the claim and owner (claim → owner → fund). Money arriving takes the
fund first and then only claims awaiting funds, which nobody holds while waiting for the fund, so the two orders
cannot deadlock.
"""

from __future__ import annotations

import logging
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from claims.models import Claim, Programme
from claims.states import ClaimAction, ClaimState, apply_action
from conflict_service.audit.operations import record
from conflict_service.db import db
from conflict_service.errors import Conflict, ValidationError
from conflict_service.i18n import currency_precision, decimals_allowed, format_money
from conflict_service.timeutil import local_date, local_today
from insurance import queries
from insurance.enums import CORRECTABLE, Account, TransactionKind
from insurance.ledger import InsufficientFunds, balances, lock_fund, open_fund, post, reversal_of, reverse
from insurance.models import Fund, LedgerTransaction, Policy, Season
from insurance.permissions import check_manage_scheme
from payouts.breakdown import money_str

log = logging.getLogger(__name__)


def check_amount(amount: Decimal, currency: str, field: str = "amount") -> None:
    digits = currency_precision(currency)
    if amount <= 0:
        raise ValidationError.field(field, _("Give an amount above zero."))
    if amount.quantize(Decimal(1).scaleb(-digits)) != amount:
        raise ValidationError.field(field, decimals_allowed(currency))


def season_for_money(programme: Programme, season_id: int | None) -> Season:
    """The season money is booked to: the one given (of this scheme), else the current one."""
    if season_id is not None:
        season = db.session.get(Season, season_id)
        if season is None or season.programme_id != programme.id:
            raise ValidationError.field("season_id", _("Choose a season of {name}.").format(name=programme.local_name))
        return season
    season = queries.current_season(programme)
    if season is None:
        raise ValidationError.field("season_id", _("{name} has no season yet; create one first.").format(
            name=programme.local_name))
    return season


# --- money in ---------------------------------------------------------------------------------------------------

def contribute(programme: Programme, data: dict, actor) -> LedgerTransaction:
    """Record a donor's contribution to the fund; claims waiting for funds are released with it."""
    check_manage_scheme(actor, programme, _("Only a programme manager records donor contributions."))
    amount, received_on = data["amount"], data["received_on"]
    check_amount(amount, programme.currency)
    if received_on > local_today(programme.jurisdiction.timezone):
        raise ValidationError.field("received_on", _("The money cannot have been received after today."))
    season = season_for_money(programme, data.get("season_id"))
    fund = open_fund(programme)
    tx = post(fund, TransactionKind.CONTRIBUTION, [(Account.FUND, amount), (Account.CONTRIBUTIONS, -amount)],
              season_id=season.id, occurred_on=received_on, actor=actor, memo=data.get("note") or "",
              donor=data["donor"].strip(), reference=(data.get("reference") or "").strip() or None)
    record("insurance_fund.contribution_received", fund, actor=actor, data={
        "amount": money_str(amount, fund.currency), "currency": fund.currency, "donor": tx.donor, "seq": tx.seq,
        "season": season.name})
    release_waiting(fund, actor, tx)
    return tx


def correct(programme: Programme, tx: LedgerTransaction, data: dict, actor) -> LedgerTransaction:
    """Reverse a premium or a contribution recorded in error; the reversal restores every balance exactly."""
    check_manage_scheme(actor, programme, _("Only a programme manager corrects the fund's ledger."))
    if tx.kind not in (*CORRECTABLE, TransactionKind.REVERSAL):  # a reversal's own refusal comes from reverse()
        raise Conflict(_("Posting no. {seq} follows a claim's approval or payment; it changes with the claim and its "
                         "payment, not by hand.").format(seq=tx.seq))
    fund = open_fund(programme)
    reason = data["reason"].strip()
    reversal = reverse(tx, actor, occurred_on=local_today(programme.jurisdiction.timezone), memo=reason)
    record("insurance_fund.corrected", fund, actor=actor, reason=reason, data={
        "seq": reversal.seq, "reversed": tx.seq, "kind": tx.kind.value, "currency": fund.currency,
        "amount": money_str(tx.amount, fund.currency)})
    if tx.policy_id is not None:
        policy = db.session.get(Policy, tx.policy_id)
        record("insurance_policy.premium_reversed", policy, actor=actor, reason=reason, data={
            "reference": tx.reference, "amount": money_str(tx.amount, fund.currency), "currency": fund.currency})
    release_waiting(fund, actor, reversal)
    return reversal


def release_waiting(fund: Fund, actor, trigger: LedgerTransaction) -> list[Claim]:
    """Reserve money for the claims waiting for it, in approval order, as far as the fund goes.

    Strictly in order: a large claim at the head of the queue is not overtaken by smaller ones behind it.
    """
    available, released = balances(fund).available, []
    for claim, award in queries.awaiting_funds(fund.programme_id):
        if award.total > available:
            break
        tx = _reserve(fund, claim, award.total, actor, memo=_("Released: money arrived (posting no. {seq})").format(
            seq=trigger.seq))
        apply_action(claim, ClaimAction.RELEASE_FUNDS, actor, consequence=True, data={
            "amount": money_str(award.total, fund.currency), "currency": fund.currency, "seq": tx.seq,
            "trigger": trigger.seq})
        available -= award.total
        released.append(claim)
    if released:
        log.info("fund %s: %s claims released by posting %s", fund.programme_id, len(released), trigger.seq)
    return released


# --- reserved ---------------------------------------------------------------------------------------------------

def _reserve(fund: Fund, claim: Claim, amount: Decimal, actor, *, memo: str, payment_id: int | None = None):
    policy = queries.policy_for_claim(claim)
    season = policy.season if policy is not None else queries.current_season(claim.programme)
    return post(fund, TransactionKind.RESERVATION, [(Account.RESERVED, amount), (Account.FUND, -amount)],
                season_id=season.id, occurred_on=local_today(claim.office.timezone), actor=actor, memo=memo,
                claim_id=claim.id, policy_id=getattr(policy, "id", None), payment_id=payment_id)


def waiting_count(programme_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Claim).where(
        Claim.programme_id == programme_id, Claim.status == ClaimState.AWAITING_FUNDS)) or 0


def reserve_for_award(claim: Claim, award, actor) -> bool:
    """At the final approval of a scheme's claim: reserve its amount (True), or let it wait for funds (False)."""
    fund = lock_fund(claim.programme_id) or open_fund(claim.programme)
    available, ahead = balances(fund).available, waiting_count(claim.programme_id)
    if ahead == 0 and award.total <= available:
        _reserve(fund, claim, award.total, actor, memo=_("Approved"))
        return True
    apply_action(claim, ClaimAction.AWAIT_FUNDS, actor, data={
        "total": money_str(award.total, fund.currency), "available": money_str(available, fund.currency),
        "currency": fund.currency, "ahead": ahead})
    return False


def reserve_interest(programme: Programme, rows, actor) -> None:
    """When a batch of a scheme is approved: reserve the late interest its payments add to the approved amounts."""
    owed = [(payment, claim) for payment, claim in rows if payment.interest > 0]
    if not owed:
        return
    fund = lock_fund(programme.id) or open_fund(programme)
    for payment, claim in owed:
        try:
            _reserve(fund, claim, payment.interest, actor, payment_id=payment.id,
                     memo=_("Late interest of payment {reference}").format(reference=payment.reference))
        except InsufficientFunds:
            raise InsufficientFunds(_("The fund cannot pay the late interest of {amount} on payment {reference} now "
                                      "({available} available); approve the batch once money arrives.").format(
                amount=format_money(payment.interest, fund.currency), reference=payment.reference,
                available=format_money(balances(fund).available, fund.currency))) from None


# --- money out --------------------------------------------------------------------------------------------------

def pay_out(claim: Claim, payment, actor) -> LedgerTransaction:
    """The payment is confirmed: its money leaves the fund, from what was reserved for the claim."""
    fund = lock_fund(claim.programme_id) or open_fund(claim.programme)
    reserved = balances(fund, claim_id=claim.id).reserved
    if reserved < payment.amount:
        raise Conflict(_("Only {reserved} is reserved in the fund for claim {number}, less than the payment of "
                         "{amount}.").format(reserved=format_money(reserved, fund.currency), number=claim.number,
                                             amount=format_money(payment.amount, fund.currency)))
    policy = queries.policy_for_claim(claim)
    season = policy.season if policy is not None else queries.current_season(claim.programme)
    return post(fund, TransactionKind.PAYOUT, [(Account.PAYOUTS, payment.amount), (Account.RESERVED, -payment.amount)],
                season_id=season.id, occurred_on=local_date(payment.paid_at, claim.office.timezone), actor=actor,
                memo=_("Payment {reference}").format(reference=payment.reference), claim_id=claim.id,
                policy_id=getattr(policy, "id", None), payment_id=payment.id, reference=payment.external_reference)


def release_failed(claim: Claim, payment, actor) -> None:
    """A failed payment: the late interest reserved for it (if any) goes back to the fund."""
    if payment.interest > 0:
        release_interest(claim, payment, actor)


def release_interest(claim: Claim, payment, actor) -> None:
    """A failed payment's late interest goes back to the fund (the next batch works it out again)."""
    stmt = sa.select(LedgerTransaction).where(LedgerTransaction.payment_id == payment.id,
                                              LedgerTransaction.kind == TransactionKind.RESERVATION)
    for tx in db.session.scalars(stmt):
        if reversal_of(tx) is None:
            reversal = reverse(tx, actor, occurred_on=local_today(claim.office.timezone),
                               memo=_("Payment {reference} failed").format(reference=payment.reference))
            release_waiting(db.session.get(Fund, tx.fund_id), actor, reversal)
