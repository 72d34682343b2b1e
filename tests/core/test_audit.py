"""The audit trail: every change writes an event; the hash chain exposes altered and removed rows."""

import pytest
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
    users = {e["entity_label"] for e in events if e["entity_type"] == "user"}
    assert "auditor_ir" in users and not any(u.endswith("_am") for u in users)  # accounts carry their country too
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



def test_the_audit_page_names_the_person_and_the_recorded_sign_in_name(client, world, make):
    """The log shows who as readers know them (the account's full name) beside the sign-in name the event recorded,
    which the log is filtered by; an account without a full name shows the sign-in name once."""
    make.claim(world.ir)
    world.ir.clerk.full_name = "Maryam Rahimi"
    db.session.commit()
    login(client, world.ir.auditor)
    page = client.get("/audit", query_string={"actor": "clerk_ir"}).get_data(as_text=True)
    cell = page[page.index("Maryam Rahimi"):]
    assert cell.index("clerk_ir") < cell.index("</td>")
    world.ir.clerk.full_name = ""
    db.session.commit()
    page = client.get("/audit", query_string={"actor": "clerk_ir"}).get_data(as_text=True)
    assert "Maryam Rahimi" not in page and "<bdi>clerk_ir</bdi></span></td>" in page

# --- tampering by someone who can write the database but does not hold the audit key ----------------------------

def _rehash_from(seq):
    """What a forger does: recompute the hash (and link) of every event from ``seq`` on, as the chain demands."""
    from conflict_service.audit.chain import compute_hash

    events = _events()
    prev = events[seq - 2].hash if seq > 1 else "0" * 64
    for ev in events[seq - 1:]:
        ev.prev_hash = prev
        ev.hash = prev = compute_hash(ev.hashed_payload())
    db.session.flush()


def test_an_edited_event_with_every_later_hash_recomputed_is_detected(world, make):
    make.claim(world.ir)
    make.claim(world.ir)
    db.session.commit()
    target = _events()[3]
    target.reason = "edited later"
    _rehash_from(target.seq)
    report = verify_chain()
    assert not report.is_intact and report.first_bad_seq == target.seq
    assert "not signed with the audit key" in report.problem


def test_a_forged_event_appended_to_the_chain_is_detected(world, make):
    from conflict_service.audit.chain import compute_hash
    from conflict_service.timeutil import utcnow

    make.claim(world.ir)
    db.session.commit()
    head = _events()[-1]
    forged = AuditEvent(seq=head.seq + 1, occurred_at=utcnow(), actor_id=None, actor_name="manager_ir",
                        action="claim.approve", entity_type="claim", entity_id=1, entity_label="IR-OFF-2026-000001",
                        changes={}, data={"total": "1"}, reason=None, request_id=None, prev_hash=head.hash)
    forged.hash = compute_hash(forged.hashed_payload())
    forged.mac = "0" * 64
    db.session.add(forged)
    db.session.flush()
    report = verify_chain()
    assert not report.is_intact and report.first_bad_seq == forged.seq and "forged" in report.problem


def test_cutting_the_newest_events_is_detected_by_the_checkpoints(world, make):
    from conflict_service.audit.operations import run_chain_check

    make.claim(world.ir)
    db.session.commit()
    first = run_chain_check("auditor_ir")
    assert first.is_intact and first.head_seq == len(_events()) and first.signature
    make.claim(world.ir)
    db.session.commit()
    assert run_chain_check("auditor_ir").is_intact  # a longer chain still holds the earlier head
    cut_to = first.head_seq - 2
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.seq > cut_to))
    report = verify_chain()
    assert not report.is_intact and report.first_bad_seq == cut_to + 1
    assert "the newest events were cut" in report.problem


def test_an_altered_or_replaced_checkpoint_is_detected(world, make):
    from conflict_service.audit.models import AuditCheck
    from conflict_service.audit.operations import run_chain_check

    make.claim(world.ir)
    db.session.commit()
    check = run_chain_check("cli")
    db.session.execute(sa.update(AuditCheck).where(AuditCheck.id == check.id).values(head_seq=check.head_seq - 3))
    db.session.expire_all()
    report = verify_chain()
    assert not report.is_intact and "is not signed with the audit key" in report.problem


def test_the_cli_prints_the_head_and_compares_with_a_head_kept_elsewhere(world, make, runner):
    from conflict_service.audit.keys import audit_keys, verify_head

    make.claim(world.ir)
    db.session.commit()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    lines = dict(line.split(": ", 1) for line in ok.output.splitlines() if ": " in line)
    seq, head_hash = lines["Head"].split(":")
    assert int(seq) == len(_events()) and lines["Public key"] == audit_keys().public_key()
    assert verify_head(lines["Public key"], int(seq), head_hash, lines["Signature"])  # anyone can check it
    assert not verify_head(lines["Public key"], int(seq) - 1, head_hash, lines["Signature"])
    assert runner.invoke(args=["audit", "verify", "--expect", lines["Head"]]).exit_code == 0
    # The checkpoints in the database are deleted along with the tail: only the head kept elsewhere tells.
    from conflict_service.audit.models import AuditCheck
    db.session.execute(sa.delete(AuditCheck))
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.seq == int(seq)))
    db.session.commit()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # undetectable without the head kept elsewhere
    cut = runner.invoke(args=["audit", "verify", "--expect", lines["Head"]])
    assert cut.exit_code == 1 and "the newest events were cut" in cut.output
    assert runner.invoke(args=["audit", "verify", "--expect", "12:abc"]).exit_code == 2


def test_the_audit_key_lives_outside_the_database(tmp_path):
    from conflict_service.app import create_app
    from conflict_service.audit.keys import audit_keys
    from conflict_service.config import ConfigError

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    app.instance_path = str(tmp_path)
    keys = audit_keys(app)
    key_file = tmp_path / "audit.key"
    assert key_file.stat().st_mode & 0o777 == 0o600 and len(key_file.read_text().strip()) == 64
    again = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://",
                        "AUDIT_KEY_FILE": str(key_file)})
    assert audit_keys(again).public_key() == keys.public_key()  # the same file, the same keys
    with pytest.raises(ConfigError, match="AUDIT_KEY"):
        create_app({"DEPLOYMENT": "production", "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})


def test_numbered_labels_read_in_the_readers_digits(app):
    """A batch recorded as "#32" reads "#۳۲" in Persian, like every other number of the sentence."""
    from flask_babel import force_locale

    from conflict_service.audit.presentation import describe

    event = AuditEvent(action="payment_batch.exported", entity_type="payment_batch", entity_id=32, entity_label="#32",
                       data={})
    with app.test_request_context(), force_locale("fa"):
        assert "#۳۲" in describe(event) and "32" not in describe(event)
    with app.test_request_context(), force_locale("en"):
        assert "#32" in describe(event)


def test_a_contracts_period_reads_in_the_readers_digits(app):
    """A performance period recorded as "#3/2" (contract 3's second period) reads "#۳/۲" in Persian."""
    from flask_babel import force_locale

    from conflict_service.audit.presentation import describe

    event = AuditEvent(action="performance_period.approved", entity_type="performance_period", entity_id=7,
                       entity_label="#3/2", data={"total": "49500000", "currency": "IRR"})
    with app.test_request_context(), force_locale("fa"):
        assert "#۳/۲" in describe(event) and "3" not in describe(event)
    with app.test_request_context(), force_locale("en"):
        assert "#3/2" in describe(event)


def test_another_systems_identifier_in_an_event_is_marked_as_no_language(app):
    """Issue 20: a camera-trap package's or an observation's identifier is no English word (lang="zxx"); a period's
    number is in the reader's digits; a name stays the reader's text."""
    from types import SimpleNamespace

    from flask_babel import force_locale

    from conflict_service.audit.presentation import describe_html

    def event(action, label):
        return SimpleNamespace(action=action, entity_label=label, data={})

    with app.test_request_context("/"), force_locale("fa"):
        package = str(describe_html(event("performance_import.recorded", "camtrap-ir-tandoureh-2025")))
        period = str(describe_html(event("performance_period.approved", "#1/3")))
        person = str(describe_html(event("jurisdiction.updated", "Dargaz <office>")))
        paid = event("claim.advance_paid", "IR-DRG-2026-000078")
        paid.data = {"reference": "PERF-1-1-M6-1"}
        reference = str(describe_html(paid))
    assert "camtrap-ir-tandoureh-2025" not in package  # an import counts cameras and observations, names no package
    assert "۱/۳" in period and "1/3" not in period
    assert '<bdi lang="zxx" dir="ltr">PERF-1-1-M6-1</bdi>' in reference
    assert "zxx" not in person and "&lt;office&gt;" in person and "&amp;" not in person  # escaped once
