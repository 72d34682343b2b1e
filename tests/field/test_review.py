"""A record that can no longer apply is kept as *received, needs review*, listed for managers (web, API, CLI) and
applied or dismissed there with a note. Nothing received is ever dropped."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
import time_machine

from claims.states import ClaimState
from conflict_service.audit.chain import verify_chain
from conflict_service.db import db
from conflict_service.timeutil import utcnow
from field.enums import ReviewReason, SubmissionStatus
from field.models import FieldSubmission
from tests.field.device import instance_xml
from tests.helpers import bearer, login, post_form
from tests.verification.conftest import jpeg_bytes
from verification.models import EvidenceFile, Verification
from verification.operations import assign_verifier


def record() -> FieldSubmission:
    db.session.expire_all()
    return db.session.scalar(sa.select(FieldSubmission))


def test_a_visit_for_a_reassigned_claim_waits_for_review_and_a_manager_applies_it(
        client, world, assigned, collect, runner):
    assign_verifier(assigned, {"verifier_id": world.ir.verifier2.id, "reason": "on leave"}, world.ir.clerk)
    answer = collect.post(instance_xml(assigned.number, photos=["a.jpg"]), [("a.jpg", jpeg_bytes())])
    assert answer.status_code == 201 and b"review" in answer.data
    kept = record()
    assert kept.status == SubmissionStatus.NEEDS_REVIEW and kept.reason == ReviewReason.REASSIGNED
    assert [f.filename for f in kept.files] == ["a.jpg"] and kept.files[0].evidence_id is None
    assert assigned.status == ClaimState.UNDER_VERIFICATION

    listed = client.get("/api/v1/field-submissions", headers=bearer(client, world.ir.manager)).get_json()
    assert [i["instance_id"] for i in listed["items"]] == [kept.instance_id]
    assert listed["items"][0]["reason_text"] == "The claim is now assigned to another verifier"
    assert client.get("/api/v1/field-submissions", headers=bearer(client, world.am.manager)).get_json()["total"] == 0

    headers = bearer(client, world.ir.manager)
    refused = client.post(f"/api/v1/field-submissions/{kept.id}/apply", json={"note": "try"}, headers=headers)
    assert refused.status_code == 409  # still assigned to someone else

    assign_verifier(assigned, {"verifier_id": world.ir.verifier.id, "reason": "back"}, world.ir.clerk)
    applied = client.post(f"/api/v1/field-submissions/{kept.id}/apply", json={"note": "Back from leave."},
                          headers=headers)
    assert applied.status_code == 200, applied.get_json()
    assert applied.get_json()["status"] == "applied"
    db.session.expire_all()
    assert assigned.status == ClaimState.VERIFIED
    visit = db.session.scalar(sa.select(Verification))
    assert visit.verifier_id == world.ir.verifier.id  # the field record's author, never the manager
    assert db.session.scalar(sa.select(EvidenceFile.display_name)) == "a.jpg"
    assert record().reviewed_by_id == world.ir.manager.id and record().review_note == "Back from leave."
    assert verify_chain().is_intact


def test_a_visit_for_an_already_verified_claim_is_kept_and_dismissed_with_a_note(client, world, assigned, collect):
    from tests.verification.conftest import visit_payload
    from verification.operations import record_verification
    from verification.schemas import VerificationCreateSchema

    record_verification(assigned, VerificationCreateSchema().load(visit_payload()), world.ir.verifier)  # on the web
    assert collect.post(instance_xml(assigned.number), []).status_code == 201
    kept = record()
    assert kept.reason == ReviewReason.NOT_UNDER_VERIFICATION
    login(client, world.ir.manager)
    page = client.get("/field-submissions").get_data(as_text=True)
    assert assigned.number in page and "no longer waiting for a site visit" in page
    detail = client.get(f"/field-submissions/{kept.id}").get_data(as_text=True)
    assert "collect:Xc2TqY6iH0qPLn8Z" in detail and "Spacing of the canine marks (mm)" in detail
    assert "Leopard" in detail and "2 × Sheep (adult, killed)" in detail and ">leopard<" not in detail
    empty = post_form(client, f"/field-submissions/{kept.id}/review", {"action": "dismiss", "note": ""},
                      form_path=f"/field-submissions/{kept.id}")
    assert empty.status_code == 422 and "Say why" in empty.get_data(as_text=True)
    done = post_form(client, f"/field-submissions/{kept.id}/review",
                     {"action": "dismiss", "note": "Recorded on the web the same day."},
                     form_path=f"/field-submissions/{kept.id}")
    assert done.status_code == 302
    assert record().status == SubmissionStatus.DISMISSED and record().review_note == "Recorded on the web the same day."


def test_answers_the_service_refuses_are_kept_with_the_messages(client, world, assigned, collect, runner):
    late = (utcnow() + timedelta(days=2)).isoformat()
    assert collect.post(instance_xml(assigned.number, visited_at=late), []).status_code == 201
    kept = record()
    assert kept.reason == ReviewReason.REFUSED and "future" in kept.reason_detail["message"] + str(
        kept.reason_detail["errors"])
    invalid = instance_xml(assigned.number, outcome="rejected", rejection_reason="")
    assert collect.post(invalid, []).status_code == 201
    db.session.expire_all()
    second = db.session.scalars(sa.select(FieldSubmission).order_by(FieldSubmission.id)).all()[1]
    assert second.reason == ReviewReason.INVALID and "rejection_reason" in second.reason_detail["errors"]
    out = runner.invoke(args=["field", "submissions", "--as", world.ir.manager.username])
    assert out.exit_code == 0 and out.output.count(assigned.number) == 2
    dismissed = runner.invoke(args=["field", "dismiss", str(second.id), "--note", "duplicate of the first",
                                    "--as", world.ir.manager.username])
    assert dismissed.exit_code == 0, dismissed.output
    auditor = runner.invoke(args=["field", "dismiss", str(kept.id), "--note", "x", "--as", world.ir.auditor.username])
    assert auditor.exit_code != 0


def test_an_old_nonce_is_answered_stale_so_collect_retries_without_asking(client, world, assigned, collect):
    assert collect.request("HEAD", "/openrosa/submission").status_code == 204
    with time_machine.travel(utcnow() + timedelta(hours=1)):
        from field import digest

        old = dict(collect.challenge)
        headers = {**collect.headers(), "Authorization": collect._authorization("HEAD", "/openrosa/submission")}
        answer = client.head("/openrosa/submission", headers=headers)
        assert answer.status_code == 401 and "stale=true" in answer.headers["WWW-Authenticate"]
        assert old["nonce"] != digest.new_nonce()
        assert collect.request("HEAD", "/openrosa/submission").status_code == 204


def test_a_record_reads_in_the_readers_script(client, world, assigned, collect):
    """Issue 20: the place, the canine spacing, the ticked signs and the loss lines in the reader's digits and list
    separators; the ODK identifiers are marked as no language."""
    assign_verifier(assigned, {"verifier_id": world.ir.verifier2.id, "reason": "on leave"}, world.ir.clerk)
    assert collect.post(instance_xml(assigned.number, notes="جای دندان روی گلو."), []).status_code == 201
    world.ir.manager.preferred_language = "fa"
    db.session.commit()
    login(client, world.ir.manager)
    page = client.get(f"/field-submissions/{record().id}").get_data(as_text=True)
    assert "۳۷٫۴۵۱۲، ۵۹٫۱۲۰۹" in page and "۴۲" in page and "۲ × گوسفند (" in page
    assert "37.4512" not in page and "; " not in page
    assert f'lang="zxx">{record().instance_id}<' in page
