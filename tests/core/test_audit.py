"""The audit trail: every change writes an event; the hash chain exposes altered and removed rows."""

import sqlalchemy as sa

from conflict_service.audit.chain import verify_chain
from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from tests.helpers import bearer, csrf_token, login


def _events():
    return list(db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq)))


def test_each_change_writes_a_chained_event(world, make):
    claim = make.claim(world.ir)
    db.session.commit()  # a savepoint inside the test's transaction
    events = _events()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(e.prev_hash == p.hash for p, e in zip(events, events[1:], strict=False))
    submitted = [e for e in events if e.action == "claim.submitted"]
    assert submitted and submitted[0].entity_id == claim.id and submitted[0].actor_name == "clerk_ir"
    assert submitted[0].changes["incident_village"] == [None, "Chehelmir"]
    assert verify_chain().is_intact


def test_rolled_back_change_leaves_no_event(world, make):
    db.session.commit()
    before = len(_events())
    make.claim(world.ir)
    db.session.rollback()
    assert len(_events()) == before


def test_altered_event_is_named(world, make):
    make.claim(world.ir)
    db.session.commit()
    target = _events()[3]
    db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == target.id).values(reason="edited later"))
    report = verify_chain()
    assert not report.is_intact
    assert report.first_bad_seq == target.seq
    assert "altered" in report.problem


def test_deleted_event_is_named(world, make):
    make.claim(world.ir)
    db.session.commit()
    target = _events()[2]
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == target.id))
    report = verify_chain()
    assert not report.is_intact
    assert report.first_bad_seq == target.seq
    assert "missing" in report.problem


def test_cli_exit_status(world, make, runner):
    make.claim(world.ir)
    db.session.commit()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output
    db.session.execute(sa.update(AuditEvent).where(AuditEvent.seq == 5).values(actor_name="someone else"))
    db.session.commit()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert "event 5" in broken.output


def test_auditors_read_their_jurisdiction_only(client, world, make):
    ir_claim, am_claim = make.claim(world.ir), make.claim(world.am)
    db.session.commit()
    events = client.get("/api/v1/audit?per_page=200", headers=bearer(client, world.ir.auditor)).get_json()["items"]
    labels = {e["entity_label"] for e in events}
    assert ir_claim.number in labels and am_claim.number not in labels
    assert not any(e["entity_type"] == "user" for e in events)  # sign-ins are the administrators' business
    admin_events = client.get("/api/v1/audit?entity_type=user", headers=bearer(client, world.ir.admin)).get_json()
    assert admin_events["total"] > 0
    assert client.get("/api/v1/audit", headers=bearer(client, world.ir.clerk)).status_code == 403


def test_verify_from_the_audit_page(client, world, make):
    make.claim(world.ir)
    db.session.commit()
    login(client, world.ir.auditor)
    page = client.get("/audit").get_data(as_text=True)
    assert "The chain has not been verified yet." in page
    r = client.post("/audit/verify", data={"csrf_token": csrf_token(client, "/audit")})
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "The audit chain is intact" in page and "Intact at the last verification" in page
    last = client.get("/api/v1/audit/verification", headers=bearer(client, world.ir.auditor)).get_json()
    assert last["is_intact"] is True and last["checked_by"] == "auditor_ir"
