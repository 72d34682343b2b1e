"""Clerks record premiums paid: each payment gets a receipt number and a posting in the fund's ledger."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask_babel import gettext as _

from conflict_service.audit.operations import record
from conflict_service.db import db
from conflict_service.errors import ValidationError
from conflict_service.i18n import format_date, format_money
from conflict_service.jurisdictions import queries as jq
from conflict_service.timeutil import local_today
from insurance import queries
from insurance.enums import Account, TransactionKind
from insurance.fund import check_amount, release_waiting
from insurance.ledger import open_fund, post
from insurance.models import Policy, PremiumPayment
from insurance.permissions import check_clerk
from payouts.breakdown import money_str

log = logging.getLogger(__name__)


def policy_for_payment(policy_id: int, actor) -> Policy:
    """The policy a payment in a request body is for; unknown or outside the clerk's offices: a field error."""
    policy = db.session.get(Policy, policy_id)
    if policy is None or policy.office_id not in jq.office_ids(actor):
        raise ValidationError.field("policy_id", _("No such policy in your offices."))
    return policy


def record_premium(policy: Policy, data: dict, actor) -> PremiumPayment:
    """Record money paid towards a policy's premium, at most what is still due; waiting claims may be released."""
    check_clerk(actor, _("Only office clerks record premium payments."))
    policy = _lock(policy)
    programme = policy.season.programme
    amount, paid_on = data["amount"], data["paid_on"]
    check_amount(amount, programme.currency)
    outstanding = policy.premium_due - queries.paid_by_policy([policy.id]).get(policy.id, 0)
    if amount > outstanding:
        raise ValidationError.field("amount", _("Only {amount} of the premium is still due.").format(
            amount=format_money(max(outstanding, 0), programme.currency)))
    _check_day(policy, paid_on)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(PremiumPayment)
                              .where(PremiumPayment.policy_id == policy.id)) or 0
    payment = PremiumPayment(policy_id=policy.id, receipt_number=f"{policy.number}-R{count + 1}", amount=amount,
                             currency=programme.currency, paid_on=paid_on, method=data["method"],
                             reference=(data.get("reference") or "").strip() or None, recorded_by_id=actor.id)
    db.session.add(payment)
    db.session.flush()
    fund = open_fund(programme)
    tx = post(fund, TransactionKind.PREMIUM, [(Account.FUND, amount), (Account.PREMIUMS, -amount)],
              season_id=policy.season_id, occurred_on=paid_on, actor=actor, policy_id=policy.id,
              premium_payment_id=payment.id, reference=payment.receipt_number,
              memo=_("Premium of {owner}").format(owner=policy.owner.name))
    record("insurance_policy.premium_paid", policy, actor=actor, data={
        "amount": money_str(amount, programme.currency), "currency": programme.currency,
        "receipt": payment.receipt_number, "paid_on": paid_on, "method": payment.method.value, "seq": tx.seq})
    release_waiting(fund, actor, tx)
    log.info("premium %s recorded on %s", payment.receipt_number, policy.number)
    return payment


def _lock(policy: Policy) -> Policy:
    """Payments of one policy take turns: the amount still due and the receipt numbers stay right."""
    stmt = (sa.select(Policy).where(Policy.id == policy.id).with_for_update(of=Policy)
            .execution_options(populate_existing=True))
    return db.session.scalar(stmt)


def _check_day(policy: Policy, paid_on) -> None:
    if paid_on > local_today(policy.office.timezone):
        raise ValidationError.field("paid_on", _("The payment cannot be dated after today."))
    if paid_on < policy.enrolled_on:
        raise ValidationError.field("paid_on", _("The owner enrolled on {date}; a premium is paid on or after that "
                                                 "day.").format(date=format_date(policy.enrolled_on)))
