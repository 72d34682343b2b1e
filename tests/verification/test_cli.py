"""The verification CLI runs the same operations as the API, acting as a named user."""

import json

from claims.states import ClaimState
from conflict_service.db import db
from tests.verification.conftest import jpeg_bytes, png_bytes, stored_files, visit_payload
from verification.models import EvidenceFile


def test_assign_record_and_appeal_from_the_command_line(runner, world, claim, tmp_path):
    r = runner.invoke(args=["verification", "assign", claim.number, "--verifier", "verifier_ir", "--as", "clerk_ir"])
    assert r.exit_code == 0, r.output
    assert f"{claim.number} assigned to verifier_ir; due" in r.output
    r = runner.invoke(args=["verification", "worklist", "--as", "verifier_ir"])
    assert claim.number in r.output and "1 claim(s) awaiting a site visit." in r.output

    visit = tmp_path / "visit.json"
    visit.write_text(json.dumps(visit_payload(outcome="rejected", rejection_reason="not_depredation",
                                              predator="unknown", confidence="possible", lines=[])))
    photo = tmp_path / "site.jpg"
    photo.write_bytes(jpeg_bytes())
    r = runner.invoke(args=["verification", "record", claim.number, str(visit), "--photo", str(photo),
                            "--as", "verifier_ir"])
    assert r.exit_code == 0, r.output
    assert "site visit recorded (rejected), 0 animal(s) verified" in r.output
    db.session.expire_all()
    assert claim.status == ClaimState.REJECTED
    assert db.session.query(EvidenceFile).count() == 1

    r = runner.invoke(args=["verification", "appeal", claim.number, "--reason", "New witness.",
                            "--verifier", "verifier_ir", "--as", "clerk_ir"])
    assert r.exit_code == 1
    assert "verifier_id: " in r.output and "before the appeal" in r.output
    r = runner.invoke(args=["verification", "appeal", claim.number, "--reason", "New witness.",
                            "--verifier", "verifier2_ir", "--as", "clerk_ir"])
    assert r.exit_code == 0, r.output
    db.session.expire_all()
    assert claim.status == ClaimState.UNDER_VERIFICATION and claim.assigned_verifier_id == world.ir.verifier2.id


def test_attach_checks_every_file_first(runner, world, claim, tmp_path, evidence_dir):
    good, bad = tmp_path / "a.png", tmp_path / "notes.jpg"
    good.write_bytes(png_bytes())
    bad.write_text("not a photo")
    r = runner.invoke(args=["verification", "attach", claim.number, str(good), str(bad), "--as", "clerk_ir"])
    assert r.exit_code == 1
    assert "notes.jpg: Only JPEG or PNG photos" in r.output
    assert stored_files(evidence_dir) == []
    r = runner.invoke(args=["verification", "attach", claim.number, str(good), str(good), "--as", "clerk_ir"])
    assert r.exit_code == 0, r.output
    assert r.output.count("attached") == 2 and "already attached" in r.output


def test_refusals_are_reported_and_users_are_scoped(runner, world, claim):
    r = runner.invoke(args=["verification", "assign", claim.number, "--verifier", "verifier_ir", "--as", "clerk_am"])
    assert r.exit_code == 1 and "Not found." in r.output
    r = runner.invoke(args=["verification", "assign", claim.number, "--verifier", "nobody", "--as", "clerk_ir"])
    assert r.exit_code == 1 and "No active user 'nobody'." in r.output
    r = runner.invoke(args=["verification", "overdue", "--as", "manager_ir"])
    assert r.exit_code == 0 and "0 overdue claim(s)" in r.output
