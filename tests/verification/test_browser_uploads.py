"""In headless Chromium on a phone: a photo is shrunk before upload and keeps its EXIF time and GPS on the server;
a file over the limit is refused before it is sent; a visit whose session expired is saved after signing in again
without typing anything or choosing the photos again."""

from __future__ import annotations

import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bench.photo import camera_photo
from claims.models import Claim
from claims.states import ClaimState
from conflict_service.db import db
from tests.browser import screenshot
from tests.factories import PASSWORD
from verification.models import EvidenceFile
from verification.operations import assign_verifier

pytestmark = [pytest.mark.browser, pytest.mark.committing, pytest.mark.slow]
TAKEN = datetime(2026, 11, 20, 9, 15)


def assigned_claim(make):
    world = make.world()
    claim = make.claim(world.ir)
    assign_verifier(claim, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)
    db.session.commit()
    return world, claim.id, claim.number


def sign_in(page, base, username, path="/login"):
    page.goto(f"{base}{path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():  # signed in before the caller goes on: a goto now could cancel the sign-in
        page.get_by_role("button", name="Sign in").click()


def fill_visit(page, notes: str):
    for item in ("Carcass found", "Bite marks on the neck or throat"):
        page.get_by_label(item).check()
    page.get_by_label(re.compile(r"^Predator")).select_option("leopard")
    page.get_by_role("group", name=re.compile("How sure")).get_by_label("Probable").check()
    page.get_by_label("Buried").check()
    page.get_by_role("group", name=re.compile("Is this a depredation")).get_by_label("Confirmed").check()
    page.get_by_label("Notes").fill(notes)


def choose_photo(page, photo: bytes, name="IMG_2041.jpg"):
    chooser = page.get_by_label("Take or choose photos")
    chooser.set_input_files({"name": name, "mimeType": "image/jpeg", "buffer": photo})
    page.wait_for_function("() => !document.querySelector('#f-photos').hasAttribute('data-busy')")
    return chooser.evaluate("input => Array.from(input.files).map(f => f.size)")


def test_a_phone_photo_is_shrunk_before_upload_and_keeps_its_exif_time_and_gps(make, live_server, phone,
                                                                                evidence_dir):
    world, claim_id, number = assigned_claim(make)
    original = camera_photo(TAKEN, 37.4513, 59.1211)
    sign_in(phone, live_server, world.ir.verifier.username)
    phone.goto(f"{live_server}/claims/{claim_id}/visit")
    fill_visit(phone, "Photo shrunk on the phone.")
    sizes = choose_photo(phone, original)
    assert len(original) > 4_000_000 and sizes[0] < 600_000
    with phone.expect_navigation():  # the form's own address (/claims/<id>/visit) matched the pattern waited for
        phone.get_by_role("button", name="Save the site visit").click()
    phone.wait_for_url(re.compile(rf"/claims/{claim_id}(#.*)?$"))
    db.session.expire_all()
    evidence = db.session.query(EvidenceFile).one()
    assert (evidence.width, evidence.height) == (2048, 1536) and evidence.size_bytes == sizes[0]
    taken_utc = TAKEN.replace(tzinfo=ZoneInfo("Asia/Tehran"))
    assert evidence.exif_taken_at == taken_utc  # the offset tag +03:30 came through too
    assert (evidence.exif_lat, evidence.exif_lon) == (37.4513, 59.1211)


def test_a_file_over_the_limit_is_refused_before_upload(make, live_server, phone, app, monkeypatch):
    world, claim_id, number = assigned_claim(make)
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_BYTES", 2 * 1024 * 1024)
    sign_in(phone, live_server, world.ir.clerk.username)
    phone.goto(f"{live_server}/claims/{claim_id}/evidence")
    requests = []
    phone.on("request", lambda r: requests.append(r.url) if r.method == "POST" else None)
    big = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024) + b"\n%%EOF\n"
    chooser = phone.locator("input[type=file]")
    chooser.set_input_files({"name": "scan.pdf", "mimeType": "application/pdf", "buffer": big})
    message = phone.get_by_role("status").filter(has_text="scan.pdf is larger than the 2 MB allowed")
    message.wait_for()
    assert chooser.evaluate("input => input.files.length") == 0 and requests == []
    screenshot(phone, "upload-refused-before-sending")


def test_a_session_that_expires_mid_visit_loses_nothing(make, live_server, phone, app, monkeypatch, evidence_dir):
    world, claim_id, number = assigned_claim(make)
    sign_in(phone, live_server, world.ir.verifier.username)
    phone.goto(f"{live_server}/claims/{claim_id}/visit")
    fill_visit(phone, "Typed at the carcass, two hours' walk from the road.")
    phone.get_by_label("Spacing of the canine marks (mm)").fill("43")
    choose_photo(phone, camera_photo(TAKEN, 37.4513, 59.1211, size=(1600, 1200)))
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 0.02)  # the session runs out while the verifier works
    time.sleep(2)
    phone.get_by_role("button", name="Save the site visit").click()

    phone.wait_for_url(re.compile(r"/login"))
    assert phone.get_by_text("what you entered and the photos you chose are kept").is_visible()
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 30)
    phone.get_by_label("Username").fill(world.ir.verifier.username)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()

    phone.wait_for_url(re.compile(rf"/claims/{claim_id}/visit\?draft="))
    assert phone.get_by_label("Notes").input_value() == "Typed at the carcass, two hours' walk from the road."
    assert phone.get_by_label("Spacing of the canine marks (mm)").input_value() == "43"
    assert phone.get_by_label(re.compile("IMG_2041.jpg")).is_checked()
    phone.locator("#kept-photos").scroll_into_view_if_needed()
    screenshot(phone, "visit-kept-after-sign-in")
    phone.get_by_role("button", name="Save the site visit").click()  # nothing typed or chosen again

    phone.wait_for_url(re.compile(rf"/claims/{claim_id}(#.*)?$"))
    db.session.expire_all()
    assert db.session.get(Claim, claim_id).status == ClaimState.VERIFIED
    evidence = db.session.query(EvidenceFile).one()
    assert evidence.display_name == "IMG_2041.jpg" and evidence.exif_lat == 37.4513


@pytest.mark.parametrize("locale", ["fa", "ckb", "ar", "tg", "ru", "en"])
def test_the_refusal_writes_the_limit_in_the_pages_digits_and_decimal_sign(make, live_server, phone, app, monkeypatch,
                                                                            locale):
    """The browser's own number format («12.5» on a Persian page, whatever its ICU has for Sorani or Tajik) gave way
    to the page's: «۱۲٫۵» as the hint above the input writes it."""
    from conflict_service.i18n import format_number

    world, claim_id, number = assigned_claim(make)
    world.ir.clerk.preferred_language = locale
    db.session.commit()
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_BYTES", 25 * 512 * 1024)  # 12.5 MB
    sign_in(phone, live_server, world.ir.clerk.username)
    phone.goto(f"{live_server}/claims/{claim_id}/evidence")
    big = b"%PDF-1.4\n" + b"0" * (13 * 1024 * 1024) + b"\n%%EOF\n"
    phone.locator("input[type=file]").set_input_files({"name": "scan.pdf", "mimeType": "application/pdf",
                                                       "buffer": big})
    note = phone.locator("#f-file-upload-note.field-errors")
    note.wait_for()
    mb = format_number(12.5, locale)
    assert mb in phone.locator("#file-hint").inner_text()  # the server's hint, for comparison
    assert f" {mb} " in note.inner_text(), (locale, note.inner_text(), mb)
    screenshot(phone, f"upload-refused-{locale}")
