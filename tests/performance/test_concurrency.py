"""Two managers approving one period at the same moment (PostgreSQL, real parallel connections): one approval."""

import pytest
import sqlalchemy as sa

from conflict_service.audit.models import AuditEvent
from conflict_service.auth.models import User
from conflict_service.db import db
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
