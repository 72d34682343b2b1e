"""What a phone on a slow link gets, in headless Chromium at 390 px: caching headers, compression, fonts only for
the scripts a page shows (and drawn by them: Persian with ZWNJ, Kazakh and Tajik Cyrillic, Turkmen and Azerbaijani
Latin), and Enter in a field of the claim form saving the claim rather than adding a loss line."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from claims.models import Claim
from conflict_service.auth.models import User
from conflict_service.db import db
from tests.browser import screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.committing]

NAMES = {"fa": "علی‌رضا محمدی‌نژاد", "kk": "Әлихан Қасымұлы", "tg": "Ҷамшед Ғафуров", "tk": "Ňazar Ýagmyrow",
         "az": "Əli Şükürov"}


def sign_in(page, base: str, user: User, locale: str) -> list[str]:
    """Sign in with an empty cache, the user's language set to ``locale``; the URLs the browser fetched."""
    db.session.execute(sa.update(User).where(User.id == user.id).values(preferred_language=locale))
    db.session.commit()
    page.context.set_extra_http_headers({"Accept-Language": locale})  # the sign-in page speaks it too
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"{base}/login?next=/claims")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    return fetched


def fonts(urls: list[str]) -> set[str]:
    return {m.group(1) for url in urls if (m := re.search(r"/fonts/web/([a-z]+-\d+)\.woff2", url))}


@pytest.fixture
def filed(make):
    world = make.world()
    for name in NAMES.values():
        make.claim(world.ir, owner=make.owner(world.ir.clerk, world.ir.office, name=name))
    db.session.commit()
    return world


@pytest.mark.same_on_every_database  # headers, static files and fonts: no database in them
def test_static_files_are_kept_for_a_year_and_pages_revalidate(live_server, phone, filed):
    responses = []
    phone.on("response", lambda response: responses.append(response))
    phone.goto(f"{live_server}/login")
    css = next(r for r in responses if "/static/css/app.css" in r.url)
    assert re.search(r"\?v=[0-9a-f]{16}$", css.url)
    assert css.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert css.headers["content-encoding"] == "br"
    font = next(r for r in responses if r.url.endswith(".woff2") or ".woff2?" in r.url)
    assert "immutable" in font.headers["cache-control"] and "content-encoding" not in font.headers
    page = responses[0]
    assert page.headers["cache-control"] == "private, no-cache" and page.headers["content-encoding"] == "br"
    again = phone.context.request.get(f"{live_server}/login", headers={"If-None-Match": page.headers["etag"]})
    assert again.status == 304  # the CSRF token differs in every answer; the page is the same
    stale = phone.context.request.get(css.url.split("?")[0] + "?v=0000000000000000")
    assert stale.headers["cache-control"] == "no-cache"  # an old URL is revalidated, never kept for a year

    sign_in(phone, live_server, filed.ir.clerk, "en")
    answer = phone.context.request.get(f"{live_server}/claims")
    assert answer.headers["cache-control"] == "no-store"  # personal data: not on the disk, not behind Back
    kept = phone.context.request.get(css.url)  # signed in now: the session cookie changes with every page
    assert "cookie" not in kept.headers.get("vary", "").lower() and "set-cookie" not in kept.headers


@pytest.mark.same_on_every_database  # headers, static files and fonts: no database in them
def test_a_latin_page_fetches_no_other_script_and_a_persian_page_no_latin_bold(live_server, chromium, make):
    from tests.browser import PHONE

    world = make.world()
    make.claim(world.ir)  # owner and village in Latin letters; the claim number is Latin on every page
    db.session.commit()
    for locale, wanted, unwanted in (
            ("en", {"latin-400", "latin-700"}, {"arabic-400", "arabic-700", "armenian-400", "georgian-400",
                                                "nastaliq-400", "cyrillic-400"}),
            ("fa", {"arabic-400", "arabic-700"}, {"latin-700", "armenian-400", "georgian-400", "nastaliq-400"})):
        context = chromium.new_context(**PHONE)
        page = context.new_page()
        got = fonts(sign_in(page, live_server, world.ir.clerk, locale))
        if locale == "fa":  # bold text on these pages is all Persian: no Latin bold is drawn, so none is fetched
            bold_latin = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(el =>
                getComputedStyle(el).fontWeight >= 600 && el.checkVisibility() && [...el.childNodes].some(n =>
                n.nodeType === 3 && /[A-Za-z]/.test(n.textContent))).map(el => el.outerHTML.slice(0, 200))""")
            assert bold_latin == []
        assert wanted <= got and not got & unwanted, (locale, got)
        context.close()


@pytest.mark.same_on_every_database  # headers, static files and fonts: no database in them
@pytest.mark.parametrize("locale", ["en", "fa"])
def test_every_script_is_drawn_by_the_service_fonts(live_server, chromium, filed, locale):
    from tests.browser import PHONE

    context = chromium.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, filed.ir.clerk, locale)
    page.goto(f"{live_server}/owners")
    page.wait_for_load_state("networkidle")
    for name in NAMES.values():
        assert page.get_by_text(name, exact=True).first.is_visible(), name
    cdp = context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    drawn = {}
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "table.data tbody td bdi"})["nodeIds"]:
        text = re.sub(r"<[^>]+>", "", cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"])
        drawn[text] = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    for name in NAMES.values():  # drawn by the service's web fonts only, none by a font of the system
        assert drawn.get(name) and all(f["isCustomFont"] for f in drawn[name]), (name, drawn.get(name))
    screenshot(page, f"owners-scripts-{locale}")
    context.close()


def test_enter_in_a_field_of_the_claim_form_files_the_claim(live_server, phone, filed):
    owner_id = db.session.scalar(sa.select(Claim.owner_id).limit(1))
    sign_in(phone, live_server, filed.ir.clerk, "en")
    phone.goto(f"{live_server}/claims/new?owner_id={owner_id}")
    phone.get_by_label("Date").fill("2026-01-05")
    phone.get_by_label(re.compile("^Day or night")).select_option("night")
    phone.locator("#f-lines-0-species").select_option("sheep")
    phone.locator("#f-lines-0-age_class").select_option("adult")
    phone.locator("#f-lines-0-outcome").select_option("killed")
    phone.locator("#f-lines-0-count").fill("3")
    phone.get_by_label(re.compile("^Village or place")).fill("Chehelmir")
    before = db.session.scalar(sa.select(sa.func.count(Claim.id)))
    with phone.expect_navigation():
        phone.get_by_label(re.compile("^Village or place")).press("Enter")
    assert re.search(r"/claims/\d+$", phone.url), phone.url  # filed, not the form again with one more line
    db.session.rollback()  # end the test's read transaction: see what the server committed
    assert db.session.scalar(sa.select(sa.func.count(Claim.id))) == before + 1
