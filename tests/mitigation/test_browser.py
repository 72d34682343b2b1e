"""The mitigation pages on a phone (390 px) in Tajik: the section's tabs are big enough for a finger."""

from __future__ import annotations

import pytest

from conflict_service.db import db
from tests.browser import screenshot, sign_in

# Layout on a phone: the same on every database (the pages' SQL runs on PostgreSQL in their package's tests).
pytestmark = [pytest.mark.browser, pytest.mark.committing, pytest.mark.same_on_every_database]


def test_the_sections_tabs_are_big_enough_for_a_finger(make, live_server, phone):
    """A Tajik clerk's tabs «Ниёзманди санҷиш», «Сагҳои чӯпон», «Чӣ натиҷа медиҳад» were 34 px tall links at 390 px,
    side by side: 44 px now (WCAG 2.5.5), as the buttons are; the reports' tabs are the same tabs."""
    world = make.world()
    world.ir.clerk.preferred_language = "tg"
    db.session.commit()
    sign_in(phone, live_server, world.ir.clerk)
    phone.goto(f"{live_server}/mitigation")
    heights = phone.locator("nav.tabs a").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    screenshot(phone, "mitigation-tabs-tg-phone")
    assert len(heights) >= 4 and min(heights) >= 44, heights
