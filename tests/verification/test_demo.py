"""The demo data shows every state of field verification."""

import sqlalchemy as sa

from claims.models import Claim
from claims.states import ClaimState
from conflict_service.db import db
from verification.models import Appeal, Assignment, EvidenceFile, Verification


def test_the_demo_carries_claims_through_verification(runner, ctx, evidence_dir):
    r = runner.invoke(args=["demo", "load"])
    assert r.exit_code == 0, r.output
    db.session.expire_all()
    by_state = dict(db.session.execute(sa.select(Claim.status, sa.func.count()).group_by(Claim.status)).all())
    for state in (ClaimState.SUBMITTED, ClaimState.UNDER_VERIFICATION, ClaimState.VERIFIED, ClaimState.REJECTED):
        assert by_state.get(state, 0) > 0, state
    claims = db.session.scalars(sa.select(Claim)).all()
    assert any(c.is_verification_overdue for c in claims)
    predators = {v.predator.value for v in db.session.scalars(sa.select(Verification))}
    assert {"leopard", "wolf"} <= predators
    assert db.session.query(Appeal).count() > 0
    assert db.session.query(Verification).filter(Verification.round == 2).count() > 0
    assert db.session.query(Assignment).filter(Assignment.end_reason == "reassigned").count() > 0
    assert db.session.query(EvidenceFile).filter(EvidenceFile.exif_taken_at.is_not(None)).count() > 10
    assert any(evidence_dir.rglob("*.thumb.jpg"))
