"""Parallel inspections on PostgreSQL: the measure's status ends as the latest-dated inspection's."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from threading import Barrier

import pytest
import sqlalchemy as sa

from conflict_service.db import db
from mitigation.models import Inspection, Measure
from mitigation.operations import create_measure
from tests.factories import Factory
from tests.helpers import bearer
from tests.mitigation.conftest import measure_data

pytestmark = [pytest.mark.postgres, pytest.mark.committing]
THREADS = 12
STATUSES = ["good", "needs_repair", "failed", "abandoned"]


def test_parallel_inspections_leave_the_latest_status(app):
    with app.test_request_context():
        make = Factory()
        world = make.world()
        owner = make.owner(world.ir.clerk, world.ir.office)
        measure_id = create_measure(measure_data(owner, installed_on=date(2025, 1, 1)), world.ir.clerk).id
        db.session.commit()
    headers = bearer(app.test_client(), "verifier_ir")
    barrier = Barrier(THREADS)
    # dates in shuffled order, so the last one to commit is not the latest by date
    plan = [(date(2025, 2, 1) + timedelta(days=(i * 7) % THREADS * 10), STATUSES[i % 4]) for i in range(THREADS)]

    def run(item):
        day, status = item
        client = app.test_client()
        barrier.wait()
        return client.post(f"/api/v1/mitigations/{measure_id}/inspections", headers=headers,
                           json={"inspected_on": day.isoformat(), "status": status})

    with ThreadPoolExecutor(THREADS) as pool:
        responses = list(pool.map(run, plan))
    assert [r.status_code for r in responses] == [201] * THREADS, [r.get_json() for r in responses]
    latest_day, latest_status = max(plan)
    with app.app_context():
        measure = db.session.get(Measure, measure_id)
        assert measure.last_inspected_on == latest_day and measure.status.value == latest_status
        assert db.session.scalar(sa.select(sa.func.count(Inspection.id))) == THREADS
