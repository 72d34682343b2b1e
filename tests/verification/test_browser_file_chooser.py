"""The file chooser in the reader's language (uploads.js): on a phone at 390 px the visit form's photo input shows a
button and a status line in the reader's words and digits, not Chromium's own "Choose Files / No file chosen" in the
browser's language; the native input stays the real control (labelled, focusable, sending the files)."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext

from conflict_service.db import db
from conflict_service.i18n import comma, native_digits
from tests.browser import ARTIFACTS, PHONE, screenshot, sign_in
from tests.verification.conftest import jpeg_bytes
from verification.models import EvidenceFile
from verification.operations import assign_verifier

pytestmark = [pytest.mark.browser, pytest.mark.committing]
NAMES = ("IMG_20261120_091512_HDR.jpg", "IMG_0413.jpg", "IMG_0414.jpg")


def visit_form(make, phone, live_server, locale):
    world = make.world()
    claim = make.claim(world.ir)
    assign_verifier(claim, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)
    world.ir.verifier.preferred_language = locale
    claim_id, verifier = claim.id, world.ir.verifier
    db.session.commit()
    sign_in(phone, live_server, verifier)
    phone.goto(f"{live_server}/claims/{claim_id}/visit")
    return claim_id


def texts(app, locale):
    with app.test_request_context(), force_locale(locale):
        return {"label": gettext("Take or choose photos"), "button": gettext("Choose photos"),
                "none": gettext("No file chosen"), "comma": comma(locale), "three": native_digits("3", locale)}


def fill_visit(page):
    for name in ("has_carcass", "has_neck_bites"):
        page.locator(f"#f-{name}").check()
    page.locator("select[name=predator]").select_option("leopard")
    for name, value in (("confidence", "probable"), ("carcass_disposal", "buried"), ("outcome", "confirmed")):
        page.locator(f"input[name={name}][value={value}]").check()


def photos():
    return [{"name": name, "mimeType": "image/jpeg", "buffer": jpeg_bytes(size=(64 + i, 48))}
            for i, name in enumerate(NAMES)]


@pytest.mark.parametrize("locale", ["fa", "ps", "en"])
def test_the_photo_chooser_speaks_the_readers_language_and_sends_the_files(make, app, live_server, phone, locale,
                                                                           evidence_dir):
    claim_id = visit_form(make, phone, live_server, locale)
    words = texts(app, locale)
    if locale != "en":
        assert words["button"] != "Choose photos" and words["none"] != "No file chosen"  # translated
    chooser = phone.get_by_label(words["label"])  # the native input keeps its label
    button = phone.locator(".file-button").filter(has_text=words["button"])
    status = phone.locator("#f-photos-chosen")
    button.wait_for()
    assert status.inner_text() == words["none"]
    assert "f-photos-chosen" in chooser.get_attribute("aria-describedby").split()
    assert chooser.get_attribute("accept") == "image/*" and chooser.get_attribute("capture") == "environment"

    box = button.bounding_box()
    assert box["height"] >= 44 and 0 <= box["x"] and box["x"] + box["width"] <= 390
    phone.locator("#f-canine_spacing_mm").focus()
    phone.keyboard.press("Tab")  # the keyboard reaches the native input; its button shows the focus ring
    assert chooser.evaluate("input => document.activeElement === input")
    ring = phone.locator(".file-target").evaluate("el => getComputedStyle(el).outlineStyle")
    assert ring == "solid"

    chooser.set_input_files(photos())
    phone.wait_for_function("() => !document.querySelector('#f-photos').hasAttribute('data-busy')")
    shown = status.inner_text()
    assert shown.startswith(words["three"]) and words["comma"].join(["IMG_0413.jpg", "IMG_0414.jpg"]) in shown
    assert "IMG_2026" in shown and "HDR.jpg" in shown  # a long name is shortened in the middle, its end kept
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows the phone
    screenshot(phone, f"file-chooser-{locale}")
    chooser.blur()
    chooser.locator("xpath=ancestor::fieldset[1]").screenshot(path=str(ARTIFACTS / f"file-chooser-{locale}-field.png"))

    fill_visit(phone)
    with phone.expect_navigation():
        phone.locator(".visit-form .actions button.primary").click()
    phone.wait_for_url(re.compile(rf"/claims/{claim_id}(#.*)?$"))  # the claim page, not the form shown again
    db.session.expire_all()
    assert sorted(e.display_name for e in db.session.query(EvidenceFile)) == sorted(NAMES)


def test_one_file_is_named_and_other_forms_use_the_same_chooser(make, app, live_server, phone):
    world = make.world()
    claim = make.claim(world.ir)
    world.ir.clerk.preferred_language = "fa"
    claim_id, clerk = claim.id, world.ir.clerk
    db.session.commit()
    sign_in(phone, live_server, clerk)
    phone.goto(f"{live_server}/claims/{claim_id}/evidence")
    with app.test_request_context(), force_locale("fa"):
        choose = gettext("Choose files")
    assert phone.locator(".file-button").inner_text() == choose
    phone.locator("input[type=file]").set_input_files(photos()[1:2])
    phone.wait_for_function("() => !document.querySelector('#f-file').hasAttribute('data-busy')")
    assert phone.locator("#f-file-chosen").inner_text() == "IMG_0413.jpg"
    phone.locator(".field").filter(has=phone.locator("#f-file")).screenshot(
        path=str(ARTIFACTS / "file-chooser-evidence-fa-field.png"))


def test_without_javascript_the_native_control_is_shown(make, live_server, chromium):
    world = make.world()
    claim = make.claim(world.ir)
    claim_id, clerk = claim.id, world.ir.clerk
    db.session.commit()
    context = chromium.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, clerk)
        page.goto(f"{live_server}/claims/{claim_id}/evidence")
        assert page.locator("#f-file").is_visible() and page.locator(".file-button").count() == 0
        assert page.locator("#f-file").bounding_box()["width"] > 200
    finally:
        context.close()
