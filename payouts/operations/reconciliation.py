"""Reconcile a bank statement: confirm the payments it shows and list every row or payment that does not match.

A statement is a CSV with the columns ``reference,amount,date`` (optionally ``bank_reference`` and
``currency``). Each row is judged on its own; matching rows confirm their payment exactly as a manager's
confirmation would. The report is kept, row by row, so that it can be shown again and audited.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from claims.models import Claim
from conflict_service.audit.operations import record
from conflict_service.db import db
from conflict_service.errors import Conflict, ValidationError
from conflict_service.i18n import format_number, format_size
from conflict_service.jurisdictions.queries import office_ids, scope_ids
from payouts.breakdown import money_str
from payouts.enums import PaymentStatus
from payouts.models import Payment, Reconciliation
from payouts.operations.payments import confirm_payment, require_manager

REQUIRED = ("reference", "amount", "date")
MAX_BYTES = 2_000_000
MAX_ROWS = 10_000


@dataclass
class Row:
    line: int
    reference: str
    amount: str
    day: str
    bank_reference: str = ""
    currency: str = ""
    result: dict = field(default_factory=dict)


def reconcile(filename: str, content: bytes, actor) -> Reconciliation:
    """Import a statement, confirm what matches, and keep the report of every match and mismatch."""
    require_manager(actor, _("Only a programme manager can reconcile bank statements."))
    rows = parse_statement(content)
    payments = _payments_by_reference({r.reference for r in rows}, actor)
    seen: set[str] = set()
    for row in rows:
        row.result = _judge(row, payments.get(row.reference), seen)
        seen.add(row.reference)
    # Confirm in batch order: the same lock order as every other confirmation.
    for row in sorted((r for r in rows if r.result["code"] == "matched"),
                      key=lambda r: (payments[r.reference].batch_id, payments[r.reference].id)):
        _confirm(row, payments[row.reference], actor)
    results = [r.result for r in rows] + _outstanding(rows, payments, actor)
    report = Reconciliation(uploaded_by_id=actor.id, filename=(filename or "statement.csv")[:200],
                            sha256=hashlib.sha256(content).hexdigest(), row_count=len(rows),
                            matched_count=sum(1 for r in results if r["code"] == "matched"),
                            mismatch_count=sum(1 for r in results if r["code"] != "matched"),
                            results=results, office_ids=sorted(office_ids(actor)))
    db.session.add(report)
    db.session.flush()
    record("reconciliation.imported", report, actor=actor, data={
        "rows": report.row_count, "matched": report.matched_count, "mismatches": report.mismatch_count})
    return report


def parse_statement(content: bytes) -> list[Row]:
    if len(content) > MAX_BYTES:
        # i18n: {size} is the largest file accepted with its unit, as the reader writes it («۹۷۷ کیلوبایت», «977 кБ»)
        raise ValidationError.field("statement", _("The file is larger than {size}.").format(
            size=format_size(MAX_BYTES)))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError.field("statement", _("Save the statement as UTF-8 text (CSV).")) from None
    first = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    names = [n.strip().lower() for n in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ValidationError.field("statement", _("The first line must name the columns {columns}; missing: "
                                                   "{missing}.").format(columns=", ".join(REQUIRED),
                                                                        missing=", ".join(missing)))
    rows = []
    for line, raw in enumerate(reader, start=2):
        values = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if isinstance(v, str)}
        if not any(values.values()):
            continue
        rows.append(Row(line, values.get("reference", ""), values.get("amount", ""), values.get("date", ""),
                        values.get("bank_reference", ""), values.get("currency", "").upper()))
    if not rows:
        raise ValidationError.field("statement", _("The statement has no rows below its header line."))
    if len(rows) > MAX_ROWS:
        raise ValidationError.field("statement", ngettext("Split the statement: at most %(max)s row.",
                                                          "Split the statement: at most %(max)s rows.", MAX_ROWS,
                                                          max=format_number(MAX_ROWS)))
    return rows


def payments_in_reach(actor):
    """A payment the user may see: its claim in one of their offices, or its subject in their jurisdictions."""
    claims = sa.select(Claim.id).where(Claim.office_id.in_(office_ids(actor)))
    # Each side false, never NULL, on the other kind's rows, so that the negation (a batch's foreign payment) holds.
    return sa.or_(sa.and_(Payment.claim_id.is_not(None), Payment.claim_id.in_(claims)),
                  sa.and_(Payment.subject.is_not(None), Payment.jurisdiction_id.in_(scope_ids(actor))))


def _payments_by_reference(references: set[str], actor) -> dict[str, Payment]:
    stmt = sa.select(Payment).where(Payment.reference.in_(references), payments_in_reach(actor))
    return {p.reference: p for p in db.session.scalars(stmt)}


def _parse_values(row: Row) -> tuple[Decimal | None, date | None]:
    try:
        amount = Decimal(row.amount.replace(" ", ""))  # a decimal point; thousands separators are refused
        amount = amount if amount.is_finite() else None
    except InvalidOperation:
        amount = None
    try:
        day = date.fromisoformat(row.day)
    except ValueError:
        day = None
    return amount, day


def _judge(row: Row, payment: Payment | None, seen: set[str]) -> dict:
    base = {"line": row.line, "reference": row.reference, "amount": row.amount, "date": row.day}
    amount, day = _parse_values(row)
    if not row.reference or amount is None or day is None:
        return base | {"code": "invalid_row", "params": {"amount_ok": amount is not None, "date_ok": day is not None,
                                                         "reference_ok": bool(row.reference)}}
    if row.reference in seen:
        return base | {"code": "duplicate_row"}
    if payment is None:
        return base | {"code": "unknown_reference"}
    base |= {"payment_id": payment.id, "claim_id": payment.claim_id}
    expected = {"expected": money_str(payment.amount, payment.currency), "currency": payment.currency}
    if row.currency and row.currency != payment.currency:
        return base | {"code": "currency_differs", "params": expected | {"found": row.currency}}
    if payment.status != PaymentStatus.SENT:
        return base | {"code": f"payment_{payment.status.value}"}
    if amount != payment.amount:
        return base | {"code": "amount_differs", "params": expected}
    return base | {"code": "matched", "params": expected}


def _confirm(row: Row, payment: Payment, actor) -> None:
    day = date.fromisoformat(row.day)
    try:
        with db.session.begin_nested():
            confirm_payment(payment, {"reference": row.bank_reference or row.reference,
                                      "paid_on": day}, actor, source="statement")
    except ValidationError as error:
        row.result |= {"code": "date_refused", "params": {"message": " ".join(
            str(m) for msgs in error.errors.values() for m in msgs)}}
    except Conflict as error:  # settled by someone else between reading and locking
        row.result |= {"code": "changed_meanwhile", "params": {"message": str(error.message)}}


def _outstanding(rows: list[Row], payments: dict[str, Payment], actor) -> list[dict]:
    """Payments still sent but not on the statement, in the batches the statement touched, of the offices the user
    sees (a batch may hold claims of offices that are not theirs)."""
    batch_ids = {payments[r.reference].batch_id for r in rows if r.reference in payments}
    if not batch_ids:
        return []
    listed = {r.reference for r in rows}
    stmt = (sa.select(Payment).where(Payment.batch_id.in_(batch_ids), Payment.status == PaymentStatus.SENT,
                                     payments_in_reach(actor))
            .order_by(Payment.batch_id, Payment.id))
    return [{"line": None, "reference": p.reference, "amount": money_str(p.amount, p.currency), "date": "",
             "payment_id": p.id, "claim_id": p.claim_id, "code": "not_on_statement", "params": {"batch": p.batch_id}}
            for p in db.session.scalars(stmt) if p.reference not in listed]
