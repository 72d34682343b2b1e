"""Every refusal answers as OpenRosa clients expect and keeps nothing of the record."""

from __future__ import annotations

import base64

import pytest
import sqlalchemy as sa

from claims.states import ClaimState
from conflict_service.audit.models import AuditEvent
from conflict_service.auth import field_credentials
from conflict_service.auth.models import Role
from conflict_service.db import db
from field.models import FieldSubmission
from tests.field.device import Device, instance_xml
from tests.verification.conftest import jpeg_bytes, pdf_bytes, stored_files
from verification.models import EvidenceFile, Verification
from verification.operations import assign_verifier


def nothing_kept(evidence_dir) -> bool:
    db.session.expire_all()
    return (db.session.scalar(sa.select(sa.func.count()).select_from(FieldSubmission)) == 0
            and db.session.scalar(sa.select(sa.func.count()).select_from(Verification)) == 0
            and db.session.scalar(sa.select(sa.func.count()).select_from(EvidenceFile)) == 0
            and stored_files(evidence_dir) == [])


def test_a_wrong_password_is_challenged_again_and_rate_limited_like_sign_in(client, world, assigned, credential,
                                                                           evidence_dir):
    device = Device(client, credential.username, "not-the-password")
    answers = [device.request("HEAD", "/openrosa/submission").status_code for _ in range(6)]
    # Collect answers each 401 once more with the password it has: ten wrong answers, then the sign-in limit.
    assert answers == [401] * 5 + [429]
    right = Device(client, credential.username, credential.password)
    assert right.request("HEAD", "/openrosa/submission").status_code == 429  # the address waits, whoever it is
    assert nothing_kept(evidence_dir)


def test_basic_authentication_is_refused_over_plain_http_and_accepted_over_https(client, credential):
    token = base64.b64encode(f"{credential.username}:{credential.password}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-OpenRosa-Version": "1.0"}
    assert client.head("/openrosa/submission", headers=headers).status_code == 401
    secure = client.head("/openrosa/submission", headers=headers, base_url="https://localhost")
    assert secure.status_code == 204
    assert int(secure.headers["X-OpenRosa-Accept-Content-Length"]) > 1_000_000
    challenges = client.head("/openrosa/submission", base_url="https://localhost").headers.getlist("WWW-Authenticate")
    assert [c.split()[0] for c in challenges] == ["Digest", "Basic"]  # Digest first: what Collect prefers


def test_a_revoked_credential_or_a_web_session_does_not_open_the_server(client, world, credential, collect):
    assert collect.request("HEAD", "/openrosa/submission").status_code == 204
    field_credentials.revoke(credential, world.ir.verifier)
    assert collect.request("HEAD", "/openrosa/submission").status_code == 401
    from tests.helpers import login

    login(client, world.ir.verifier)
    assert client.get("/openrosa/formList").status_code == 401  # the session cookie is not a device credential


def test_a_verifier_who_is_no_longer_one_is_refused(client, world, credential, collect):
    world.ir.verifier.role = Role.CLERK
    assert collect.request("GET", "/openrosa/formList").status_code == 403


def test_a_claim_never_assigned_to_the_sender_is_refused_and_the_refusal_audited(
        client, world, claim, make, collect, evidence_dir):
    assign_verifier(claim, {"verifier_id": world.ir.verifier2.id}, world.ir.clerk)
    answer = collect.post(instance_xml(claim.number, photos=["a.jpg"]), [("a.jpg", jpeg_bytes())])
    assert answer.status_code == 403
    assert b"never assigned to you" in answer.data
    assert nothing_kept(evidence_dir)
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.action == "field_submission.refused"))
    assert claim.status == ClaimState.UNDER_VERIFICATION


def test_a_claim_outside_the_senders_area_is_refused(client, world, make, collect, evidence_dir):
    foreign = make.claim(world.am)
    assign_verifier(foreign, {"verifier_id": world.am.verifier.id}, world.am.clerk)
    answer = collect.post(instance_xml(foreign.number), [])
    assert answer.status_code == 403 and b"outside your area" in answer.data
    assert nothing_kept(evidence_dir)


@pytest.mark.parametrize("xml", [
    b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><site_visit id='site_visit'>&e;"
    b"</site_visit>",
    b"<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;'>]>"
    b"<site_visit id='site_visit'>&lol2;</site_visit>",
    b"<not-xml",
    b"<other_form id='other_form'><meta><instanceID>uuid:1</instanceID></meta></other_form>",
    b"<site_visit id='site_visit'><claim>X</claim></site_visit>",
    b"<site_visit id='site_visit'>" + b"<notes>" + b"x" * 600_000 + b"</notes></site_visit>",
    b"<?xml version='1.0' encoding='latin-1'?><site_visit id='site_visit'><notes>\xe9</notes><meta><instanceID>"
    b"uuid:1</instanceID></meta></site_visit>",
], ids=["external-entity", "entity-expansion", "broken", "another-form", "no-instance-id", "oversized-xml",
        "not-utf-8"])
def test_unreadable_or_unsafe_xml_is_refused_with_400(client, world, assigned, collect, evidence_dir, xml):
    answer = collect.post(xml, [])
    assert answer.status_code == 400 and b"<OpenRosaResponse" in answer.data
    assert nothing_kept(evidence_dir)


def test_a_photo_that_is_not_a_photo_refuses_the_whole_post(client, world, assigned, collect, evidence_dir):
    answer = collect.post(instance_xml(assigned.number, photos=["a.jpg", "b.jpg"]),
                          [("a.jpg", jpeg_bytes()), ("b.jpg", pdf_bytes())])
    assert answer.status_code == 400 and b"b.jpg" in answer.data
    assert nothing_kept(evidence_dir)
    assert assigned.status == ClaimState.UNDER_VERIFICATION


def test_a_body_over_the_announced_limit_answers_413(app, client, world, assigned, collect, evidence_dir, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 50_000)
    answer = collect.post(instance_xml(assigned.number, photos=["a.jpg"]), [("a.jpg", b"\xff\xd8\xff" * 30_000)])
    assert answer.status_code == 413
    assert answer.headers["X-OpenRosa-Version"] == "1.0"
    assert nothing_kept(evidence_dir)


def test_the_same_instance_with_different_answers_is_refused_409(client, world, assigned, collect):
    xml = instance_xml(assigned.number, instance_id="uuid:same")
    assert collect.post(xml, []).status_code == 201
    changed = instance_xml(assigned.number, instance_id="uuid:same", predator="wolf")
    answer = collect.post(changed, [])
    assert answer.status_code == 409
    db.session.expire_all()
    assert db.session.scalar(sa.select(Verification.predator)).value == "leopard"


def test_another_verifier_cannot_add_photos_to_a_record_they_did_not_send(client, world, assigned, collect):
    xml = instance_xml(assigned.number, instance_id="uuid:mine")
    assert collect.post(xml, []).status_code == 201
    other, password = field_credentials.create(world.ir.verifier2, {}, world.ir.verifier2)
    intruder = Device(client, other.username, password)
    assert intruder.post(xml, [("x.jpg", jpeg_bytes())]).status_code == 403
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvidenceFile)) == 0

