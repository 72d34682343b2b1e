"""Faults while confirming a payment batch: nothing is half-written, and the work can simply be retried."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from claims.models import Claim
from claims.states import ClaimState
from conflict_service.audit.chain import verify_chain
from conflict_service.db import db
from conflict_service.timeutil import local_today
from payouts.enums import PaymentStatus
from payouts.models import Payment
from payouts.operations import reconciliation
from tests.conftest import TEST_AUDIT_KEY
from tests.factories import Factory
from tests.payouts.conftest import Payouts

pytestmark = pytest.mark.committing
ROOT = Path(__file__).resolve().parents[2]


def _batch_of(app, n: int):
    """n approved claims in one sent batch, and the bank statement that confirms all of them (committed)."""
    with app.test_request_context():
        make = Factory()
        world = make.world()
        payouts = Payouts(make, world)
        payouts.rates(world.ir)
        claims = [payouts.approved(world.ir) for _ in range(n)]
        payouts.batch(world.ir, claims)
        db.session.commit()
        payments = list(db.session.scalars(sa.select(Payment).order_by(Payment.id)))
        today = local_today("Asia/Tehran")
        rows = "".join(f"{p.reference},{p.amount:f},{today}\n" for p in payments)
        return [p.id for p in payments], f"reference,amount,date\n{rows}".encode()


def _state(app):
    with app.app_context():
        payments = db.session.scalars(sa.select(Payment.status)).all()
        claims = db.session.scalars(sa.select(Claim.status)).all()
        chain = verify_chain()
        return payments, claims, chain


def test_a_failure_halfway_leaves_nothing_and_the_retry_completes(app, runner, tmp_path, monkeypatch):
    ids, statement = _batch_of(app, 4)
    path = tmp_path / "statement.csv"
    path.write_bytes(statement)
    real, calls = reconciliation.confirm_payment, []

    def failing(payment, data, actor, **kw):
        calls.append(payment.id)
        if len(calls) == 3:
            raise OSError("the database connection dropped")  # after two payments were confirmed
        return real(payment, data, actor, **kw)

    monkeypatch.setattr(reconciliation, "confirm_payment", failing)
    failed = runner.invoke(args=["payments", "reconcile", str(path), "--user", "manager_ir"])
    assert failed.exit_code != 0 and len(calls) == 3
    payments, claims, chain = _state(app)
    assert set(payments) == {PaymentStatus.SENT} and set(claims) == {ClaimState.IN_PAYMENT}
    assert chain.is_intact

    monkeypatch.setattr(reconciliation, "confirm_payment", real)
    retried = runner.invoke(args=["payments", "reconcile", str(path), "--user", "manager_ir"])
    assert retried.exit_code == 0, retried.output
    payments, claims, chain = _state(app)
    assert payments == [PaymentStatus.CONFIRMED] * 4 and claims == [ClaimState.PAID] * 4
    assert chain.is_intact


@pytest.mark.postgres
def test_a_process_killed_during_confirmation_leaves_the_data_consistent(app, tmp_path):
    ids, statement = _batch_of(app, 5)
    path = tmp_path / "statement.csv"
    path.write_bytes(statement)
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "test",
           "AUDIT_KEY": TEST_AUDIT_KEY, "INSTANCE_PATH": str(tmp_path)}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "payments", "reconcile", str(path), "--user",
               "manager_ir"]
    with app.app_context(), db.engine.connect() as blocker:
        # Hold the fourth payment: the command confirms three, then waits for this lock, mid-transaction.
        transaction = blocker.begin()
        blocker.execute(sa.select(Payment.id).where(Payment.id == ids[3]).with_for_update())
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        _wait_until_blocked(blocker, process)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        process.stdout.close()
        transaction.rollback()
    payments, claims, chain = _state(app)
    assert set(payments) == {PaymentStatus.SENT}, "no confirmation of the killed process may survive"
    assert set(claims) == {ClaimState.IN_PAYMENT} and chain.is_intact

    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert again.returncode == 0, again.stdout + again.stderr
    payments, claims, chain = _state(app)
    assert payments == [PaymentStatus.CONFIRMED] * 5 and claims == [ClaimState.PAID] * 5 and chain.is_intact


def _wait_until_blocked(connection, process, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        waiting = connection.execute(sa.text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar()
        if waiting:
            return
        if process.poll() is not None:
            raise AssertionError(f"the command ended before blocking: {process.stdout.read().decode()}")
        time.sleep(0.1)
    raise AssertionError("the command never reached the held payment")
