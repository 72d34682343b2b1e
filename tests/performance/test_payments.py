"""Approved periods paid through the same batches, payment files and bank statements as claims (DESIGN §13).

Hand-worked: the lump-sum quarter has 12 confirmed detections over 182 camera-days → 1.98 units × 10,000,000 IRR
= 19,800,000 to the community's account; the herd-weighted quarter has 9 → 1.48 units → 14,800,000 split 120:60
sheep → 9,866,667 + 4,933,333 (the rial has no minor unit; the one rial left goes to the larger remainder).
"""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from claims.enums import TimeOfDay
from claims.states import ClaimState
from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from conflict_service.errors import Conflict, NotEligible
from conflict_service.timeutil import local_today
from payouts import consistency, operations
from payouts.breakdown import money_str
from payouts.enums import BatchStatus, PaymentKind, PaymentMethod, PaymentStatus
from payouts.models import Payment
from performance import payments, periods
from performance.enums import Distribution, PeriodStatus
from tests.helpers import login
from tests.payouts.conftest import Payouts
from tests.payouts.test_reconciliation import statement
from tests.performance.conftest import tehran


@pytest.fixture
def payouts(make, world):
    return Payouts(make, world)


def approved_period(perf, world, *, detections=12, **terms):
    contract = perf.contract(**terms)
    d1 = perf.camera(contract, "D1", tehran(2025, 3, 30), tehran(2025, 7, 3))
    perf.camera(contract, "D2", tehran(2025, 3, 30), tehran(2025, 7, 3))
    for day in range(1, detections + 1):
        perf.leopard(d1, tehran(2025, 5, day, 22))
    return periods.approve(contract.periods[0], world.ir.manager)


def period_payments(period):
    return payments.payments_of([period.id])


def build(programme, manager, **data):
    return operations.build_batch({"programme_id": programme.id, **data}, manager)


def test_a_lump_sum_period_is_paid_in_a_batch_filed_and_reconciled_with_claims(perf, world, payouts):
    ir = world.ir
    period = approved_period(perf, world, distribution=Distribution.LUMP_SUM)
    assert period.total == 19_800_000 and period.shares == []
    payouts.rates(ir)
    claim = payouts.approved(ir, time_of_day=TimeOfDay.DAY)
    claims_batch = payouts.batch(ir, [claim])
    programme = period.contract.community.programme

    batch = build(programme, ir.manager)
    assert period.status == PeriodStatus.IN_PAYMENT
    (payment,) = period_payments(period)
    reference = f"PERF-{period.contract_id}-1-1"
    assert (payment.reference, payment.amount, payment.payee_name, payment.method, payment.payee_account,
            payment.claim_id, payment.subject_part) == (reference, 19_800_000, "Chehel Mir council",
                                                        PaymentMethod.BANK, "IR0001", None, 0)
    operations.approve_batch(batch, ir.manager2)
    assert payment.status == PaymentStatus.SENT and payment.interest == 0

    lines = operations.payment_file(batch, ir.manager).splitlines()
    assert lines == ["payee,account_or_phone,amount,currency,reference,method",
                     f"Chehel Mir council,IR0001,19800000,IRR,{reference},bank"]

    # One bank statement settles the claim's payment and the period's, each in its own batch.
    claim_payment = db.session.scalar(sa.select(Payment).where(Payment.claim_id == claim.id))
    today = local_today("Asia/Tehran").isoformat()
    report = operations.reconcile("statement.csv", statement(
        (claim_payment.reference, money_str(claim_payment.amount, "IRR"), today, "MELLI-1"),
        (reference, "19800000", today, "MELLI-2"),
        (reference, "19800000", today, "MELLI-2")), ir.manager)
    assert [r["code"] for r in report.results] == ["matched", "matched", "duplicate_row"]
    assert payment.status == PaymentStatus.CONFIRMED and payment.external_reference == "MELLI-2"
    assert period.status == PeriodStatus.PAID and claim.status == ClaimState.PAID
    assert batch.status == BatchStatus.CLOSED and claims_batch.status == BatchStatus.CLOSED
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.entity_type.in_(
        ("performance_period", "payment")))))
    assert {"performance_period.batched", "performance_period.payment_confirmed", "payment.sent",
            "payment.confirmed"} <= actions
    db.session.commit()  # the events are written at commit
    assert consistency.check() == []


def test_a_member_split_is_one_payment_per_member_summing_exactly_and_a_failure_repays_only_that_share(
        perf, world):
    ir = world.ir
    period = approved_period(perf, world, detections=9)  # herd-weighted
    programme = period.contract.community.programme
    batch = build(programme, ir.manager, subject_ids=[period.id])
    first, second = period_payments(period)
    owners = [m.id for m in period.contract.community.members]
    assert [p.subject_part for p in (first, second)] == owners
    assert [p.amount for p in (first, second)] == [9_866_667, 4_933_333]
    assert first.amount + second.amount == period.total == 14_800_000
    assert first.method == PaymentMethod.MOBILE_MONEY and first.payee_account == "+98 915 123 4567"
    operations.approve_batch(batch, ir.manager2)

    operations.confirm_payment(first, {"reference": "OP-1", "paid_on": local_today("Asia/Tehran")}, ir.manager)
    assert period.status == PeriodStatus.IN_PAYMENT  # one share still on its way
    operations.fail_payment(second, {"reason": "Wallet closed"}, ir.manager)
    assert period.status == PeriodStatus.APPROVED  # payable again, for the failed share only

    again = build(programme, ir.manager2)
    (retry,) = [p for p in period_payments(period) if p.batch_id == again.id]
    assert (retry.subject_part, retry.amount, retry.reference) == (
        owners[1], 4_933_333, f"PERF-{period.contract_id}-1-M{owners[1]}-2")
    operations.approve_batch(again, ir.manager)
    operations.confirm_payment(retry, {"reference": "OP-2", "paid_on": local_today("Asia/Tehran")}, ir.manager)
    assert period.status == PeriodStatus.PAID
    confirmed = [p for p in period_payments(period) if p.status == PaymentStatus.CONFIRMED]
    assert sum(p.amount for p in confirmed) == period.total


def test_refused_an_unapproved_period_and_a_period_already_in_a_batch(perf, world):
    ir = world.ir
    contract = perf.contract(distribution=Distribution.LUMP_SUM)
    open_period = contract.periods[0]
    programme = contract.community.programme
    with pytest.raises(NotEligible, match="not approved yet"):
        payments.pay(open_period, {}, ir.manager)
    with pytest.raises(Conflict, match="not approved yet"):
        build(programme, ir.manager, subject_ids=[open_period.id])
    with pytest.raises(Conflict, match="Nothing in Tandoureh payments is waiting to be paid"):
        build(programme, ir.manager)

    period = approved_period(perf, world, distribution=Distribution.LUMP_SUM)
    programme = period.contract.community.programme
    batch = payments.pay(period, {"note": "Q1"}, ir.manager)
    with pytest.raises(NotEligible, match="already in a payment batch"):
        payments.pay(period, {}, ir.manager2)
    with pytest.raises(Conflict, match="already in a payment batch"):
        build(programme, ir.manager2, subject_ids=[period.id])

    operations.cancel_batch(batch, {"reason": "wrong account"}, ir.manager2)
    assert period.status == PeriodStatus.APPROVED and period_payments(period)[0].status == PaymentStatus.CANCELLED
    rebuilt = payments.pay(period, {}, ir.manager2)
    assert [p.reference for p in period_payments(period) if p.batch_id == rebuilt.id] == [
        f"PERF-{period.contract_id}-1-2"]


def test_the_database_refuses_a_second_live_payment_of_a_period(perf, world):
    ir = world.ir
    period = approved_period(perf, world, distribution=Distribution.LUMP_SUM)
    build(period.contract.community.programme, ir.manager)
    (live,) = period_payments(period)
    copy = Payment(subject=live.subject, subject_id=live.subject_id, subject_part=0,
                   jurisdiction_id=live.jurisdiction_id, kind=PaymentKind.FINAL, status=PaymentStatus.PENDING,
                   reference="PERF-COPY", currency="IRR", principal=live.amount, amount=live.amount,
                   method=live.method, payee_name=live.payee_name, created_by_id=ir.manager.id)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(copy)
        db.session.flush()
    # A payment is a claim's or a subject's, never neither.
    orphan = Payment(kind=PaymentKind.FINAL, status=PaymentStatus.PENDING, reference="ORPHAN", currency="IRR",
                     principal=1, amount=1, method=PaymentMethod.CASH, payee_name="x", created_by_id=ir.manager.id)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(orphan)
        db.session.flush()


@pytest.fixture
def paid(perf, world, payouts):
    """A lump-sum period (19,800,000 IRR) and a claim, each paid and confirmed in its own batch."""
    ir = world.ir
    period = approved_period(perf, world, distribution=Distribution.LUMP_SUM)
    payouts.rates(ir)
    claim = payouts.approved(ir, time_of_day=TimeOfDay.DAY)
    today = local_today("Asia/Tehran")
    for batch in (payouts.batch(ir, [claim]), payments.pay(period, {}, ir.manager)):
        if batch.status == BatchStatus.AWAITING_APPROVAL:
            operations.approve_batch(batch, ir.manager2)
    for payment in db.session.scalars(sa.select(Payment).where(Payment.status == PaymentStatus.SENT)).all():
        operations.confirm_payment(payment, {"reference": "BANK", "paid_on": today}, ir.manager)
    claim_paid = db.session.scalar(sa.select(Payment.amount).where(Payment.claim_id == claim.id))
    db.session.commit()
    return period, claim, claim_paid


def test_the_payouts_report_counts_performance_payments_apart_from_compensation(client, runner, paid, world):
    from oversight import reports
    from oversight.performance_payouts import performance_payouts
    from tests.helpers import bearer, login

    period, claim, claim_paid = paid
    programme = period.contract.community.programme
    (compensation,) = reports.payouts(world.ir.manager, [])
    assert (compensation["claims"], compensation["amount"]) == (1, claim_paid)  # the period is not in it
    (row,) = performance_payouts(world.ir.manager, ["region", "office", "programme"])
    assert (row["office"], row["programme_name"], row["periods"], row["amount"], row["currency"]) == (
        world.ir.office.code, programme.name, 1, 19_800_000, "IRR")
    assert performance_payouts(world.am.manager, []) == []  # another country's manager sees none of it

    headers = bearer(client, world.ir.auditor)
    api = client.get("/api/v1/reports/payouts?group_by=programme&payments=performance", headers=headers).get_json()
    assert api["payments"] == "performance"
    assert [(r["programme"], r["periods"], r["amount"]) for r in api["rows"]] == [(programme.id, 1, "19800000")]
    default = client.get("/api/v1/reports/payouts?group_by=programme", headers=headers).get_json()
    assert programme.id not in [r["programme"] for r in default["rows"]]
    wrong = client.get("/api/v1/reports/payouts?payments=bonus", headers=headers)
    assert wrong.status_code == 422 and "payments" in wrong.get_json()["errors"]

    login(client, world.ir.auditor)
    csv = client.get("/reports/payouts.csv?group_by=programme&payments=performance").get_data(as_text=True)
    assert csv.splitlines() == ["programme,programme_name,currency,periods,amount",
                                f"{programme.id},{programme.name},IRR,1,19800000"]
    page = client.get("/reports/payouts?group_by=programme").get_data(as_text=True)
    assert "Performance payments" in page and "19,800,000" in page
    assert "Download CSV of performance payments" in page
    armenia = client.application.test_client()  # no performance programme there: no button for an always empty file
    login(armenia, world.am.auditor)
    assert "Download CSV of performance payments" not in armenia.get("/reports/payouts").get_data(as_text=True)
    persian = client.get("/reports/payouts?group_by=programme", headers={"Accept-Language": "fa"}).get_data(
        as_text=True)
    table = persian[persian.rindex("<table"):persian.rindex("</table>")]  # the performance payments' table
    assert "۱۹٬۸۰۰٬۰۰۰" in table and ">۱</td>" in table and programme.local_name in table
    assert ">ریال ایران</td>" in table and ">IRR<" not in table  # the currency named, not its code

    out = runner.invoke(args=["reports", "payouts", "--user", world.ir.auditor.username, "--group-by", "programme",
                              "--payments", "performance", "--csv"])
    assert out.exit_code == 0 and f"{programme.id},{programme.name},IRR,1,19800000" in out.output


def test_the_period_page_api_and_cli_show_its_payments(client, runner, paid, world):
    from tests.helpers import bearer, login

    period, _claim, _amount = paid
    reference = f"PERF-{period.contract_id}-1-1"
    view = client.get(f"/api/v1/performance/periods/{period.id}/assessment",
                      headers=bearer(client, world.ir.manager)).get_json()
    assert view["period"]["status"] == "paid"
    assert [(p["reference"], p["amount"], p["status"], p["part"]) for p in view["payments"]] == [
        (reference, "19800000", "confirmed", 0)]
    login(client, world.ir.manager)
    page = client.get(f"/performance/periods/{period.id}").get_data(as_text=True)
    assert reference in page and "Paid" in page
    batch_id = view["payments"][0]["batch_id"]
    batch_page = client.get(f"/payment-batches/{batch_id}").get_data(as_text=True)
    assert "Chehel Mir herders: period" in batch_page and reference in batch_page
    built = batch_page[batch_page.index("<dt>Built</dt>"):]
    assert built.index("(Tehran, GMT+03:30)") < built.index("</dd>")  # the country's time, named
    out = runner.invoke(args=["performance", "assessment", str(period.id)])
    assert out.exit_code == 0 and "Status: paid" in out.output and reference in out.output
    assert out.output.startswith(f"Period {period.number} of contract {period.contract_id}\n")


def test_a_dari_manager_reads_the_batch_s_period_in_persian_digits(client, paid, world):
    period, _claim, _amount = paid
    world.ir.manager.preferred_language = "fa_AF"
    db.session.commit()
    login(client, world.ir.manager)
    batch_id = db.session.scalar(sa.select(Payment.batch_id).where(Payment.subject_id == period.id,
                                                                   Payment.subject.is_not(None)))
    page = client.get(f"/payment-batches/{batch_id}").get_data(as_text=True)
    label = f"#{period.contract_id}/{period.number}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert label in page  # it read «#1/2» in Latin digits on a Dari page


def test_batches_of_a_performance_programme_on_the_web_and_the_cli(client, runner, perf, world):
    from tests.helpers import login, post_form

    period = approved_period(perf, world, distribution=Distribution.LUMP_SUM)
    programme = period.contract.community.programme
    db.session.commit()
    login(client, world.ir.manager)
    form = client.get(f"/payment-batches/new?programme_id={programme.id}").get_data(as_text=True)
    assert f'name="subject_ids" value="{period.id}"' in form and "19,800,000" in form
    refused = post_form(client, "/payment-batches/new", {"programme_id": programme.id},
                        form_path=f"/payment-batches/new?programme_id={programme.id}")
    assert "Tick at least one period to pay." in refused.get_data(as_text=True)
    out = runner.invoke(args=["performance", "pay", str(period.id), "--user", world.ir.manager.username])
    assert out.exit_code == 0 and "is in payment batch" in out.output
    assert out.output.startswith(f"Period {period.number} of contract {period.contract_id} is in payment batch")
    again = runner.invoke(args=["performance", "pay", str(period.id), "--user", world.ir.manager.username])
    assert again.exit_code != 0 and "already in a payment batch" in again.output


def test_a_forfeited_period_is_settled_at_approval_and_never_waits_for_a_batch(client, runner, perf, world):
    from datetime import date

    from payouts.freezes.models import KillCause, RetaliationFreeze
    from tests.helpers import bearer, login, post_form

    contract = perf.contract(distribution=Distribution.LUMP_SUM)
    d1 = perf.camera(contract, "D1", tehran(2025, 3, 30), tehran(2025, 7, 3))
    for day in range(1, 6):
        perf.leopard(d1, tehran(2025, 5, day, 22))
    db.session.add(RetaliationFreeze(programme_id=contract.community.programme_id, cause=KillCause.POISONED,
                                     killed_on=date(2025, 6, 10), ends_on=date(2025, 7, 10), lat=37.40, lon=58.90,
                                     radius_km=5, recorded_by_id=world.ir.manager.id))
    period = contract.periods[0]
    db.session.commit()
    login(client, world.ir.manager)
    post_form(client, f"/performance/periods/{period.id}/approve", {}, form_path=f"/performance/periods/{period.id}")
    done = client.get(f"/performance/periods/{period.id}").get_data(as_text=True)
    assert "Period approved with nothing to pay: it is settled and closed." in done
    assert "Settled, nothing to pay" in done and "Build a payment batch" not in done
    db.session.expire_all()
    period = db.session.get(type(period), period.id)
    assert period.status == PeriodStatus.SETTLED and period.total == 0
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == "performance_period",
                                                           AuditEvent.entity_id == period.id)
                                 .order_by(AuditEvent.seq)).all()[-1]
    assert event.action == "performance_period.settled" and event.data["total"] == "0"
    assert "Settled, nothing to pay" in client.get(f"/performance/contracts/{contract.id}").get_data(as_text=True)
    api = client.get(f"/api/v1/performance/periods/{period.id}/assessment",
                     headers=bearer(client, world.ir.auditor)).get_json()
    assert api["period"]["status"] == "settled"
    out = runner.invoke(args=["performance", "assessment", str(period.id)])
    assert "Status: settled (Settled, nothing to pay)" in out.output
    assert payments.waiting(contract.community.programme, world.ir.manager) == []
    with pytest.raises(NotEligible, match="Nothing is owed for period"):
        payments.pay(period, {}, world.ir.manager)


def test_a_performance_batch_is_approved_from_the_command_line(runner, perf, world):
    period = approved_period(perf, world, distribution=Distribution.LUMP_SUM)
    assert period.status == PeriodStatus.APPROVED
    batch = payments.pay(period, {}, world.ir.manager)
    db.session.commit()
    out = runner.invoke(args=["batches", "approve", str(batch.id), "--user", world.ir.manager2.username])
    assert out.exit_code == 0, out.output
    db.session.expire_all()
    assert batch.status == BatchStatus.APPROVED
    assert [p.status for p in period_payments(period)] == [PaymentStatus.SENT]


def test_a_member_owed_a_share_not_yet_paid_is_merged_only_once_it_is_paid(perf, world, make):
    """A share's payment part names its member's record: merged away before it is paid, the period could not be
    paid. Refused (nothing changes) while it is owed; a member with nothing owed merges and the kept record is the
    community's member."""
    from claims.models import Owner
    from claims.operations import merge_owners
    from conflict_service.errors import ValidationError

    period = approved_period(perf, world, detections=9, distribution=Distribution.HERD_WEIGHTED)
    community = period.contract.community
    owed, other = community.members
    kept = make.owner(world.ir.clerk, world.ir.office)
    db.session.commit()
    assert {s["owner_id"] for s in period.shares} == {owed.id, other.id}

    with pytest.raises(ValidationError) as refused:
        merge_owners(owed, {"into": kept.id, "reason": "Registered twice"}, world.ir.manager)
    db.session.rollback()
    assert f"periods not yet paid ({period.audit_label})" in refused.value.errors["into"][0]
    assert db.session.get(Owner, owed.id) is not None

    period.status = PeriodStatus.PAID  # as the payment's confirmation leaves it
    db.session.commit()
    merge_owners(owed, {"into": kept.id, "reason": "Registered twice"}, world.ir.manager)
    db.session.commit()
    db.session.expire_all()
    assert [m.id for m in db.session.get(type(community), community.id).members] == sorted([other.id, kept.id])
