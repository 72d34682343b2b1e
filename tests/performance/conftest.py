"""Factories for performance tests: an Iranian performance programme, a Tandoureh community of two herders and a
quarterly contract from 1 April 2025 (Tehran), with cameras placed as plain rows.

Hand-worked figures: IRR has no minor unit; the rate is 10,000,000 rials per unit, the cap 30,000,000 per period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from claims.enums import ProgrammeKind, Species
from conflict_service.db import db
from payouts.enums import PaymentMethod
from performance import evidence, operations
from performance.enums import Distribution, Fallback, Forfeiture, Indicator, Review
from performance.models import CameraImport, Deployment, Observation

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
AREA = {"type": "Polygon", "coordinates": [[[58.7, 37.3], [59.1, 37.3], [59.1, 37.5], [58.7, 37.5], [58.7, 37.3]]]}
TERMS = {"starts_on": date(2025, 4, 1), "period_months": 3, "period_count": 4, "indicator": Indicator.DETECTIONS,
         "rate": Decimal(10_000_000), "cap": Decimal(30_000_000), "forfeiture": Forfeiture.CANCEL,
         "forfeit_pct": None, "fallback": Fallback.AVERAGE, "fallback_periods": 3,
         "distribution": Distribution.HERD_WEIGHTED}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def tehran(year, month, day, hour=0):
    """A moment given in Tehran's standard offset (+03:30), in UTC."""
    from datetime import timedelta
    return datetime(year, month, day, hour, tzinfo=UTC) - timedelta(hours=3, minutes=30)


@dataclass
class Perf:
    make: object
    world: object

    def programme(self):
        return self.make.programme(self.world.ir.country, kind=ProgrammeKind.PERFORMANCE, name="Tandoureh payments")

    def community(self, programme=None, herds=(120, 60)):
        ir = self.world.ir
        owners = [self.make.owner(ir.clerk, ir.office, herd=[{"species": Species.SHEEP, "head_count": n,
                                                              "counted_on": date(2025, 3, 1)}]) for n in herds]
        return operations.create_community({
            "programme_id": (programme or self.programme()).id, "name": "Chehel Mir herders",
            "jurisdiction_id": ir.office.id, "area": AREA, "account_name": "Chehel Mir council",
            "account_method": PaymentMethod.BANK, "account_number": "IR0001",
            "member_ids": [o.id for o in owners]}, ir.manager)

    def contract(self, community=None, confirm=True, **terms):
        community = community or self.community()
        contract = operations.create_contract({"community_id": community.id, **TERMS, **terms}, self.world.ir.manager)
        if confirm:
            operations.confirm_contract(contract, self.world.ir.manager2)
        return contract

    def camera(self, contract, name, start, end, lat=37.39, lon=58.82):
        programme = contract.community.programme
        batch = db.session.query(CameraImport).filter_by(programme_id=programme.id).first()
        if batch is None:
            batch = CameraImport(programme_id=programme.id, package_name="test", sha256="0" * 64,
                                 imported_by_id=self.world.ir.verifier.id)
            db.session.add(batch)
            db.session.flush()
        row = Deployment(import_id=batch.id, contract_id=contract.id, deployment_id=name, location_name=name,
                         latitude=lat, longitude=lon, start=start, end=end, tags=[])
        db.session.add(row)
        db.session.flush()
        return row

    def leopard(self, deployment, when, *, confirm=True, young=False, individual=None, verifier=None):
        obs = Observation(deployment_pk=deployment.id, observation_id=f"obs-{deployment.id}-{when.isoformat()}",
                          event_start=when, scientific_name="Panthera pardus", count=1,
                          life_stage="juvenile" if young else "adult", individual_id=individual)
        db.session.add(obs)
        db.session.flush()
        if confirm:
            evidence.review(obs, {"review": Review.CONFIRMED}, verifier or self.world.ir.verifier)
        return obs


@pytest.fixture
def perf(make, world):
    return Perf(make, world)
