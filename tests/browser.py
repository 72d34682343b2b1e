"""Fixtures for browser tests: the app served over HTTP from a thread, and Debian's headless Chromium.

A browser test sees only committed data, so mark it ``@pytest.mark.browser`` and ``@pytest.mark.committing``
(tables are emptied afterwards), create its data with the usual factories and ``db.session.commit()``.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
# How far a page runs past the screen's width in CSS pixels (a long word, a wide table outside its scroll box): the
# reader would have to scroll the whole page sideways. A table inside .table-scroll scrolls in its own box, which is
# fine.
SIDEWAYS_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def live_server(app, request):
    """The app at http://127.0.0.1:<free port>, each request in its own thread, session and transaction."""
    if "committing" not in request.keywords:
        pytest.fail("a live_server test must be marked committing: the server only sees committed data")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the test session (skipped, saying why, where it is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip(f"headless Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium):
    """A page in a fresh browser context the size of a phone (390 × 844 CSS pixels, touch)."""
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, live_server: str, user) -> None:
    """Sign ``user`` in (the factories' password) and wait for the home page."""
    from tests.factories import PASSWORD

    page.goto(f"{live_server}/login")
    page.locator("#f-username").fill(user.username)
    page.locator("#f-password").fill(PASSWORD)
    page.locator("form button.primary[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
