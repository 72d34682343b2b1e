"""The command line: due inspections, overdue dogs, the report, and the demo step."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from conflict_service.db import db
from mitigation.enums import MeasureKind, MeasureStatus
from mitigation.models import GuardianDog, Inspection, Measure
from tests.mitigation.synthetic import Plan, plant


@pytest.fixture
def records(build):
    owner = build.owner(name="Karim Yazdani", village="Lotfabad")
    build.measure(owner, installed_on=date(2025, 6, 1))
    build.measure(owner, kind=MeasureKind.GUARDIAN_DOG, installed_on=date(2026, 10, 1))
    db.session.commit()
    return owner


def test_due_and_overdue(runner, records):
    out = runner.invoke(args=["mitigation", "due"])
    assert out.exit_code == 0, out.output
    assert "predator_proof_corral" in out.output and "Karim Yazdani" in out.output
    assert "1 measure(s) due for inspection." in out.output
    out = runner.invoke(args=["mitigation", "overdue-dogs", "--jurisdiction", "IR"])
    assert "Sardar" in out.output and "rabies" in out.output and "1 dog(s) overdue" in out.output
    out = runner.invoke(args=["mitigation", "due", "--jurisdiction", "AM"])
    assert "0 measure(s) due for inspection." in out.output
    out = runner.invoke(args=["mitigation", "due", "--jurisdiction", "XX"])
    assert out.exit_code != 0 and "No jurisdiction with the code XX." in out.output


def test_effectiveness_report(runner, world, ctx):
    plant(world.ir, Plan(night_rate=0.5, effect=0.2, seed=11, households=300))
    db.session.commit()
    out = runner.invoke(args=["mitigation", "effectiveness", "--start", "2020-01-01", "--end", "2025-12-31"])
    assert out.exit_code == 0, out.output
    assert "IR-REG" in out.output and "predator_proof_corral" in out.output and ": fewer" in out.output
    out = runner.invoke(args=["mitigation", "effectiveness", "--start", "2020-01-01", "--end", "2025-12-31", "--csv"])
    assert out.output.splitlines()[0].startswith("region_code,region,measure_kind")


def test_demo_step(runner):
    out = runner.invoke(args=["demo", "load"])
    assert out.exit_code == 0, out.output
    count = db.session.scalar
    assert count(sa.select(sa.func.count(Measure.id))) >= 20
    assert count(sa.select(sa.func.count(GuardianDog.measure_id))) >= 5
    statuses = set(db.session.scalars(sa.select(Inspection.status)))
    assert {MeasureStatus.FAILED, MeasureStatus.ABANDONED} <= statuses
    assert {"IRR", "AMD", "AFN"} == set(db.session.scalars(sa.select(Measure.currency)))
    assert "measure(s) due for inspection." in runner.invoke(args=["mitigation", "due"]).output
    overdue = runner.invoke(args=["mitigation", "overdue-dogs"]).output
    assert "0 dog(s)" not in overdue
