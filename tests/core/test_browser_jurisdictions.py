"""The jurisdictions on a phone: each a card within the screen, indented under its parent (no sideways scrolling)."""

import pytest

from conflict_service.db import db
from tests.browser import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.committing]


@pytest.mark.parametrize("lang", ["ka", "fa"])
def test_each_jurisdiction_is_a_card_within_the_screen_under_its_parent(make, live_server, phone, lang):
    """As a four-column table the page needed the box scrolled sideways in Georgian («დროის სარტყელი») at 390 px,
    and "AF-HRT-HRC" broke at its hyphens."""
    world = make.world()
    world.ir.admin.preferred_language = lang
    db.session.commit()
    sign_in(phone, live_server, world.ir.admin)
    phone.goto(f"{live_server}/admin/jurisdictions")
    box, table = phone.evaluate("""() => { const box = document.querySelector('.table-scroll');
      return [box.clientWidth, box.querySelector('table').scrollWidth]; }""")
    assert table <= box, (table, box)
    code = phone.locator("tr.depth-2 td.ltr").first  # an office's code on one line
    line = float(code.evaluate("td => getComputedStyle(td).lineHeight").removesuffix("px"))
    assert code.locator("span").evaluate("s => s.getBoundingClientRect().height") < 1.5 * line
    country, office = (phone.locator(f"tr.depth-{d}").first.bounding_box() for d in (0, 2))
    if lang == "fa":  # indented from the right, where a right-to-left line starts
        assert office["x"] + office["width"] < country["x"] + country["width"] - 10
    else:
        assert office["x"] > country["x"] + 10
    assert screenshot(phone, f"jurisdictions-{lang}-phone").stat().st_size > 10_000
