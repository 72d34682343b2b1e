"""The demo data shows every state of field verification, as an office that works its queues would."""

from datetime import timedelta

import sqlalchemy as sa

from claims.demo import NARRATIVES
from claims.models import Claim, Owner
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.timeutil import utcnow
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

    # What a visitor reads must hold together: nothing waits a year, no owner is registered after their own loss,
    # no claim says "dead inside the corral" while answering that the animals were not in one.
    now = utcnow()
    waiting = {ClaimState.SUBMITTED: 45, ClaimState.UNDER_VERIFICATION: 45, ClaimState.VERIFIED: 45,
               ClaimState.APPROVED: 125}
    stale = [(c.number, c.status.value, c.status_changed_at.date()) for c in claims
             if c.status in waiting and now - c.status_changed_at > timedelta(days=waiting[c.status])]
    assert not stale, stale
    owners = {o.id: o for o in db.session.scalars(sa.select(Owner))}
    late = [c.number for c in claims if owners[c.owner_id].created_at > min(c.filed_at, c.incident_at or c.filed_at)]
    assert not late, late
    uncounted = [c.number for c in claims if not owners[c.owner_id].herd_on(c.incident_date)]
    assert not uncounted, uncounted
    in_corral = {text for (_country, setting), texts in NARRATIVES.items() if setting == "corral" for text in texts}
    contradicted = [c.number for c in claims if c.narrative in in_corral and not c.is_in_corral]
    assert not contradicted, contradicted
