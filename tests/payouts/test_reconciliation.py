"""Bank statements: matching rows confirm their payments; every mismatch is reported row by row."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from claims.enums import TimeOfDay
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.errors import ValidationError
from conflict_service.timeutil import local_today, utcnow
from payouts import operations
from payouts.enums import PaymentStatus
from payouts.models import Payment
from payouts.presentation import reconciliation_message

DAY = {"time_of_day": TimeOfDay.DAY}


@pytest.fixture
def sent(payouts, world):
    """Three approved claims of 90,000,000 IRR each, sent in one batch; one more batch waits for approval."""
    payouts.rates(world.ir)
    claims = [payouts.approved(world.ir, **DAY) for _ in range(3)]
    batch = payouts.batch(world.ir)
    pending_claim = payouts.approved(world.ir, **DAY)
    payouts.batch(world.ir, approver=False)
    return claims, batch, pending_claim


def statement(*rows, header="reference,amount,date,bank_reference") -> bytes:
    return ("\n".join([header, *[",".join(r) for r in rows]]) + "\n").encode()


def test_statement_confirms_matches_and_lists_every_mismatch(sent, world):
    (a, b, c), batch, pending_claim = sent
    today = local_today("Asia/Tehran").isoformat()
    operations.confirm_payment(_payment(c), {"reference": "MANUAL", "paid_at": utcnow()}, world.ir.manager)
    report = operations.reconcile("statement-may.csv", statement(
        (f"{a.number}-F1", "90000000", today, "MELLI-001"),
        (f"{a.number}-F1", "90000000", today, "MELLI-001"),
        (f"{c.number}-F1", "90000000", today, "MELLI-003"),
        ("IR-XXX-2026-999999-F1", "5000", today, ""),
        (f"{pending_claim.number}-F1", "90000000", today, ""),
        ("", "12", "yesterday", ""),
    ), world.ir.manager)
    codes = [(r["line"], r["code"]) for r in report.results]
    assert codes == [(2, "matched"), (3, "duplicate_row"), (4, "payment_confirmed"), (5, "unknown_reference"),
                     (6, "payment_pending"), (7, "invalid_row"), (None, "not_on_statement")]
    assert report.results[-1]["reference"] == f"{b.number}-F1"
    assert (report.row_count, report.matched_count, report.mismatch_count) == (6, 1, 6)
    assert a.status == ClaimState.PAID and b.status == ClaimState.IN_PAYMENT
    assert _payment(a).external_reference == "MELLI-001"
    assert reconciliation_message(report.results[0]) == "Matched: the payment of IRR\xa090,000,000 is confirmed."


def test_an_amount_that_differs_confirms_nothing(sent, world):
    (a, _b, _c), _batch, _pending = sent
    report = operations.reconcile("s.csv", statement((f"{a.number}-F1", "89000000", "2026-01-01", "")),
                                  world.ir.manager)
    row = report.results[0]
    assert row["code"] == "amount_differs" and row["params"]["expected"] == "90000000"
    assert reconciliation_message(row) == "The amount differs: the payment is IRR\xa090,000,000."
    assert _payment(a).status == PaymentStatus.SENT


def test_a_date_before_the_batch_was_approved_is_refused_for_that_row_only(sent, world):
    (a, b, _c), _batch, _pending = sent
    today = local_today("Asia/Tehran").isoformat()
    report = operations.reconcile("s.csv", statement((f"{a.number}-F1", "90000000", "2020-01-01", ""),
                                                     (f"{b.number}-F1", "90000000.00", today, "")), world.ir.manager)
    assert [r["code"] for r in report.results][:2] == ["date_refused", "matched"]
    assert a.status == ClaimState.IN_PAYMENT and b.status == ClaimState.PAID


def test_other_jurisdictions_payments_are_unknown(sent, world):
    (a, _b, _c), _batch, _pending = sent
    report = operations.reconcile("s.csv", statement((f"{a.number}-F1", "90000000", "2026-01-01", "")),
                                  world.am.manager)
    assert report.results[0]["code"] == "unknown_reference"


@pytest.mark.parametrize(("content", "message"), [
    (b"ref;sum;day\nA;1;2026-01-01\n", "missing: reference, amount, date"),
    (b"reference,amount,date\n", "no rows"),
    ("reference,amount,date\nA,1,2026-01-01\n".encode("utf-16"), "UTF-8"),
])
def test_an_unreadable_statement_changes_nothing(world, content, message):
    with pytest.raises(ValidationError) as error:
        operations.reconcile("s.csv", content, world.ir.manager)
    assert message in str(error.value.errors["statement"][0])


def _payment(claim) -> Payment:
    return db.session.scalars(sa.select(Payment).where(Payment.claim_id == claim.id).order_by(Payment.id)).first()


def test_a_reconciliation_lists_only_payments_of_the_offices_the_manager_sees(payouts, world, make):
    payouts.rates(world.ir)
    second = make.jurisdiction("OF2", "Second office", parent=world.ir.region)
    world.ir.clerk.jurisdictions.append(second)
    here = payouts.approved(world.ir, **DAY)
    there = payouts.approved(world.ir, owner=make.owner(world.ir.clerk, second), **DAY)
    payouts.batch(world.ir)  # the country's manager pays both offices in one batch
    office_manager = make.user("manager", world.ir.office)
    today = local_today("Asia/Tehran").isoformat()
    report = operations.reconcile("s.csv", statement((f"{here.number}-F1", "90000000", today, "")), office_manager)
    assert [r["code"] for r in report.results] == ["matched"]
    assert there.number not in str(report.results)


def test_a_statement_dated_the_day_of_approval_confirms_at_the_approval_not_before(sent, world):
    (a, _b, _c), batch, _pending = sent
    day = local_today(a.office.timezone).isoformat()  # the batch was approved today
    report = operations.reconcile("s.csv", statement((f"{a.number}-F1", "90000000", day, "")), world.ir.manager)
    assert report.results[0]["code"] == "matched"
    payment = db.session.scalar(sa.select(Payment).where(Payment.reference == f"{a.number}-F1"))
    assert payment.paid_at >= batch.approved_at  # its local midnight would precede the approval


def test_a_mismatch_names_the_currency_in_the_readers_words_and_never_doubles_a_stop(app):
    amount = {"code": "amount_differs", "params": {"expected": "90000000", "currency": "IRR"}}
    currency = {"code": "currency_differs", "params": {"expected": "90000000", "currency": "IRR", "found": "USD"}}
    with app.test_request_context(), force_locale("ar"):
        assert reconciliation_message(amount).endswith("ر.إ.")  # CLDR's «ر.إ.» ends the sentence itself
        assert reconciliation_message(currency) == (
            "العملة مختلفة: الصرف بعملة ريال إيراني، وكشف الحساب يذكر USD.")
    with app.test_request_context(), force_locale("fa"):
        assert "ریال ایران" in reconciliation_message(currency) and "IRR" not in reconciliation_message(currency)
