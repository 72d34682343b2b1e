"""The payouts CLI: rate import, payment files, bank statements, overdue claims."""

from datetime import date, timedelta

import pytest
import time_machine

from claims.enums import TimeOfDay
from conflict_service.db import db
from conflict_service.timeutil import local_today, utcnow
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
