"""The public status page on a phone in Dari: a herder reads his claim's number whole, right to left around it."""

from __future__ import annotations

import pytest

from conflict_service.db import db
from tests.browser import screenshot

# Layout on a phone: the same on every database (the pages' SQL runs on PostgreSQL in their package's tests).
pytestmark = [pytest.mark.browser, pytest.mark.committing, pytest.mark.same_on_every_database]


def test_the_claim_number_in_the_heading_is_never_broken_at_its_hyphens(make, live_server, phone):
    world = make.world()
    owner = make.owner(world.ir.clerk, world.ir.office, name="غلام سخی", preferred_language="fa_AF")
    claim = make.claim(world.ir, owner)
    db.session.commit()
    phone.goto(f"{live_server}/status/{claim.number}")
    phone.locator("input[name=pin]").fill(claim.pin)
    phone.locator("main form [type=submit]").last.click()
    number = phone.locator("h1 .ltr")
    number.wait_for()
    assert phone.locator("html").get_attribute("lang") == "fa-AF"
    assert number.inner_text() == claim.number
    # One line box: at 390 px the heading "درخواست خساره IR-DRG-…" used to break after "2025-", its two halves
    # laid out right to left.
    assert number.evaluate("el => el.getClientRects().length") == 1
    assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert screenshot(phone, "status-fa_AF-phone").stat().st_size > 10_000


def test_an_identifier_in_a_milestone_is_never_broken_at_its_hyphens(make, live_server, phone):
    """An Urdu manager read «(IR-DRG-» at the end of one line of the claim's history and «2026-000076-A1)» on the next,
    a Tajik herder «(IR-DRG-» / «2025-000001-F1)» on the status page: an identifier in a sentence wraps whole."""
    world = make.world()
    owner = make.owner(world.ir.clerk, world.ir.office, preferred_language="ur")
    claim = make.claim(world.ir, owner)
    db.session.commit()
    phone.goto(f"{live_server}/status/{claim.number}")
    phone.locator("input[name=pin]").fill(claim.pin)
    phone.locator("main form [type=submit]").last.click()
    number = phone.locator(".timeline li strong bdi[lang=zxx]").first  # "دعویٰ IR-DRG-… درج ہوا"
    number.wait_for()
    assert number.inner_text() == claim.number
    # Words put before it, one more each time, move the number along the line until it must wrap somewhere.
    split = number.evaluate("""bdi => { const before = bdi.previousSibling, text = before.textContent, split = [];
      for (let n = 1; n <= 30; n++) { before.textContent = 'دعویٰ '.repeat(n) + text;
        if (bdi.getClientRects().length > 1) split.push(n); }
      before.textContent = text; return split; }""")
    assert split == []
    assert screenshot(phone, "status-ur-phone").stat().st_size > 10_000
