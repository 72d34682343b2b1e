"""What a phone on a slow link pays for the service: bytes and requests on the wire, and seconds under Chromium's
network emulation (DESIGN §8: the users who matter most reach it over 2G/3G, often paying per megabyte).

Headless Chromium (Debian's, through Playwright) at 390 px, each locale in a fresh browser (empty cache), counted
from the DevTools protocol's network events:

- first visit: the sign-in page, signing in, the claim list (everything the browser fetched: pages, styles,
  scripts, fonts, images; a 302 counts as a request);
- next page: from the claim list, open the first claim (what a second page costs once the first visit is cached);
- claim list usable: the same first visit on an emulated slow link, from opening the sign-in page to the claim
  list's ``load`` event (page, styles, scripts and the fonts it shows all in), with no time spent typing.

The signed-in user is a field verifier of Iran, whose preferred language is set to the locale measured; the
browser asks for the same language (Accept-Language), so the sign-in page speaks it too.
"""

from __future__ import annotations

import time
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
LOCALES = {"en": "en-GB", "fa": "fa-IR", "ru": "ru-RU"}
# Chromium's emulation: throughput in bytes per second, latency added to every request.
LINKS = {"slow 3G": {"latency": 400, "kbit": 400}, "2G": {"latency": 300, "kbit": 250}}
FIRST_VISIT_KB, FIRST_VISIT_REQUESTS = 150, 8
NEXT_PAGE_KB, NEXT_PAGE_REQUESTS = 25, 2
USABLE_SECONDS = 4  # on slow 3G
PASSWORD = "demo-password"


class Tally:
    """Requests that went over the network (not answered from the browser's cache) and the bytes they took
    (DevTools' ``encodedDataLength``: headers and body as received, compressed when the response was)."""

    def __init__(self, cdp=None):
        self._seen: dict[str, list] = {}  # request id → [status and path, bytes]
        self._cached: set[str] = set()
        if cdp is not None:
            cdp.on("Network.requestWillBeSent", self._will_send)
            cdp.on("Network.requestServedFromCache", lambda e: self._cached.add(e["requestId"]))
            cdp.on("Network.responseReceived", self._received)
            cdp.on("Network.loadingFinished", self._finished)

    @property
    def requests(self) -> int:
        return len(self._seen)

    @property
    def bytes(self) -> int:
        return sum(size for _label, size in self._seen.values())

    @property
    def urls(self) -> list[str]:
        return [f"{label} {size / 1024:.1f} KB" for label, size in self._seen.values()]

    def _count(self, key: str, response: dict, size: int = 0) -> None:
        if response.get("fromDiskCache") or response.get("fromPrefetchCache") or response.get("fromServiceWorker"):
            return
        if response.get("url", "").startswith("http"):
            path = response["url"].split("//", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
            self._seen[key] = [f"{response.get('status')} /{path}", size]

    def _will_send(self, event: dict) -> None:
        if redirect := event.get("redirectResponse"):  # a redirect is a request of its own; its bytes end here
            key = f"{event['requestId']}#{len(self._seen)}"
            self._count(key, redirect, int(redirect.get("encodedDataLength") or 0))

    def _received(self, event: dict) -> None:
        if event["requestId"] not in self._cached:
            self._count(event["requestId"], event["response"])

    def _finished(self, event: dict) -> None:
        if event["requestId"] in self._seen:
            self._seen[event["requestId"]][1] = int(event.get("encodedDataLength") or 0)

    def reset(self) -> Tally:
        """What was counted so far; counting starts afresh."""
        done = Tally()
        done._seen = self._seen
        self._seen, self._cached = {}, set()
        return done


def available() -> str | None:
    """Why the measurement cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"headless Chromium is not installed at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[dev]')"
    return None


def _open(browser, link: dict | None = None):
    """A fresh phone-sized context (empty cache) with a DevTools session counting the network."""
    context = browser.new_context(**PHONE)
    context.set_default_timeout(600_000)  # minutes, on 2G before the fonts were made small
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if link:
        rate = link["kbit"] * 1000 / 8
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": link["latency"],
                                                      "downloadThroughput": rate, "uploadThroughput": rate})
    return context, page, Tally(cdp)


def _sign_in_to_list(page, base: str, username: str) -> None:
    page.goto(f"{base}/login?next=/claims", wait_until="load")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.click("main form button[type=submit]")
    if "/claims" not in page.url or page.locator("table.data").count() == 0:
        raise RuntimeError(f"signing in as {username} did not reach the claim list: {page.url}")


def visit(browser, base: str, username: str, locale: str) -> tuple[Tally, Tally]:
    """Bytes and requests of the first visit (sign-in page → claim list) and of the next page (a claim)."""
    context, page, tally = _open(browser)
    context.set_extra_http_headers({"Accept-Language": LOCALES[locale]})
    try:
        _sign_in_to_list(page, base, username)
        page.wait_for_load_state("networkidle")
        first = tally.reset()
        with page.expect_navigation(wait_until="load"):
            page.click("table.data tbody a[href^='/claims/']")
        page.wait_for_load_state("networkidle")
        return first, tally.reset()
    finally:
        context.close()


def usable_seconds(browser, base: str, username: str, locale: str, link: dict) -> float:
    """Seconds from opening the sign-in page to the claim list's load event on an emulated link."""
    context, page, _tally = _open(browser, link)
    context.set_extra_http_headers({"Accept-Language": LOCALES[locale]})
    try:
        started = time.perf_counter()
        _sign_in_to_list(page, base, username)
        return time.perf_counter() - started
    finally:
        context.close()


def measure(base: str, username: str, set_language, figure, links: tuple[str, ...] = tuple(LINKS)) -> list:
    """Every figure, per locale. ``set_language(username, locale)`` sets the user's preferred language;
    ``figure(name, app, bound, unit, note)`` makes a row of the report judged against an absolute bound."""
    from playwright.sync_api import sync_playwright

    rows, notes = [], {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for locale in LOCALES:
                set_language(username, locale)
                first, following = visit(browser, base, username, locale)
                notes[locale] = first
                rows.append(figure(f"first visit, sign-in to claim list ({locale}): bytes", first.bytes / 1024,
                                   FIRST_VISIT_KB, "KB", "; ".join(first.urls)))
                rows.append(figure(f"first visit, sign-in to claim list ({locale}): requests", first.requests,
                                   FIRST_VISIT_REQUESTS, "requests", ""))
                rows.append(figure(f"next page, a claim ({locale}): bytes", following.bytes / 1024, NEXT_PAGE_KB,
                                   "KB", "; ".join(following.urls)))
                rows.append(figure(f"next page, a claim ({locale}): requests", following.requests, NEXT_PAGE_REQUESTS,
                                   "requests", ""))
            for name in links:
                link = LINKS[name]
                for locale in LOCALES:
                    set_language(username, locale)
                    seconds = usable_seconds(browser, base, username, locale, link)
                    rows.append(figure(f"claim list usable on {name} ({locale})", seconds,
                                       USABLE_SECONDS if name == "slow 3G" else None, "s",
                                       f"{link['kbit']} kbit/s, {link['latency']} ms latency; from opening the "
                                       "sign-in page to the claim list's load event"))
        finally:
            browser.close()
    return rows
