"""Words for people: audit actions of payouts and the row-by-row messages of a reconciliation."""

from __future__ import annotations

from flask_babel import lazy_gettext as L_
from flask_babel import ngettext

from conflict_service.audit.presentation import recorded_count, register, register_fields
from conflict_service.i18n import currency_name, fill, format_money


def register_texts() -> None:
    """Describe payouts' audit actions and fields for people (``create_app`` calls it)."""
    register({
        "programme.rates_recorded": L_("Rate table version {version} recorded for {label}"),
        "programme.rates_confirmed": L_("Rate table version {version} of {label} confirmed; in force from now"),
        "programme.rates_refused": L_("Rate table version {version} of {label} refused"),
        "claim.first_approval": L_("First approval of {total}; a second manager must approve"),
        "claim.approve": L_("Approved for {total}"),
        "claim.reject": L_("Rejected by the programme manager"),
        "claim.advance_granted": L_("Advance of {amount} granted ({reference})"),
        "claim.advance_batched": L_("Advance {reference} added to payment batch #{batch}"),
        "claim.advance_paid": L_("Advance {reference} confirmed as paid"),
        "claim.advance_failed": L_("Advance {reference} failed"),
        "claim.advance_cancelled": L_("Advance {reference} cancelled"),
        "claim.add_to_batch": L_("Added to payment batch #{batch} ({reference})"),
        "claim.remove_from_batch": L_("Taken out of payment batch #{batch}"),
        "claim.payment_sent": L_("Payment {reference} of {amount} sent with batch #{batch}"),
        "claim.pay": L_("Paid: {amount} ({reference})"),
        "claim.fail_payment": L_("Payment {reference} failed; the claim waits for a new batch"),
        # a registered subject's payment (a performance period's), audited on the payment itself
        "payment.sent": L_("Payment {reference} of {amount} sent with batch #{batch}"),
        "payment.confirmed": L_("Paid: {amount} ({reference})"),
        "payment.failed": L_("Payment {reference} failed"),
        "owner.payout_details_changed": L_("Payout details of {label} changed"),
        # i18n: {payments} is the number of payments in the batch, {total} their sum
        "payment_batch.created": lambda data: ngettext("Payment batch {label} built: {payments} payment, {total}",
                                                       "Payment batch {label} built: {payments} payments, {total}",
                                                       recorded_count(data, "payments")),
        "payment_batch.approved": L_("Payment batch {label} approved and sent"),
        "payment_batch.cancelled": L_("Payment batch {label} cancelled"),
        "payment_batch.exported": L_("Payment file of batch {label} exported"),
        "payment_batch.closed": L_("Payment batch {label} closed: every payment settled"),
        "reconciliation.imported": L_("Bank statement {label} reconciled: {matched} matched, {mismatches} not"),
    })
    register_fields({"payout_method": L_("Payment method"), "bank_name": L_("Bank"),
                     "account_number": L_("Account number")})


RECONCILIATION_TEXT = {
    "matched": L_("Matched: the payment of {expected} is confirmed."),
    "unknown_reference": L_("No payment with this reference in your offices."),
    "amount_differs": L_("The amount differs: the payment is {expected}."),
    "currency_differs": L_("The currency differs: the payment is in {currency}, the statement says {found}."),
    "payment_confirmed": L_("This payment was already confirmed."),
    "payment_pending": L_("This payment's batch is not approved yet, so it was not sent."),
    "payment_failed": L_("This payment was marked failed."),
    "payment_cancelled": L_("This payment was cancelled with its batch."),
    "duplicate_row": L_("The same reference appears earlier in this statement."),
    "invalid_row": L_("A row needs a reference, an amount such as 1234.50 and a date such as 2026-05-01."),
    "date_refused": L_("Not confirmed: {message}"),
    "changed_meanwhile": L_("Not confirmed: {message}"),
    "not_on_statement": L_("Sent with batch #{batch} but not on this statement."),
}


def reconciliation_message(row: dict) -> str:
    params = dict(row.get("params") or {})
    if "expected" in params:
        params["expected"] = format_money(params["expected"], params["currency"])
    if "currency" in params:  # named as the reader names it; "found" stays what the bank's file says, to look it up
        params["currency"] = currency_name(params["currency"])
    template = RECONCILIATION_TEXT.get(row["code"])
    if template is None:
        return row["code"]
    try:
        return fill(str(template), **params)
    except (KeyError, IndexError):
        return str(template)


def reconciliation_view(report) -> dict:
    """The report with each row's message in the reader's language (for the API and the page)."""
    rows = [row | {"message": reconciliation_message(row)} for row in report.results]
    return {"id": report.id, "filename": report.filename, "uploaded_at": report.uploaded_at,
            "uploaded_by": report.uploaded_by, "row_count": report.row_count, "matched_count": report.matched_count,
            "mismatch_count": report.mismatch_count, "rows": rows}
