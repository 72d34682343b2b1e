"""A field verifier completes a site visit on a phone, photo included, in headless Chromium."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from claims.models import Claim
from claims.states import ClaimState
from conflict_service.db import db
from tests.browser import screenshot
from tests.factories import PASSWORD
from tests.verification.conftest import jpeg_bytes, stored_files
from verification.models import EvidenceFile, Verification
from verification.operations import assign_verifier

pytestmark = [pytest.mark.browser, pytest.mark.committing]


def test_a_verifier_completes_a_visit_with_a_photo_on_a_phone(make, live_server, phone, evidence_dir):
    world = make.world()
    claim = make.claim(world.ir)
    assign_verifier(claim, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)
    claim_id, number, incident_at = claim.id, claim.number, claim.incident_at
    db.session.commit()

    phone.goto(f"{live_server}/login")
    phone.get_by_label("Username").fill(world.ir.verifier.username)
    phone.get_by_label("Password").fill(PASSWORD)
    with phone.expect_navigation():  # the menu is opened on the page signing in loads, not on the sign-in form
        phone.get_by_role("button", name="Sign in").click()
    phone.get_by_text("Menu", exact=True).click()  # on a phone the menu is folded
    with phone.expect_navigation():
        phone.get_by_role("link", name="My worklist", exact=True).click()
    with phone.expect_navigation():
        phone.get_by_role("link", name=re.compile(number)).click()
    assert phone.get_by_role("heading", name=re.compile("Site visit")).is_visible()

    for item in ("Carcass found", "Bite marks on the neck or throat", "Drag marks", "Tracks"):
        phone.get_by_label(item).check()
    phone.get_by_label("Spacing of the canine marks (mm)").fill("41")
    taken = (incident_at + timedelta(hours=7)).astimezone(ZoneInfo("Asia/Tehran"))
    phone.get_by_label("Take or choose photos").set_input_files(
        {"name": "IMG_0412.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(taken=taken, lat=37.455, lon=59.118,
                                                                                size=(640, 480))})
    phone.get_by_label(re.compile(r"^Predator")).select_option("leopard")
    phone.get_by_role("group", name=re.compile("How sure")).get_by_label("Probable").check()
    phone.get_by_label("Buried").check()
    phone.get_by_role("group", name=re.compile("Is this a depredation")).get_by_label("Confirmed").check()
    phone.get_by_label("Notes").fill("Throat bites, carcass dragged to the rocks and cached.")
    with phone.expect_navigation():  # the form's own address (/claims/<id>/visit) matched the pattern waited for
        phone.get_by_role("button", name="Save the site visit").click()
    phone.wait_for_url(re.compile(rf"/claims/{claim_id}(#.*)?$"))
    assert phone.get_by_role("status").filter(has_text=f"Site visit recorded: claim {number} is verified.").is_visible()
    assert phone.get_by_text("7 h after the incident").is_visible()
    assert phone.get_by_text("In all: 2 claimed, 2 verified.").is_visible()
    thumbnail = phone.get_by_role("img", name="Photo 1")
    thumbnail.scroll_into_view_if_needed()
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth") > 0
    phone.locator("#verification").scroll_into_view_if_needed()
    assert screenshot(phone, "verification-phone").stat().st_size > 10_000

    db.session.expire_all()
    saved = db.session.get(Claim, claim_id)
    assert saved.status == ClaimState.VERIFIED
    visit = db.session.query(Verification).one()
    assert (visit.canine_spacing_mm, visit.has_drag_marks, visit.has_scat) == (41, True, False)
    evidence = db.session.query(EvidenceFile).one()
    assert evidence.exif_taken_at == taken.replace(microsecond=0)
    assert len(stored_files(evidence_dir)) == 4
