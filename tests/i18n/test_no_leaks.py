"""Everything in the reader's script (DESIGN §14, issue 20 "Done when"): each role, in fa, ps, ar, ckb and ur, opens
every page of the URL map it may open on the access test's world (the demo data, one user per role) in headless
Chromium, and reads no Latin-script word outside a short allow-list (claim numbers, currency codes, units) and no
digit outside the locale's CLDR numbering system; the same for the case file, the receipt and the public status
page of a claim that went the whole way (PDF text from pdftotext). The same walk, in those five languages and in the
three with the longest words, finds no page wider than a 390 px phone's screen.
"""

from __future__ import annotations

import os
from collections import defaultdict

import pytest
import sqlalchemy as sa

from claims.models import Claim
from claims.states import ClaimState
from conflict_service.auth.models import User
from conflict_service.db import db
from tests.browser import PHONE, SIDEWAYS_JS
from tests.casefiles.pdftools import pdf_text
from tests.hardening.test_access import ROLES, build_world
from tests.hardening.test_accessibility import html_pages, load, page_paths, sign_in
from tests.helpers import PASSWORD, csrf_token
from tests.i18n.leaks import CHECKED_LOCALES, VISIBLE_TEXT_JS, Leaks, html_text, leaks

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.committing]

# The API reference is written for programmers, in English, like the API's own field names.
NOT_FOR_READERS = {"/api/v1/docs"}
# The documents and the status page are read in all five locales always (a minute); LEAK_LOCALES narrows the page walk.
LOCALES = tuple(os.environ.get("LEAK_DOCUMENT_LOCALES", ",".join(CHECKED_LOCALES)).split(","))
# The page walk visits every page of every role in all five locales, in two groups that xdist runs side by side; the
# pages are the same on every database (test_access.py opens each of them on PostgreSQL), so it runs on SQLite only.
# LEAK_LOCALES=fa,ur picks locales.
# Issue 20 asks for no leaking page, and none leaks (2026-12-06: 0 of 159 Persian page loads, 0 of 636 in ps, ar,
# ckb and ur; 41 Persian ones before the last mends): any Latin word or foreign digit fails the walk.
if os.environ.get("LEAK_LOCALES"):
    PAGE_LOCALE_GROUPS = [tuple(os.environ["LEAK_LOCALES"].split(","))]
else:
    PAGE_LOCALE_GROUPS = [("fa", "ps"), ("ar", "ckb", "ur")]


def report(found: dict[str, Leaks], loads: int) -> str:
    total = Leaks()
    for one in found.values():
        total += one
    lines = [f"{len(found)} of {loads} page loads leak ({sum(total.words.values())} Latin words, "
             f"{sum(total.digits.values())} digit runs); most common {total.sample(30)}"]
    lines += [f"{where}: {one.sample()}" for where, one in sorted(found.items())]
    return "\n".join(lines)


def walk(app, live_server, chromium, locales, look) -> int:
    """Open every page each role may open, in each of ``locales``, on a 390 px phone; ``look(page, where, locale)``
    after each load. The number of page loads."""
    world, _secrets = build_world(app)
    loads = 0
    with app.app_context():
        paths = {role: [p for p in page_paths(app, world, role) if p not in NOT_FOR_READERS] for role in ROLES}
        for locale in locales:
            for role in ROLES:
                context = chromium.new_context(**PHONE, extra_http_headers={"Accept-Language": locale})
                page = context.new_page()
                sign_in(page, live_server, role, locale)
                if locale == locales[0]:  # leaves out downloads (documents are read below) and empty pages
                    paths[role] = html_pages(context, live_server, paths[role])
                for path in paths[role]:
                    load(page, live_server + path)
                    loads += 1
                    look(page, f"{locale} {role} {path}", locale)
                context.close()
    assert loads > 100 * len(locales), f"only {loads} pages were read"
    return loads


def sideways_report(sideways: dict[str, int], loads: int) -> str:
    return f"{len(sideways)} of {loads} page loads run past a 390 px screen (by px): {sideways}"


@pytest.mark.same_on_every_database
@pytest.mark.parametrize("page_locales", PAGE_LOCALE_GROUPS, ids="-".join)
def test_every_page_is_in_the_readers_script(app, live_server, chromium, page_locales):
    """... and, read on a 390 px phone as it is, no page is wider than the screen (the same page loads)."""
    found: dict[str, Leaks] = {}
    sideways: dict[str, int] = {}

    def look(page, where: str, locale: str):
        if (wider := page.evaluate(SIDEWAYS_JS)) > 1:  # first: reading the text takes parts of the page away
            sideways[where] = wider
        if seen := leaks(page.evaluate(VISIBLE_TEXT_JS), locale):
            found[where] = seen

    loads = walk(app, live_server, chromium, page_locales, look)
    assert not found, report(found, loads)
    assert not sideways, sideways_report(sideways, loads)


@pytest.mark.same_on_every_database
def test_no_page_runs_past_a_phone_screen_in_the_longest_words(app, live_server, chromium):
    """Armenian, Georgian and Tajik have the longest words of the sixteen languages («Բանկային փոխանցման համար»,
    «საიდენტიფიკაციო», «маълумотнома»): a label or a heading too long for a 390 px line must wrap, not push the page
    sideways (session 13 found and mended such pages by hand; this walk keeps them so)."""
    sideways: dict[str, int] = {}

    def look(page, where: str, _locale: str):
        if (wider := page.evaluate(SIDEWAYS_JS)) > 1:
            sideways[where] = wider

    loads = walk(app, live_server, chromium, ("hy", "ka", "tg"), look)
    assert not sideways, sideways_report(sideways, loads)


def _finished_claim() -> Claim:
    """An Iranian demo claim that went the whole way (paid), else the furthest one."""
    order = [ClaimState.PAID, ClaimState.IN_PAYMENT, ClaimState.APPROVED, ClaimState.VERIFIED]
    for state in order:
        claim = db.session.scalar(sa.select(Claim).where(Claim.status == state, Claim.number.like("IR-%"))
                                  .order_by(Claim.id))
        if claim is not None:
            return claim
    raise AssertionError("the demo data has no Iranian claim past verification")


def test_documents_and_status_page_are_in_the_readers_script(app):
    world, _secrets = build_world(app)
    found: dict[str, Leaks] = {}
    with app.app_context():
        claim = _finished_claim()
        number, pin, claim_id = claim.number, claim.pin, claim.id
        for locale in LOCALES:
            client = app.test_client()
            token = csrf_token(client, "/login")
            client.post("/login", data={"username": "acc_clerk_ir", "password": PASSWORD, "csrf_token": token})
            for kind in ("casefile", "receipt"):
                r = client.get(f"/claims/{claim_id}/{kind}.pdf?lang={locale}")
                assert r.status_code == 200 and r.mimetype == "application/pdf", (kind, r.status_code)
                if dump := os.environ.get("LEAK_DUMP"):
                    with open(f"{dump}/{locale}-{kind}.txt", "w") as f:
                        f.write(pdf_text(r.data))
                if seen := leaks(pdf_text(r.data), locale):
                    found[f"{locale} {kind}.pdf"] = seen
            visitor = app.test_client()
            token = csrf_token(visitor, f"/status/{number}?lang={locale}")
            r = visitor.post(f"/status/{number}?lang={locale}", data={"csrf_token": token, "pin": pin})
            assert r.status_code == 200, r.status_code
            if seen := leaks(html_text(r.get_data(as_text=True)), locale):
                found[f"{locale} status page"] = seen
    assert not found, report(found, 3 * len(LOCALES))


def scan_with_client(app, world, locales) -> tuple[dict[str, Leaks], int]:
    """The page walk without a browser (server HTML, roughly innerText): for counting while fixing."""
    found: dict[str, Leaks] = {}
    loads = 0
    by_role = defaultdict(list)
    with app.app_context():
        for role in ROLES:
            by_role[role] = page_paths(app, world, role)
        for locale in locales:
            for role in ROLES:
                client = app.test_client()
                if role != "anonymous":
                    username = f"acc_{role}_ir"
                    db.session.execute(sa.update(User).where(User.username == username)
                                       .values(preferred_language=locale))
                    db.session.commit()
                    token = csrf_token(client, "/login")
                    r = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
                    assert r.status_code == 302, (username, r.status_code)
                for path in by_role[role]:
                    if path in NOT_FOR_READERS:
                        continue
                    sep = "&" if "?" in path else "?"
                    r = client.get(f"{path}{sep}lang={locale}" if role == "anonymous" else path)
                    if r.status_code != 200 or r.mimetype != "text/html":
                        continue
                    loads += 1
                    text = html_text(r.get_data(as_text=True))
                    if dump := os.environ.get("LEAK_DUMP"):
                        name = path.strip("/").replace("/", "_").replace("?", "_")
                        with open(f"{dump}/{locale}-{role}-{name}.txt", "w") as f:
                            f.write(text)
                    if seen := leaks(text, locale):
                        found[f"{locale} {role} {path}"] = seen
    return found, loads
