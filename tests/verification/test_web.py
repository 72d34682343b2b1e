"""The verification pages as their users see them: claim page section, visit form, assignment, upload, appeal."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.i18n import format_size, separator
from conflict_service.timeutil import utcnow
from tests.helpers import csrf_token, login
from tests.verification.conftest import jpeg_bytes, multipart, stored_files, visit_payload
from verification.models import EvidenceFile
from verification.operations import assign_verifier, record_verification
from verification.schemas import VerificationCreateSchema


def visit_form(**overrides) -> dict:
    now = utcnow().astimezone(ZoneInfo("Asia/Tehran"))
    form = {"visited_date": now.date().isoformat(), "visited_time": now.strftime("%H:%M"),
            "visit_lat": "37.4512", "visit_lon": "59.1209", "has_carcass": ["false", "true"],
            "has_neck_bites": ["false", "true"], "has_scat": "false", "canine_spacing_mm": "41",
            "predator": "leopard", "confidence": "probable", "carcass_disposal": "buried", "outcome": "confirmed",
            "notes": "Throat bites; drag marks towards the rocks.", "lines-0-species": "sheep",
            "lines-0-age_class": "adult", "lines-0-outcome": "killed", "lines-0-count": "1"}
    form.update(overrides)
    return form


def post_visit(client, claim, form, photos=()):
    form = dict(form, csrf_token=csrf_token(client, f"/claims/{claim.id}/visit"))
    if photos:
        form["photos"] = list(photos)
    return client.post(f"/claims/{claim.id}/visit", **multipart(form))


def test_a_verifier_records_a_visit_with_a_photo(client, world, assigned, evidence_dir):
    login(client, world.ir.verifier)
    page = client.get(f"/claims/{assigned.id}/visit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'capture="environment"' in html and 'name="lines-0-count" type="text" value="2"' in html
    photo = jpeg_bytes(taken=(assigned.incident_at + timedelta(hours=9)).astimezone(ZoneInfo("Asia/Tehran")),
                       lat=37.46, lon=59.12)
    r = post_visit(client, assigned, visit_form(), [(photo, "IMG_0001.jpg")])
    assert r.status_code == 302, r.get_data(as_text=True)
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Site visit recorded: claim" in html and "is verified" in html
    assert "Predator: Leopard (probable)" in html
    assert "In all: 2 claimed, 1 verified." in html
    assert "9 h after the incident" in html and "1.1 km from the incident place" in html
    assert f"/claims/{assigned.id}/evidence/" in html and "/thumbnail" in html
    assert len(stored_files(evidence_dir)) == 4


def test_the_claimed_counts_are_offered_in_the_verifiers_digits(client, world, assigned):
    """A Pashto verifier finds the claimed counts in the visit form in Persian digits, like everything else typed."""
    world.ir.verifier.preferred_language = "ps"
    db.session.commit()
    login(client, world.ir.verifier)
    html = client.get(f"/claims/{assigned.id}/visit").get_data(as_text=True)
    assert 'name="lines-0-count" type="text" value="۲"' in html


def test_a_form_with_mistakes_comes_back_with_what_was_typed(client, world, assigned):
    login(client, world.ir.verifier)
    r = post_visit(client, assigned, visit_form(predator="", outcome="", notes="Tracks by the stream."))
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "Some fields need attention" in html
    assert "Tracks by the stream." in html
    assert 'id="f-has_neck_bites" name="has_neck_bites" type="checkbox" value="true" checked' in html
    db.session.expire_all()
    assert assigned.status == ClaimState.UNDER_VERIFICATION


def test_a_refused_photo_saves_nothing_and_says_why(client, world, assigned, evidence_dir):
    login(client, world.ir.verifier)
    r = post_visit(client, assigned, visit_form(), [(b"<html><body>hi</body></html>", "photo.jpg")])
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "photo.jpg: Only JPEG or PNG photos and PDF documents are accepted" in html
    assert "kept for you" not in html  # a refused file is not kept
    assert stored_files(evidence_dir) == []
    db.session.expire_all()
    assert assigned.status == ClaimState.UNDER_VERIFICATION


def test_photos_of_a_form_with_mistakes_are_kept_and_saved_with_the_corrected_form(client, world, assigned):
    login(client, world.ir.verifier)
    r = post_visit(client, assigned, visit_form(predator=""), [(jpeg_bytes(), "carcass.jpg")])
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "kept for you" in html and "carcass.jpg" in html
    draft = re.search(r'name="draft" value="([^"]+)"', html).group(1)
    sha = re.search(r'name="keep_photo" value="([0-9a-f]{64})"', html).group(1)
    saved = post_visit(client, assigned, visit_form(draft=draft, keep_photo=sha))  # nothing chosen again
    assert saved.status_code == 302
    db.session.expire_all()
    assert assigned.status == ClaimState.VERIFIED
    assert db.session.scalar(sa.select(EvidenceFile.display_name).where(EvidenceFile.claim_id == assigned.id)) \
        == "carcass.jpg"


def test_a_carcass_left_in_place_is_flagged_on_the_claim_page(client, world, assigned):
    data = VerificationCreateSchema().load(visit_payload(carcass_disposal="left_in_place"))
    record_verification(assigned, data, world.ir.verifier)
    login(client, world.ir.manager)
    html = client.get(f"/claims/{assigned.id}").get_data(as_text=True)
    assert "Carcass left in place." in html
    assert "Record the site visit" not in html


def test_a_clerk_assigns_from_the_claim_page(client, world, claim):
    login(client, world.ir.clerk)
    html = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "Assign a verifier" in html and "verifier2_ir" in html and "verifier_am" not in html
    path = f"/claims/{claim.id}/assign"
    bad = client.post(path, data={"verifier_id": "", "csrf_token": csrf_token(client, path)})
    assert bad.status_code == 422
    r = client.post(path, data={"verifier_id": str(world.ir.verifier2.id), "csrf_token": csrf_token(client, path)})
    assert r.status_code == 302
    html = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "Assigned to Claim" not in html
    assert f"Assigned to {world.ir.verifier2.display_name} for verification" in html
    assert "Verification due" in html


def test_a_clerk_uploads_evidence_and_a_bad_file_is_refused(client, world, claim, evidence_dir):
    login(client, world.ir.clerk)
    path = f"/claims/{claim.id}/evidence"
    form = {"csrf_token": csrf_token(client, path), "file": [(b"GIF89a....", "anim.gif")]}
    r = client.post(path, **multipart(form))
    assert r.status_code == 422
    assert "anim.gif: Only JPEG or PNG photos and PDF documents are accepted" in r.get_data(as_text=True)
    assert stored_files(evidence_dir) == []
    form = {"csrf_token": csrf_token(client, path), "file": [(jpeg_bytes(), "a.jpg"), (jpeg_bytes(color=(1, 2, 3)),
                                                                                     "b.jpg")]}
    r = client.post(path, **multipart(form))
    assert r.status_code == 302
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "2 files attached." in html and "a.jpg" in html and "b.jpg" in html


@pytest.fixture
def rejected(world, assigned):
    data = VerificationCreateSchema().load(visit_payload(outcome="rejected", rejection_reason="false_claim",
                                                         lines=[]))
    record_verification(assigned, data, world.ir.verifier)
    return assigned


def test_a_clerk_files_an_appeal_on_the_web(client, world, rejected):
    login(client, world.ir.clerk)
    html = client.get(f"/claims/{rejected.id}").get_data(as_text=True)
    assert "Appeal the rejection" in html
    section = html.split('id="appeal"')[1]
    assert "verifier2_ir" in section and "(verifier_ir)" not in section
    path = f"/claims/{rejected.id}/appeal"
    r = client.post(path, data={"reason": "", "csrf_token": csrf_token(client, path)})
    assert r.status_code == 422 and "Give the owner&#39;s grounds for the appeal." in r.get_data(as_text=True)
    r = client.post(path, data={"reason": "Neighbour saw the leopard.", "verifier_id": str(world.ir.verifier2.id),
                                "csrf_token": csrf_token(client, path)})
    assert r.status_code == 302
    html = client.get(f"/claims/{rejected.id}").get_data(as_text=True)
    assert "Verified before the appeal by" in html and "Neighbour saw the leopard." in html
    assert "Appeal the rejection" not in html


def test_pages_answer_404_403_and_409_as_the_api_does(app, world, assigned):
    outsider, other, own = app.test_client(), app.test_client(), app.test_client()
    login(outsider, world.am.verifier)
    assert outsider.get(f"/claims/{assigned.id}/visit").status_code == 404
    login(other, world.ir.verifier2)
    r = other.get(f"/claims/{assigned.id}/visit")
    assert r.status_code == 403
    assert "Only the verifier assigned to this claim" in r.get_data(as_text=True)
    record_verification(assigned, VerificationCreateSchema().load(visit_payload()), world.ir.verifier)
    login(own, world.ir.verifier)
    assert own.get(f"/claims/{assigned.id}/visit").status_code == 409


def test_an_auditor_sees_the_verification_but_no_forms(client, world, assigned):
    login(client, world.ir.auditor)
    html = client.get(f"/claims/{assigned.id}").get_data(as_text=True)
    assert "Field verification" in html and world.ir.verifier.display_name in html
    assert 'name="verifier_id"' not in html and 'type="file"' not in html
    assert client.get("/worklist").status_code == 403


def test_radio_group_errors_are_tied_to_the_group(client, world, assigned):
    login(client, world.ir.verifier)
    html = post_visit(client, assigned, visit_form(outcome="")).get_data(as_text=True)
    assert 'id="f-outcome" aria-describedby="outcome-errors"' in html and 'id="outcome-errors"' in html
    radio = re.search(r'<input type="radio" id="f-outcome-confirmed"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in radio
    assert 'id="f-confidence" aria-describedby' not in html  # answered: nothing to describe


def test_persian_names_keep_their_place_in_a_tajik_line(client, world, make):
    """A Tajik verifier read «چاپشلو · داوود رستمی» (village, then owner) on the worklist: two right-to-left names
    with a dot between them ran into one right-to-left run inside the left-to-right line. Each is isolated."""
    owner = make.owner(world.ir.clerk, world.ir.office, name="داوود رستمی", village="چاپشلو")
    claim = make.claim(world.ir, owner, incident_village="چاپشلو")
    assign_verifier(claim, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)
    world.ir.verifier.preferred_language = "tg"
    db.session.commit()
    login(client, world.ir.verifier)
    both = "<bdi>داوود رستمی</bdi> · <bdi>چاپشلو</bdi>"
    assert both in client.get("/worklist").get_data(as_text=True)
    assert both in client.get(f"/claims/{claim.id}/visit").get_data(as_text=True)
    detail = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert '<dd><bdi>چاپشلو</bdi> <span class="nowrap">(37,45; 59,12)</span></dd>' in detail


def test_each_claims_upload_form_has_hints_of_its_own(app, world, make):
    """A page with several claims' upload forms repeated id="file-hint": each file input was described by the first
    claim's hint (and uploads.js adds its notes to the same list)."""
    from flask import render_template_string

    claims = [make.claim(world.ir), make.claim(world.ir)]
    with app.test_request_context("/"):
        page = render_template_string('{% from "verification/_macros.html" import upload_form with context %}'
                                      "{% for c in claims %}{{ upload_form(c) }}{% endfor %}", claims=claims)
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)) == 4, ids
    for claim in claims:
        hint = re.search(rf'<p class="hint" id="([^"]+)">[^<]*</p>\s*<input id="f-file-{claim.id}"[^>]*'
                         r'aria-describedby="([^"]+)"', page)
        assert hint and hint.group(1) == hint.group(2), claim.id


@pytest.mark.parametrize(("locale", "unit"), [("ckb", "کیلۆبایت"), ("ur", "کلوبائٹ"), ("ps", "کیلوبایټ"), ("tg", "кБ")])
def test_an_evidence_files_size_is_in_the_readers_script(client, world, claim, evidence_dir, locale, unit):
    """Sorani, Urdu and Pashto pages read «843 kB» under each photo (CLDR's unit, and their catalogs kept it)."""
    login(client, world.ir.clerk)
    path = f"/claims/{claim.id}/evidence"
    r = client.post(path, **multipart({"csrf_token": csrf_token(client, path), "file": [(jpeg_bytes(), "a.jpg")]}))
    assert r.status_code == 302
    size = db.session.scalar(sa.select(EvidenceFile.size_bytes))
    html = client.get(f"/claims/{claim.id}?lang={locale}").get_data(as_text=True)
    item = html.split('class="evidence-item"')[1].split("</li>")[0]
    shown = format_size(size, locale)
    sep = separator(locale)  # the Arabic comma beside Persian/Arabic-Indic digits (ckb, ps), a dot in ur and tg
    assert f"{sep}{shown}{sep}" in item and shown.endswith(unit) and "kB" not in item
