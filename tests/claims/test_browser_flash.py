"""A message after a change ("Claim IR-DRG-2025-000123 withdrawn.") on a phone: the claim's number wraps whole, never
"IR-DRG-2025-" at the end of one line and "000123" on the next (in a right-to-left line the halves swap sides)."""

from __future__ import annotations

import pytest

from conflict_service.db import db
from tests.browser import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.committing]


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_a_claim_number_in_a_flashed_message_is_never_broken_at_its_hyphens(make, live_server, phone, lang):
    world = make.world()
    world.ir.clerk.preferred_language = lang
    owner = make.owner(world.ir.clerk, world.ir.office)
    claim = make.claim(world.ir, owner)
    db.session.commit()
    sign_in(phone, live_server, world.ir.clerk)
    phone.goto(f"{live_server}/claims/{claim.id}")
    phone.on("dialog", lambda dialog: dialog.accept())  # "Withdraw this claim? This cannot be undone."
    phone.locator("#reason").fill("گله را فروخت" if lang == "fa" else "Sold the flock")
    with phone.expect_navigation():
        phone.locator("form[data-confirm] button[type=submit]").click()
    number = phone.locator(".flash-success bdi[lang=zxx]")
    assert number.inner_text() == claim.number
    assert screenshot(phone, f"flash-claim-number-{lang}-phone").stat().st_size > 10_000
    # Words put before it, one more each time, move the number along the line until it must wrap somewhere.
    word = "درخواست " if lang == "fa" else "claim "
    split = number.evaluate("""(bdi, word) => {
      const before = bdi.previousSibling, text = before.textContent, split = [];
      for (let n = 1; n <= 40; n++) { before.textContent = word.repeat(n) + text;
        if (bdi.getClientRects().length > 1) split.push(n); }
      before.textContent = text; return split; }""", word)
    assert split == []
    assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
