"""`flask synth`: every claim state, unique numbers, an intact audit chain, and a service that works on the data."""

import pytest
import sqlalchemy as sa

from claims.models import Claim, ClaimCounter
from claims.states import ClaimState
from conflict_service.audit.chain import verify_chain
from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from oversight.synth import PASSWORD
from payouts.models import Award, Payment
from tests.helpers import bearer, login

pytestmark = [pytest.mark.committing, pytest.mark.slow]


def _synth(runner, claims: int, seed: int):
    result = runner.invoke(args=["synth", "--claims", str(claims), "--seed", str(seed)])
    assert result.exit_code == 0, result.output
    return result


def test_synth_makes_every_state_with_a_valid_chain(app, runner, client):
    result = _synth(runner, 300, 7)
    assert "300 claims" in result.output
    with app.app_context():
        states = dict(db.session.execute(sa.select(Claim.status, sa.func.count()).group_by(Claim.status)).all())
        assert set(states) == set(ClaimState)
        assert sum(states.values()) == 300
        numbers = db.session.scalar(sa.select(sa.func.count(sa.distinct(Claim.number))))
        assert numbers == 300
        # Paid claims carry an award and a confirmed payment of the same amount.
        paid = db.session.execute(
            sa.select(Award.total, Payment.amount).join(Payment, Payment.claim_id == Award.claim_id)
            .join(Claim, Claim.id == Award.claim_id).where(Claim.status == ClaimState.PAID)).all()
        assert paid and all(a == p for a, p in paid)
        report = verify_chain()
        assert report.is_intact, report.problem
        assert report.checked == db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) > 300

    # A second run continues the numbering and the chain.
    _synth(runner, 40, 8)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Claim.number)))) == 340
        last = db.session.scalar(sa.select(sa.func.sum(ClaimCounter.last_seq)))
        assert last == 340
        assert verify_chain().is_intact
        paid_id = db.session.scalar(sa.select(Claim.id).where(Claim.status == ClaimState.PAID).limit(1))
    verify = runner.invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output

    # The pages and the API work on synthetic data, as its users would see them.
    login(client, "synth_auditor", PASSWORD)
    page = client.get("/claims?status=paid")
    assert page.status_code == 200 and "synthetic" in page.get_data(as_text=True)
    assert client.get(f"/claims/{paid_id}").status_code == 200
    headers = bearer(client, "synth_manager1_ir", PASSWORD)
    listed = client.get("/api/v1/claims?status=under_verification&per_page=5", headers=headers)
    assert listed.status_code == 200
    assessment = client.get(f"/api/v1/claims/{paid_id}/assessment", headers=bearer(client, "synth_auditor", PASSWORD))
    assert assessment.status_code in (200, 404)  # 404 only when the paid claim is outside IR: never a 500
    pdf = client.get(f"/api/v1/claims/{paid_id}/casefile.pdf", headers=bearer(client, "synth_auditor", PASSWORD))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
