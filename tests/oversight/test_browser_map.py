"""The dashboard's map and the open-data pages on a phone (390 px) in Persian and Armenian: nothing wider than the
screen but the charts that scroll on purpose, the map's picture takes no focus, the chart scrolls by keyboard.
The screenshots (test-artifacts/) are looked at, not compared."""

from __future__ import annotations

import re

import pytest

from claims.operations import submit_claim
from conflict_service.db import db
from tests.browser import screenshot
from tests.factories import PASSWORD

# Layout on a phone: the same on every database (the pages' SQL runs on PostgreSQL in their package's tests).
pytestmark = [pytest.mark.browser, pytest.mark.committing, pytest.mark.slow, pytest.mark.same_on_every_database]


def _sign_in(phone, live_server, user):
    phone.goto(f"{live_server}/login")
    phone.locator("#f-username").fill(user.username)
    phone.locator("#f-password").fill(PASSWORD)
    phone.locator("form button.primary[type=submit]").click()
    phone.wait_for_url(re.compile(r"/$"))


@pytest.mark.parametrize("lang", ["fa", "hy"])
def test_dashboard_and_open_data_on_a_phone(make, live_server, phone, lang):
    world = make.world()
    am = world.am
    region = make.jurisdiction("SU", "Syunik", parent=am.country)
    office = make.jurisdiction("GOR", "Goris", parent=region)
    clerk = make.user("clerk", office, username="clerk_goris")
    auditor = make.user("auditor", region, username="auditor_syunik", preferred_language=lang)
    for lat, lon in ((39.52, 46.02), (39.30, 46.40), (38.91, 46.25), (39.20, 46.15)):
        submit_claim(make.claim_data(make.owner(clerk, office), am.programme, incident_lat=lat, incident_lon=lon),
                     clerk)
    db.session.commit()
    _sign_in(phone, live_server, auditor)
    phone.goto(f"{live_server}/dashboard?lang={lang}")
    assert phone.locator("html").get_attribute("lang") == lang
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.locator("svg.incident-map circle.incident").count() == 4
    assert phone.locator("#incident-list a").count() == 4
    # Tab from the map's heading: the next stop is a link of the list, never something inside the picture.
    focusable_in_map = phone.evaluate(
        "[...document.querySelectorAll('svg.incident-map *')].filter(e => e.tabIndex >= 0).length")
    assert focusable_in_map == 0
    screenshot(phone, f"dashboard-map-{lang}-phone")
    phone.goto(f"{live_server}/exports/open-data?lang={lang}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, f"open-data-export-{lang}-phone")
    phone.goto(f"{live_server}/reports/bulletin?lang={lang}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, f"bulletin-page-{lang}-phone")
    phone.goto(f"{live_server}/open-data?lang={lang}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, f"open-data-public-{lang}-phone")


def test_the_csv_for_excel_choice_on_a_phone_in_persian(make, live_server, phone):
    world = make.world()
    manager = make.user("manager", world.ir.country, username="manager_fa", preferred_language="fa")
    db.session.commit()
    _sign_in(phone, live_server, manager)
    for path, name in (("/exports?lang=fa", "exports"), ("/reports/payouts?lang=fa", "report-payouts")):
        phone.goto(f"{live_server}{path}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        box = phone.locator("#f-bom")
        assert box.is_visible() and phone.locator("label[for=f-bom]").inner_text() == "CSV برای اکسل"
        box.check()
        screenshot(phone, f"{name}-bom-fa-phone")


def test_the_losses_charts_labels_are_in_view_on_a_right_to_left_phone(make, live_server, phone):
    """A Sorani manager's dashboard showed the verified-losses chart scrolled to its far end: two bars and their counts,
    no «پڵنگ · مەڕ» label and no short bar (they lay off to the left). The chart is mirrored for right-to-left
    readers, its labels on the right where the scroll box starts; it still scrolls."""
    from tests.verification.conftest import visit_payload
    from verification.operations import assign_verifier, record_verification
    from verification.schemas import VerificationCreateSchema

    world = make.world()
    world.ir.manager.preferred_language = "ckb"
    claim = make.claim(world.ir)
    assign_verifier(claim, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)
    record_verification(claim, VerificationCreateSchema().load(visit_payload()), world.ir.verifier)
    db.session.commit()
    _sign_in(phone, live_server, world.ir.manager)
    phone.goto(f"{live_server}/dashboard")
    box = phone.locator(".chart-scroll:has(svg[aria-labelledby=losses-h])")
    label = box.locator("svg text").first  # «پڵنگ · مەڕ»
    seen, shown = box.bounding_box(), label.bounding_box()
    screenshot(phone, "dashboard-losses-ckb-phone")
    assert seen["x"] <= shown["x"] and shown["x"] + shown["width"] <= seen["x"] + seen["width"], (seen, shown)
