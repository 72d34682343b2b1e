"""Camtrap DP imports (all or nothing, every bad row named), linking by place and time, verifiers' reviews, and the
demo contract built from the sample package."""

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from conflict_service import demo as core_demo
from conflict_service.audit.chain import verify_chain
from conflict_service.db import db
from conflict_service.errors import Conflict, Forbidden, InvalidTransition, ValidationError
from conflict_service.jurisdictions.models import Jurisdiction
from payouts import consistency
from payouts.enums import PaymentStatus
from performance import demo, evidence, payments
from performance.enums import PeriodStatus, Review
from performance.models import CameraImport, Deployment, Observation
from tests.factories import Factory

BAD = Path(__file__).parent / "data" / "camtrap-bad"


def zipped(directory: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(directory.iterdir()):
            archive.write(path, path.name)
    return buffer.getvalue()


def counts():
    return [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (CameraImport, Deployment,
                                                                                      Observation)]


def test_a_good_package_imports_links_by_place_and_time_and_waits_for_verification(perf, world):
    contract = perf.contract()
    batch = evidence.import_package(contract.community.programme_id, demo.package_bytes(), "tandoureh.zip",
                                    world.ir.verifier)
    deployments = {d.deployment_id: d for d in db.session.scalars(
        sa.select(Deployment).where(Deployment.import_id == batch.id))}
    assert {k for k, d in deployments.items() if d.contract_id == contract.id} == {"TAN-D01", "TAN-D02", "TAN-D03"}
    assert deployments["GOL-D01"].contract_id is None  # Golestan lies outside the community's area
    assert deployments["TAN-D03"].tags == ["failure:theft"]
    observations = db.session.scalars(sa.select(Observation)).all()
    assert observations and {o.review for o in observations} == {Review.PENDING}
    assert {o.scientific_name.split()[0] for o in observations} == {"Panthera"}
    # Event-level observations only: the images classified again one by one are not imported twice.
    assert len(observations) == 11 and len({(o.deployment_pk, o.event_id) for o in observations}) == 9
    with pytest.raises(Conflict):
        evidence.import_package(contract.community.programme_id, demo.package_bytes(), "again.zip",
                                world.ir.manager)


def test_a_bad_package_is_refused_row_by_row_and_nothing_is_recorded(perf, world):
    programme = perf.programme()
    before = counts()
    with pytest.raises(ValidationError) as refused:
        evidence.import_package(programme.id, zipped(BAD), "bad.zip", world.ir.verifier)
    problems = [text for texts in refused.value.errors.values() for text in texts]
    assert len(problems) > 1 and any("row" in text for text in problems)
    assert counts() == before


def test_only_verifiers_review_and_only_once(perf, world):
    contract = perf.contract()
    evidence.import_package(contract.community.programme_id, demo.package_bytes(), "t.zip", world.ir.manager)
    first, second = db.session.scalars(sa.select(Observation).order_by(Observation.id).limit(2)).all()
    with pytest.raises(Forbidden):
        evidence.review(first, {"review": Review.CONFIRMED}, world.ir.manager)
    with pytest.raises(Forbidden):  # an Armenian verifier does not see Iranian cameras
        evidence.review(first, {"review": Review.CONFIRMED}, world.am.verifier)
    evidence.review(first, {"review": Review.CONFIRMED, "count": 2, "individual_id": "TAN-M01"}, world.ir.verifier)
    evidence.review(second, {"review": Review.REJECTED, "note": "a caracal"}, world.ir.verifier)
    assert (first.review, first.verified_count, first.verified_individual) == (Review.CONFIRMED, 2, "TAN-M01")
    assert second.review == Review.REJECTED
    with pytest.raises(InvalidTransition):
        evidence.review(first, {"review": Review.REJECTED}, world.ir.verifier2)


def test_the_demo_contract(ctx):
    context = {"seed": 7}
    core_demo.load(context)
    office = db.session.get(Jurisdiction, context["jurisdictions"]["IR-RKH-DRG"])
    context["owners"] = {"IR-RKH-DRG": [Factory().owner(context["users"]["clerk_ir"], office) for _ in range(3)]}
    demo.load(context)
    contract = context["performance"]["contract"]
    q1, q2, q3, q4 = contract.periods
    assert [p.status for p in contract.periods] == [PeriodStatus.PAID, PeriodStatus.IN_PAYMENT,
                                                    PeriodStatus.APPROVED, PeriodStatus.OPEN]
    assert not q1.is_fallback and q1.units > 0
    assert q2.is_fallback and q2.units == q1.units  # the stolen camera: the first quarter's units, said so
    assert q2.breakdown["lines"][0]["code"] == "monitoring_failed"
    assert "TAN-D03" in q2.breakdown["lines"][0]["params"]["deployments"]
    assert not q3.is_fallback
    for period in (q1, q2, q3):
        assert sum(Decimal(s["amount"]) for s in period.shares) == period.total
    assert q4.ends_on == date(2026, 4, 1)
    # Quarter 1 paid member by member, confirmed from the bank's statement; quarter 2 sent, waiting for the bank.
    paid = payments.payments_of([q1.id])
    assert len(paid) == 3 and sum(p.amount for p in paid) == q1.total
    assert {p.status for p in paid} == {PaymentStatus.CONFIRMED}
    assert {p.status for p in payments.payments_of([q2.id])} == {PaymentStatus.SENT}
    db.session.commit()
    report = verify_chain()
    assert report.is_intact and report.checked > 0
    assert consistency.check() == []
