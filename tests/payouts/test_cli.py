"""The payouts CLI: rate import, payment files, bank statements, overdue claims."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
import time_machine

from claims.enums import TimeOfDay
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.timeutil import local_today, utcnow
from payouts.models import Payment
from payouts.queries import rates_in_force

DAY = {"time_of_day": TimeOfDay.DAY}


@pytest.fixture
def ir(payouts, world):
    payouts.rates(world.ir)
    return world.ir


def test_rates_import_records_a_version(runner, world, tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("species,age_class,amount,valid_from\nsheep,adult,52000000,2026-03-21\ngoat,adult,38000000,"
                    "2026-03-21\n")
    result = runner.invoke(args=["rates", "import", str(world.ir.programme.id), str(path), "--note", "1405"])
    assert result.exit_code == 0, result.output
    assert "Recorded version 1 with 2 rates." in result.output
    assert [r["amount"] for r in rates_in_force(world.ir.programme.id, date(2026, 4, 1))] == [38000000, 52000000]


def test_rates_import_reports_bad_lines_and_records_nothing(runner, world, tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("species,age_class,amount,valid_from\nsheep,adult,-1,2026-03-21\nmoose,adult,1,2026-03-21\n")
    result = runner.invoke(args=["rates", "import", str(world.ir.programme.id), str(path)])
    assert result.exit_code == 1
    assert "Line 2, amount: Must not be negative." in result.output
    assert "Line 3, species: Must be one of" in result.output and "Nothing was recorded." in result.output


def test_rates_list(runner, ir):
    result = runner.invoke(args=["rates", "list", str(ir.programme.id), "--on", "2026-01-01"])
    rows = [line.split() for line in result.output.splitlines()]
    assert ["sheep", "adult", "IRR", "45,000,000", "since", "2020-01-01", "v1"] in rows


def test_export_and_reconcile_from_the_command_line(runner, payouts, ir, tmp_path):
    claim = payouts.approved(ir, **DAY)
    batch = payouts.batch(ir)
    db.session.commit()
    out = tmp_path / "batch.csv"
    result = runner.invoke(args=["batches", "export", str(batch.id), "--user", "manager_ir", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().splitlines()[1].endswith(f"90000000,IRR,{claim.number}-F1,mobile_money")
    statement = tmp_path / "statement.csv"
    statement.write_text(f"reference,amount,date\n{claim.number}-F1,90000000,{local_today('Asia/Tehran')}\n"
                         f"UNKNOWN-1,5,{local_today('Asia/Tehran')}\n")
    result = runner.invoke(args=["payments", "reconcile", str(statement), "--user", "manager_ir"])
    assert result.exit_code == 0, result.output
    assert "matched" in result.output and "unknown_reference" in result.output
    assert "1 matched, 1 not matched." in result.output


def test_export_needs_a_manager(runner, payouts, ir):
    payouts.approved(ir, **DAY)
    batch = payouts.batch(ir)
    db.session.commit()
    result = runner.invoke(args=["batches", "export", str(batch.id), "--user", "clerk_ir"])
    assert result.exit_code == 1 and "Only a programme manager can export payment files." in result.output


def test_overdue(runner, payouts, ir):
    claim = payouts.approved(ir, **DAY)
    db.session.commit()
    with time_machine.travel(utcnow() + timedelta(days=33), tick=False):
        result = runner.invoke(args=["payments", "overdue", "--user", "auditor_ir"])
    assert claim.number in result.output and "1 overdue." in result.output


def test_approve_a_batch_from_the_command_line(runner, payouts, ir):
    claim = payouts.approved(ir, **DAY)
    batch = payouts.batch(ir, approver=False)
    db.session.commit()
    listed = runner.invoke(args=["batches", "list", "--user", "auditor_ir", "--status", "awaiting_approval"])
    assert listed.exit_code == 0, listed.output
    assert f"#{batch.id}" in listed.output and "1 batches." in listed.output
    refused = runner.invoke(args=["batches", "approve", str(batch.id), "--user", "manager_ir"])
    assert refused.exit_code == 1 and "You built this batch, so another manager must approve it." in refused.output
    clerk = runner.invoke(args=["batches", "approve", str(batch.id), "--user", "clerk_ir"])
    assert clerk.exit_code == 1 and "Only a programme manager can approve payment batches." in clerk.output
    result = runner.invoke(args=["batches", "approve", str(batch.id), "--user", "manager2_ir"])
    assert result.exit_code == 0, result.output
    assert f"Batch #{batch.id} approved: its payments are sent." in result.output
    db.session.expire_all()
    assert batch.status.value == "approved" and batch.approved_by.username == "manager2_ir"
    shown = runner.invoke(args=["batches", "show", str(batch.id), "--user", "manager_ir"])
    assert f"{claim.number}-F1" in shown.output and "sent" in shown.output and "approved by manager2_ir" in shown.output
    again = runner.invoke(args=["batches", "approve", str(batch.id), "--user", "manager2_ir"])
    assert again.exit_code == 1 and "only a batch awaiting approval can be approved" in again.output


def test_show_refuses_a_batch_out_of_reach(runner, payouts, ir):
    payouts.approved(ir, **DAY)
    batch = payouts.batch(ir, approver=False)
    db.session.commit()
    result = runner.invoke(args=["batches", "show", str(batch.id), "--user", "manager_am"])
    assert result.exit_code == 1 and "Not found." in result.output and "-F1" not in result.output


def test_decide_claims_from_the_command_line(runner, payouts, ir):
    ir.programme.dual_approval_threshold = Decimal("50000000")
    claim, other = payouts.verified(ir, **DAY), payouts.verified(ir, **DAY)
    db.session.commit()
    clerk = runner.invoke(args=["claims", "approve", claim.number, "--as", "clerk_ir"])
    assert clerk.exit_code == 1 and "clerk_ir is a clerk; this needs one of these roles: manager." in clerk.output
    first = runner.invoke(args=["claims", "approve", claim.number, "--note", "Photos checked.", "--as", "manager_ir"])
    assert first.exit_code == 0, first.output
    assert (f"{claim.number}: first approval of IRR 90,000,000; a second, different manager must approve"
            in first.output.replace("\xa0", " "))
    again = runner.invoke(args=["claims", "approve", claim.number, "--as", "manager_ir"])
    assert again.exit_code == 1 and "a second, different manager must approve this claim" in again.output
    final = runner.invoke(args=["claims", "approve", claim.number, "--as", "manager2_ir"])
    assert final.exit_code == 0, final.output
    assert f"{claim.number} approved: IRR 90,000,000, to be paid by " in final.output.replace("\xa0", " ")
    db.session.expire_all()
    assert claim.status == ClaimState.APPROVED

    decisions = runner.invoke(args=["claims", "decisions", claim.number, "--as", "clerk_ir"]).output.splitlines()
    assert [line.split()[4:] for line in decisions] == [
        ["manager_ir", "first", "approval", "IRR", "90,000,000:", "Photos", "checked."],
        ["manager2_ir", "approved", "IRR", "90,000,000"]]

    unexplained = runner.invoke(args=["claims", "reject", other.number, "--reason", "other", "--as", "manager_ir"])
    assert unexplained.exit_code == 1 and "note: Explain the reason in the note." in unexplained.output
    db.session.expire_all()
    assert other.status == ClaimState.VERIFIED
    rejected = runner.invoke(args=["claims", "reject", other.number, "--reason", "duplicate", "--as", "manager_ir"])
    assert rejected.exit_code == 0 and f"{other.number} rejected (duplicate)." in rejected.output
    db.session.expire_all()
    assert other.status == ClaimState.REJECTED


def test_build_cancel_and_rebuild_a_batch_from_the_command_line(runner, payouts, ir):
    ir.programme.advance_pct = Decimal("30")
    paid, waiting = payouts.approved(ir, **DAY), payouts.verified(ir, **DAY)
    db.session.commit()
    advance = runner.invoke(args=["claims", "advance", waiting.number, "--as", "manager_ir"])
    assert advance.exit_code == 0, advance.output
    assert f"{waiting.number}: advance of IRR 27,000,000 granted ({waiting.number}-A1)" in advance.output.replace(
        "\xa0", " ")

    built = runner.invoke(args=["batches", "build", str(ir.programme.id), "--claim", paid.number, "--note", "Week 47",
                                "--user", "manager_ir"])
    assert built.exit_code == 0, built.output
    batch_id = int(built.output.split()[0].removeprefix("#"))
    assert "awaiting_approval" in built.output and "1 payments" in built.output
    assert f"Batch #{batch_id} built; another manager approves it" in built.output
    payments = runner.invoke(args=["claims", "payments", paid.number, "--as", "auditor_ir"])
    assert payments.output.split() == [f"{paid.number}-F1", "final", "pending", "IRR", "90,000,000", "batch",
                                       f"#{batch_id}"]
    assert "this needs one of these roles: manager, auditor." in runner.invoke(
        args=["claims", "payments", paid.number, "--as", "clerk_ir"]).output

    cancelled = runner.invoke(args=["batches", "cancel", str(batch_id), "--reason", "Wrong week.", "--user",
                                    "manager2_ir"])
    assert cancelled.exit_code == 0, cancelled.output
    assert f"Batch #{batch_id} cancelled: what it held waits to be paid again." in cancelled.output
    db.session.expire_all()
    assert paid.status == ClaimState.APPROVED
    twice = runner.invoke(args=["batches", "cancel", str(batch_id), "--user", "manager2_ir"])
    assert twice.exit_code == 1 and "only a batch awaiting approval can be cancelled" in twice.output

    everything = runner.invoke(args=["batches", "build", str(ir.programme.id), "--user", "manager_ir"])
    assert everything.exit_code == 0, everything.output
    assert "2 payments" in everything.output  # the approved claim again and the advance
    nothing = runner.invoke(args=["batches", "build", str(ir.programme.id), "--user", "manager_ir"])
    assert nothing.exit_code == 1 and "is waiting to be paid." in nothing.output


def test_confirm_or_fail_a_payment_by_its_reference(runner, payouts, ir):
    claim = payouts.approved(ir, **DAY)
    payouts.batch(ir)
    db.session.commit()
    reference = f"{claim.number}-F1"
    returned = runner.invoke(args=["payments", "fail", reference.lower(), "--reason", "Sheba number not in the "
                                   "payee's name.", "--user", "manager_ir"])
    assert returned.exit_code == 0, returned.output
    assert f"{reference} marked failed; its claim waits to be paid again." in returned.output
    db.session.expire_all()
    assert claim.status == ClaimState.APPROVED

    payouts.batch(ir)
    db.session.commit()
    again = db.session.scalars(sa.select(Payment.reference).where(Payment.claim_id == claim.id)
                               .order_by(Payment.id.desc())).first()
    today = local_today("Asia/Tehran").isoformat()
    both = runner.invoke(args=["payments", "confirm", again, "--bank-reference", "BMI-77812", "--paid-on", today,
                               "--paid-at", f"{today}T10:00:00+03:30", "--user", "manager_ir"])
    assert both.exit_code == 1
    assert "paid_at: Give when the money arrived: either the moment or the day, not both." in both.output
    elsewhere = runner.invoke(args=["payments", "confirm", again, "--bank-reference", "BMI-77812", "--paid-on", today,
                                    "--user", "manager_am"])
    assert elsewhere.exit_code == 1 and "Not found." in elsewhere.output
    db.session.expire_all()
    assert claim.status == ClaimState.IN_PAYMENT
    paid = runner.invoke(args=["payments", "confirm", again, "--bank-reference", "BMI-77812", "--paid-on", today,
                               "--user", "manager_ir"])
    assert paid.exit_code == 0, paid.output
    assert f"{again} confirmed (BMI-77812): IRR\xa090,000,000 paid." in paid.output
    db.session.expire_all()
    assert claim.status == ClaimState.PAID
