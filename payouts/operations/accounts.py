"""How an owner is paid: bank transfer, mobile money (the owner's phone) or cash against a signed receipt."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from claims.models import Owner
from claims.operations import move_one_per_owner
from claims.permissions import mask
from conflict_service.audit.operations import diff, record
from conflict_service.db import db
from conflict_service.errors import Forbidden, ValidationError
from payouts.enums import PaymentMethod
from payouts.models import Award, PayoutAccount
from payouts.permissions import can_edit_payout_details


def account_of(owner: Owner) -> PayoutAccount | None:
    return db.session.get(PayoutAccount, owner.id)


def payee_details(owner: Owner) -> tuple[PaymentMethod, str | None]:
    """The method and the account or phone a payment goes to; without details: mobile money if there is a phone."""
    account = account_of(owner)
    method = account.method if account else (PaymentMethod.MOBILE_MONEY if owner.phone else PaymentMethod.CASH)
    if method == PaymentMethod.BANK:
        return method, account.account_number
    if method == PaymentMethod.MOBILE_MONEY:
        return method, owner.phone
    return method, None


def set_payout_account(owner: Owner, data: dict, actor) -> PayoutAccount:
    """Record how the owner is paid; the audit trail keeps only the last digits of the account."""
    if not can_edit_payout_details(actor):
        raise Forbidden(_("Only office clerks and programme managers record how owners are paid."))
    method, number = data["method"], (data.get("account_number") or "").strip() or None
    if method == PaymentMethod.BANK and not number:
        raise ValidationError.field("account_number", _("Give the bank account number (IBAN or local number)."))
    if method == PaymentMethod.MOBILE_MONEY and not owner.phone:
        raise ValidationError.field("method", _("The owner has no phone number; add it to the owner's record first."))
    account = account_of(owner) or PayoutAccount(owner_id=owner.id)
    before = _summary(account) if account.method else {}
    account.method = method
    account.bank_name = (data.get("bank_name") or "").strip() if method == PaymentMethod.BANK else ""
    account.account_number = number if method == PaymentMethod.BANK else None
    account.updated_by_id = actor.id
    db.session.add(account)
    db.session.flush()
    changes = diff(before, _summary(account))
    if changes:
        record("owner.payout_details_changed", owner, actor=actor, changes=changes)
    return account


def _summary(account: PayoutAccount) -> dict:
    return {"payout_method": account.method.value if account.method else None,
            "bank_name": account.bank_name or None, "account_number": mask(account.account_number)}


def owner_merged(kept: Owner, *, data: dict, actor=None, reason: str | None = None, **_event) -> None:
    """``owner.merged``: the merged record's awards count toward the kept household's cap; of two payout accounts
    the one recorded last is the household's (see :func:`claims.operations.move_one_per_owner`)."""
    merged_id = data["merged"]
    db.session.execute(sa.update(Award).where(Award.owner_id == merged_id).values(owner_id=kept.id))
    changes = move_one_per_owner(PayoutAccount, merged_id, kept.id, summary=_summary,
                                 copied=("method", "bank_name", "account_number", "updated_by_id"))
    if changes:  # the merged record's account, recorded last, is the household's now
        record("owner.payout_details_changed", kept, actor=actor, reason=reason, changes=changes,
               data={"merged": merged_id})
