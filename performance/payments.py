"""Paying approved periods through payouts' batches (DESIGN §13): the subject ``performance_period`` and its hooks.

A period is paid in parts: part 0, the lump sum to the community's account, or one part per member share (the
part is the member's owner id), as frozen at approval. Approved (payable) → in payment (every part in a batch) →
paid (every part confirmed); a failed payment makes the period payable again for its unpaid parts only, and a
cancelled batch puts it back too. Each move is audited on the period. Registered with payouts in ``init_app``.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from claims.models import Owner, Programme
from conflict_service.audit.operations import record
from conflict_service.db import db
from conflict_service.errors import Conflict, NotEligible
from conflict_service.i18n import native_digits
from conflict_service.jurisdictions import queries as jq
from payouts.breakdown import money_str
from payouts.enums import LIVE_PAYMENT_STATES, PaymentStatus
from payouts.models import Payment
from payouts.operations import build_batch
from payouts.operations.accounts import payee_details
from payouts.subjects import Due, Part, Subjects
from performance.enums import Distribution, PeriodStatus
from performance.models import Community, Contract, Period
from performance.periods import lock_period

SUBJECT = "performance_period"


def payments_of(period_ids) -> list[Payment]:
    """Every payment of these periods (cancelled and failed ones too), oldest first."""
    return list(db.session.scalars(sa.select(Payment).where(
        Payment.subject == SUBJECT, Payment.subject_id.in_(list(period_ids))).order_by(Payment.id)))


def parts_of(period: Period) -> list[Part]:
    """What the period pays, part by part, to whom as their details are now; nothing for a zero amount."""
    stem = f"PERF-{period.contract_id}-{period.number}"
    contract = period.contract
    if contract.distribution == Distribution.LUMP_SUM or not period.shares:
        community = contract.community
        account = community.account_number if community.account_method.value != "cash" else None
        parts = [Part(0, period.total or Decimal(0), community.account_name or community.name,
                      community.account_method, account, stem)]
    else:
        owners = {o.id: o for o in db.session.scalars(sa.select(Owner).where(
            Owner.id.in_([s["owner_id"] for s in period.shares])))}
        parts = [Part(s["owner_id"], Decimal(s["amount"]), owners[s["owner_id"]].name,
                      *payee_details(owners[s["owner_id"]]), f"{stem}-M{s['owner_id']}") for s in period.shares]
    return [p for p in parts if p.principal > 0]


def _live_parts(period_id: int) -> dict[int, PaymentStatus]:
    return {p.subject_part: p.status for p in payments_of([period_id]) if p.status in LIVE_PAYMENT_STATES}


def due(period: Period) -> Due:
    live = _live_parts(period.id)
    return Due(period.id, period.contract.community.jurisdiction_id,
               tuple(p for p in parts_of(period) if p.part not in live))


def _payable(programme: Programme, actor):
    return (sa.select(Period).join(Period.contract).join(Contract.community)
            .where(Community.programme_id == programme.id, Community.jurisdiction_id.in_(jq.scope_ids(actor)),
                   Period.status == PeriodStatus.APPROVED, Period.total > 0))


def lock_due(programme: Programme, actor, wanted: set[int]) -> list[Due]:
    """Lock the approved periods of ``programme`` (those asked for, or all) in id order; refuse any asked for that
    cannot be paid, saying why."""
    stmt = _payable(programme, actor).order_by(Period.id).with_for_update(of=Period).execution_options(
        populate_existing=True)
    if wanted:
        stmt = stmt.where(Period.id.in_(wanted))
    found = list(db.session.scalars(stmt))
    if wanted and (missing := wanted - {p.id for p in found}):
        raise Conflict(" ".join(_refusal(i, programme, actor) for i in sorted(missing)))
    return [due(p) for p in found]


def _refusal(period_id: int, programme: Programme, actor) -> str:
    period = db.session.get(Period, period_id)
    if period is None or period.contract.community.programme_id != programme.id or (
            period.contract.community.jurisdiction_id not in jq.scope_ids(actor)):
        return _("Period #{id} is not a period of {programme} that you can pay.").format(
            id=period_id, programme=programme.local_name)
    label = period.audit_label
    if period.status == PeriodStatus.OPEN:
        return _("Period {label} is not approved yet; a manager approves it after its last day.").format(label=label)
    if period.status == PeriodStatus.IN_PAYMENT:
        return _("Period {label} is already in a payment batch.").format(label=label)
    if period.status == PeriodStatus.PAID:
        return _("Period {label} is already paid.").format(label=label)
    return _("Nothing is owed for period {label}.").format(label=label)


def waiting(programme: Programme, actor) -> list[tuple[Period, Due]]:
    """What a new batch of ``programme`` would pay, without locking (the batch form)."""
    found = list(db.session.scalars(_payable(programme, actor).order_by(Period.id)))
    return [(p, d) for p in found if (d := due(p)).parts]


def settle(period: Period) -> PeriodStatus:
    """The state its parts' payments put the period in: paid, in payment, or payable again."""
    live = _live_parts(period.id)
    parts = [p.part for p in parts_of(period)]
    if parts and all(live.get(part) == PaymentStatus.CONFIRMED for part in parts):
        return PeriodStatus.PAID
    if all(part in live for part in parts):
        return PeriodStatus.IN_PAYMENT
    return PeriodStatus.APPROVED


def _move(period_id: int, action: str, actor, data: dict, reason: str | None = None) -> Period:
    period = lock_period(period_id)
    period.status = settle(period)
    db.session.flush()
    record(action, period, actor=actor, reason=reason, data=data | {"status": period.status.value})
    return period


def batched(period_id: int, batch, actor) -> None:
    payments = [p for p in payments_of([period_id]) if p.batch_id == batch.id]
    _move(period_id, "performance_period.batched", actor, {
        "batch": batch.id, "references": [p.reference for p in payments],
        "amount": money_str(sum((p.amount for p in payments), Decimal(0)), batch.currency),
        "currency": batch.currency})


def unbatched(period_id: int, batch, actor) -> None:
    _move(period_id, "performance_period.unbatched", actor, {"batch": batch.id})


def paid(period_id: int, payment: Payment, actor) -> None:
    _move(period_id, "performance_period.payment_confirmed", actor, {
        "reference": payment.reference, "amount": money_str(payment.amount, payment.currency),
        "currency": payment.currency, "batch": payment.batch_id})


def failed(period_id: int, payment: Payment, actor) -> None:
    _move(period_id, "performance_period.payment_failed", actor, {
        "reference": payment.reference, "amount": money_str(payment.amount, payment.currency),
        "currency": payment.currency, "batch": payment.batch_id}, reason=payment.failure_reason)


def labels(period_ids) -> dict[int, tuple[str, str]]:
    rows = db.session.scalars(sa.select(Period).where(Period.id.in_(list(period_ids))))
    return {p.id: (_("{community}: period {label}").format(community=p.contract.community.name,
                                                          label=native_digits(p.audit_label)),  # «#۱/۲» in Dari
                   url_for("performance.period_detail", period_id=p.id)) for p in rows}


def pay(period: Period, data: dict, actor):
    """Build a payment batch of the period's programme with this approved period (another manager approves it)."""
    if period.status != PeriodStatus.APPROVED:
        raise NotEligible(_refusal(period.id, period.contract.community.programme, actor))
    return build_batch({"programme_id": period.contract.community.programme_id, "subject_ids": [period.id],
                        "note": data.get("note") or ""}, actor)


SUBJECTS = Subjects(name=SUBJECT, lock_due=lock_due, waiting=waiting, batched=batched, unbatched=unbatched,
                    paid=paid, failed=failed, labels=labels)
