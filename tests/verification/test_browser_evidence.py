"""On a phone: a clerk records the disposal of a carcass left in place, and a manager reads the programme's evidence
rules, in Persian as in English, without the page scrolling sideways."""

import re

import pytest

from conflict_service.db import db
from tests.browser import screenshot
from tests.factories import PASSWORD
from tests.verification.conftest import visit_payload
from verification.operations import assign_verifier, record_verification
from verification.schemas import VerificationCreateSchema

pytestmark = [pytest.mark.browser, pytest.mark.committing]
FITS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def sign_in(phone, live_server, user) -> None:
    phone.goto(f"{live_server}/login")
    phone.get_by_label("Username").fill(user.username)
    phone.get_by_label("Password").fill(PASSWORD)
    with phone.expect_navigation():  # signed in before the caller goes on: a goto now could cancel the sign-in
        phone.get_by_role("button", name="Sign in").click()


def test_a_clerk_records_the_disposal_of_a_carcass_on_a_phone(make, live_server, phone, evidence_dir):
    world = make.world()
    claim = make.claim(world.ir)
    assign_verifier(claim, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)
    record_verification(claim, VerificationCreateSchema().load(visit_payload(carcass_disposal="left_in_place")),
                        world.ir.verifier)
    claim_id = claim.id
    db.session.commit()

    sign_in(phone, live_server, world.ir.clerk)
    phone.goto(f"{live_server}/claims/{claim_id}/carcass-disposal?lang=fa")
    assert phone.get_by_role("heading", name=re.compile("از بین بردن لاشه")).is_visible()
    assert phone.evaluate(FITS)
    screenshot(phone, "carcass-disposal-fa")

    phone.goto(f"{live_server}/claims/{claim_id}?lang=en")
    with phone.expect_navigation():
        phone.get_by_role("link", name="Record its disposal").click()
    phone.get_by_label("Burned").check()
    phone.get_by_label("Who disposed of it").fill("The owner")
    with phone.expect_navigation():  # no date: refused, what was typed kept
        phone.get_by_role("button", name="Record the disposal").click()
    assert phone.get_by_text("Give the date of the disposal.").first.is_visible()
    assert phone.get_by_label("Who disposed of it").input_value() == "The owner"
    assert phone.get_by_label("Burned").is_checked()


def test_a_manager_reads_the_evidence_rules_on_a_phone_in_persian(make, live_server, phone):
    world = make.world()
    programme_id = world.ir.programme.id
    db.session.commit()
    sign_in(phone, live_server, world.ir.manager)
    phone.goto(f"{live_server}/programmes/{programme_id}/edit?lang=fa")
    rules = phone.locator("#evidence-rules")
    rules.scroll_into_view_if_needed()
    assert rules.get_by_text("شواهد لازم برای تعیین حیوان شکارچی").is_visible()
    assert phone.evaluate(FITS)
    # The rules' numbers in Persian digits, every one on the page's side (whole numbers and percentages alike).
    assert phone.locator("#f-injured_pct").input_value() == "۳۰"
    sides = phone.evaluate("""() => [...document.querySelectorAll('main input[inputmode]')].map(i => {
        const s = getComputedStyle(i); return `${i.name}: ${s.direction} ${s.unicodeBidi}`; })""")
    assert sides and all(side.endswith(" rtl isolate") or side.endswith(" rtl normal") for side in sides), sides
    screenshot(phone, "evidence-rules-fa")
