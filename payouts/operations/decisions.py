"""Managers decide on verified claims: approve (twice above the threshold), reject, or pay an advance.

Every decision starts by locking the claim row, so that parallel clicks take turns: the second one finds
the claim already approved (409), or finds the first approval and completes it. With a household cap the
owner row is locked too, so two claims of one household cannot both slip under the cap.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from claims.models import Claim, Owner
from claims.states import ClaimAction, ClaimState, apply_action, check_action, lock
from conflict_service.audit.operations import record
from conflict_service.db import db
from conflict_service.errors import Conflict, Forbidden, InvalidTransition, NotEligible
from conflict_service.i18n import format_money, round_money
from conflict_service.timeutil import local_date, utcnow
from payouts import assessment, breakdown
from payouts.engine import HUNDRED
from payouts.enums import LIVE_PAYMENT_STATES, DecisionKind, PaymentKind, PaymentStatus, RejectReason
from payouts.funding import funding_of
from payouts.models import Award, Decision, Payment
from payouts.operations.payments import new_payment

log = logging.getLogger(__name__)


@dataclass
class ApprovalResult:
    claim: Claim
    decision: Decision
    award: Award | None

    @property
    def awaiting_second(self) -> bool:
        return self.award is None


def pending_first_approval(claim: Claim) -> Decision | None:
    """The approval that waits for a second manager in the claim's current verified round, if any."""
    if claim.status != ClaimState.VERIFIED:
        return None
    stmt = (sa.select(Decision).where(Decision.claim_id == claim.id, Decision.kind == DecisionKind.APPROVE,
                                      Decision.is_final.is_(False), Decision.superseded_at.is_(None),
                                      Decision.decided_at >= claim.status_changed_at)
            .order_by(Decision.id.desc()))
    return db.session.scalars(stmt).first()


def needs_two(programme, total: Decimal) -> bool:
    threshold = programme.dual_approval_threshold
    return threshold is not None and total > threshold


def _payable(claim: Claim):
    result = assessment.live(claim)
    if not result.payable:
        reasons = " ".join(breakdown.reason_text(code) for code in result.reasons)
        raise NotEligible(_("This claim is not payable: {reasons}").format(reasons=reasons))
    return result


def approve_claim(claim: Claim, data: dict, actor) -> ApprovalResult:
    """Approve the assessed amount; above the dual-approval threshold the first approval waits for a second."""
    claim = lock(claim)
    check_action(claim, ClaimAction.APPROVE, actor)
    if claim.programme.household_annual_cap is not None:
        db.session.execute(sa.select(Owner.id).where(Owner.id == claim.owner_id).with_for_update())
    result = _payable(claim)
    note = (data.get("note") or "").strip()
    first = pending_first_approval(claim)
    if first is not None and first.total != result.total:
        first.superseded_at = utcnow()  # the assessment changed since: approvals are for an amount
        first = None
    if first is None:
        if needs_two(claim.programme, result.total):
            return _first_approval(claim, result, note, actor)
        return _final_approval(claim, result, note, actor, None)
    # An approval under way keeps the rules it started with (DESIGN §2): it needs a second manager even if the
    # threshold was raised or removed since, and one person's two approvals never make a final one.
    if first.manager_id == actor.id:
        raise Forbidden(_("You gave the first approval; a second, different manager must approve this claim."))
    return _final_approval(claim, result, note, actor, first)


def _first_approval(claim, result, note, actor) -> ApprovalResult:
    decision = Decision(claim_id=claim.id, kind=DecisionKind.APPROVE, manager_id=actor.id, note=note,
                        total=result.total, currency=result.currency, is_final=False)
    db.session.add(decision)
    db.session.flush()
    record("claim.first_approval", claim, actor=actor, reason=note or None, data={
        "total": breakdown.money_str(result.total, result.currency), "currency": result.currency,
        "threshold": claim.programme.dual_approval_threshold})
    return ApprovalResult(claim, decision, None)


def _final_approval(claim, result, note, actor, first) -> ApprovalResult:
    decision = Decision(claim_id=claim.id, kind=DecisionKind.APPROVE, manager_id=actor.id, note=note,
                        total=result.total, currency=result.currency, is_final=True)
    db.session.add(decision)
    now = utcnow()
    award = Award(claim_id=claim.id, programme_id=claim.programme_id, owner_id=claim.owner_id,
                  incident_date=claim.incident_date, currency=result.currency, total=result.total,
                  breakdown=breakdown.to_data(result), approved_at=now, approved_by_id=actor.id,
                  due_on=local_date(now, claim.office.timezone) + timedelta(days=claim.programme.payment_sla_days))
    db.session.add(award)
    data = {"total": breakdown.money_str(result.total, result.currency), "currency": result.currency,
            "due_on": award.due_on}
    if first is not None:
        data["first_approval_by"] = first.manager.username
    apply_action(claim, ClaimAction.APPROVE, actor, reason=note or None, data=data)
    approved = funding_of(claim.programme).award_approved
    if approved is not None:  # §5.6: reserved in the scheme's fund, or waiting for money to arrive
        db.session.flush()
        approved(claim, award, actor)
    log.info("claim %s approved for %s %s", claim.number, result.total, result.currency)
    return ApprovalResult(claim, decision, award)


def reject_claim(claim: Claim, data: dict, actor) -> Decision:
    """Reject a verified claim with a reason code; an advance not yet in a batch is cancelled."""
    claim = lock(claim)
    check_action(claim, ClaimAction.REJECT, actor)
    code: RejectReason = data["reason_code"]
    note = (data.get("note") or "").strip()
    _cancel_unsent_advance(claim, actor)
    decision = Decision(claim_id=claim.id, kind=DecisionKind.REJECT, manager_id=actor.id, note=note,
                        reason_code=code, currency=claim.programme.currency, is_final=True)
    db.session.add(decision)
    apply_action(claim, ClaimAction.REJECT, actor, reason=note or str(code.title), data={"reason_code": code.value})
    return decision


def live_advance(claim_id: int) -> Payment | None:
    return db.session.scalars(sa.select(Payment).where(
        Payment.claim_id == claim_id, Payment.kind == PaymentKind.ADVANCE,
        Payment.status.in_(LIVE_PAYMENT_STATES))).first()


def _cancel_unsent_advance(claim: Claim, actor) -> None:
    advance = live_advance(claim.id)
    if advance is None or advance.status == PaymentStatus.CONFIRMED:
        return
    if advance.batch_id is not None:
        raise Conflict(_("The advance {reference} is in payment batch #{batch}; confirm, fail or cancel it first.")
                       .format(reference=advance.reference, batch=advance.batch_id))
    advance.status = PaymentStatus.CANCELLED
    record("claim.advance_cancelled", claim, actor=actor, data={"reference": advance.reference})


def grant_advance(claim: Claim, actor) -> Payment:
    """Pay ``advance_pct`` of the assessed amount before approval; it goes out with the next batch."""
    claim = lock(claim)
    if claim.status != ClaimState.VERIFIED:
        raise InvalidTransition(_("This claim is {state}; advances are paid only on verified claims awaiting "
                                  "approval.").format(state=str(claim.status.title).lower()))
    check_action(claim, ClaimAction.APPROVE, actor)  # the same role, scope and separation of duties
    pct = claim.programme.advance_pct
    if claim.programme.is_insurance:
        raise NotEligible(_("{name} is an insurance scheme: it pays from its fund once a claim is approved, without "
                            "advances.").format(name=claim.programme.local_name))
    if not pct or pct <= 0:
        raise NotEligible(_("The programme {name} does not pay advances.").format(name=claim.programme.local_name))
    result = _payable(claim)
    _check_second_signature(claim, result, actor)
    existing = live_advance(claim.id)
    if existing is not None:
        raise Conflict(_("An advance of {amount} was already given ({reference}).").format(
            amount=format_money(existing.amount, existing.currency), reference=existing.reference))
    amount = round_money(result.total * pct / HUNDRED, result.currency)
    payment = new_payment(claim, PaymentKind.ADVANCE, amount, actor)
    db.session.flush()
    record("claim.advance_granted", claim, actor=actor, data={
        "amount": breakdown.money_str(amount, result.currency), "currency": result.currency, "pct": pct,
        "reference": payment.reference})
    return payment


def _check_second_signature(claim: Claim, result, actor) -> None:
    """Above the dual-approval threshold an advance needs two managers too: one gives the first approval, another
    grants the advance (otherwise one manager would pay part of the claim alone while it waits for a second). An
    approval under way keeps that rule even if the threshold changed since."""
    first = pending_first_approval(claim)
    if first is None and needs_two(claim.programme, result.total):
        raise Forbidden(_("Above the dual-approval threshold an advance needs two managers: give the first approval, "
                          "then another manager grants the advance."))
    if first is not None and first.manager_id == actor.id:
        raise Forbidden(_("You gave the first approval; a second, different manager must grant the advance."))
