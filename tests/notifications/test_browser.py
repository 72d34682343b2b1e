"""The notification pages on a phone (390 px) in Persian and Russian: consent, the outbox, previews, profile."""

from __future__ import annotations

import pytest

from conflict_service.db import db
from tests.browser import screenshot
from tests.factories import PASSWORD
from tests.notifications.support import consent

# Layout on a phone: the same on every database (the pages' SQL runs on PostgreSQL in their package's tests).
pytestmark = [pytest.mark.browser, pytest.mark.committing, pytest.mark.slow, pytest.mark.same_on_every_database]


def sign_in(phone, live_server, user):
    phone.goto(f"{live_server}/login")
    phone.locator("input[name=username]").fill(user.username)
    phone.locator("input[name=password]").fill(PASSWORD)
    phone.locator("form:has(input[name=password]) button[type=submit]").click()
    phone.wait_for_url(lambda url: "/login" not in url)


def no_sideways_scroll(phone) -> bool:
    return phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("locale", ["fa", "ru"])
def test_pages_read_well_on_a_phone(make, live_server, phone, locale):
    world = make.world()
    world.ir.manager.preferred_language = world.ir.clerk.preferred_language = locale
    owner = make.owner(world.ir.clerk, world.ir.office)
    consent(owner, world.ir.clerk, language=locale)
    make.claim(world.ir, owner)
    db.session.commit()

    sign_in(phone, live_server, world.ir.clerk)
    phone.goto(f"{live_server}/owners/{owner.id}")
    phone.locator("#consent-h").scroll_into_view_if_needed()
    assert no_sideways_scroll(phone)
    screenshot(phone, f"notifications-owner-{locale}")
    phone.goto(f"{live_server}/owners/{owner.id}/consent")
    assert phone.locator("html").get_attribute("dir") == ("rtl" if locale == "fa" else "ltr")
    assert no_sideways_scroll(phone)
    screenshot(phone, f"notifications-consent-{locale}")

    phone.context.clear_cookies()
    sign_in(phone, live_server, world.ir.manager)
    for path, name in (("/outbox", "outbox"), ("/outbox/previews?locale=" + locale, "previews"),
                       ("/profile", "profile")):
        phone.goto(f"{live_server}{path}")
        assert phone.locator("h1").is_visible()
        assert no_sideways_scroll(phone), path
        assert screenshot(phone, f"notifications-{name}-{locale}").stat().st_size > 5_000
