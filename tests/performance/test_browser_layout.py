"""The communities list stacked on a phone (390 px) in Dari: a cell of several parts reads as one text."""

from __future__ import annotations

import pytest

from conflict_service.db import db
from tests.browser import screenshot, sign_in

# Layout on a phone: the same on every database (the pages' SQL runs on PostgreSQL in their package's tests).
pytestmark = [pytest.mark.browser, pytest.mark.committing, pytest.mark.same_on_every_database]

# On how many lines (distinct tops) the payment method's own words lie.
METHOD_LINES = """td => { const range = document.createRange();
  range.selectNodeContents(td.querySelector('bdi').parentElement.firstChild);
  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return tops.size; }"""


def test_the_payment_method_and_payee_read_as_one_text(live_server, phone, perf, world):
    manager = world.ir.manager
    manager.preferred_language = "fa_AF"
    community = perf.community()
    community.account_name = "شورای اسلامی روستای چهل‌میر و قره‌سو"
    db.session.commit()
    sign_in(phone, live_server, manager)
    phone.goto(f"{live_server}/performance/communities")
    screenshot(phone, "performance-communities-fa_AF")
    cell = phone.locator("table.data.stack tbody tr").first.locator("td").nth(4)
    assert community.account_name in cell.inner_text()
    # The method ("حوالهٔ بانکی ·") was a flex item of its own beside the payee's name, squeezed onto two lines.
    assert cell.evaluate(METHOD_LINES) == 1
