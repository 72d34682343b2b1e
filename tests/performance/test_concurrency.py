"""PostgreSQL, real parallel connections: two managers approving one period at the same moment → one approval;
parallel payment batches → the period paid once."""

import pytest
import sqlalchemy as sa

from conflict_service.audit.models import AuditEvent
from conflict_service.auth.models import User
from conflict_service.db import db
from payouts import operations as payout_operations
from payouts.models import Payment, PaymentBatch
from performance import periods
from performance.enums import PeriodStatus
from performance.models import Period
from tests.payouts.test_concurrency import in_parallel
from tests.performance.conftest import tehran

THREADS = 12


@pytest.mark.postgres
@pytest.mark.committing
def test_parallel_approvals_approve_a_period_once(app, perf, world):
    contract = perf.contract()
    camera = perf.camera(contract, "D1", tehran(2025, 3, 30), tehran(2025, 7, 3))
    perf.leopard(camera, tehran(2025, 5, 3, 22))
    period_id = contract.periods[0].id
    managers = [world.ir.manager.id, world.ir.manager2.id]
    db.session.commit()

    def approve(manager_id):
        return lambda: periods.approve(db.session.get(Period, period_id), db.session.get(User, manager_id))

    results = in_parallel(app, [approve(managers[i % 2]) for i in range(THREADS)])
    assert results.count("ok") == 1 and set(results) == {"ok", "InvalidTransition"}
    db.session.expire_all()
    assert db.session.get(Period, period_id).status == PeriodStatus.APPROVED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "performance_period.approved")) == 1


@pytest.mark.postgres
@pytest.mark.committing
def test_parallel_batches_pay_a_period_once(app, perf, world):
    """Twelve builders at once, half naming the period, half taking everything waiting: one batch, one payment per
    member share; every other builder is told nothing is waiting or the period is already in a batch."""
    contract = perf.contract()
    camera = perf.camera(contract, "D1", tehran(2025, 3, 30), tehran(2025, 7, 3))
    perf.leopard(camera, tehran(2025, 5, 3, 22))
    period = periods.approve(contract.periods[0], world.ir.manager)
    period_id, programme_id = period.id, contract.community.programme_id
    managers = [world.ir.manager.id, world.ir.manager2.id]
    db.session.commit()

    def build(i):
        data = {"programme_id": programme_id, **({"subject_ids": [period_id]} if i % 2 else {})}
        return lambda: payout_operations.build_batch(data, db.session.get(User, managers[i % 2]))

    results = in_parallel(app, [build(i) for i in range(THREADS)])
    assert results.count("ok") == 1 and set(results) == {"ok", "Conflict"}
    db.session.expire_all()
    assert db.session.get(Period, period_id).status == PeriodStatus.IN_PAYMENT
    live = db.session.scalars(sa.select(Payment).where(Payment.subject_id == period_id)).all()
    assert len(live) == len(contract.community.members) == 2 and len({p.batch_id for p in live}) == 1
    assert sum(p.amount for p in live) == db.session.get(Period, period_id).total
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentBatch)) == 1
