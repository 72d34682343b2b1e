"""The insurance season-name forms (a new season, the season's names per language) on a phone in Persian: right to
left, as wide as the screen, every word Persian but the test data's names, every digit Persian; a refused form keeps
what was typed."""

from __future__ import annotations

import pytest

from conflict_service.db import db
from tests.browser import ARTIFACTS, screenshot, sign_in
from tests.i18n.leaks import VISIBLE_TEXT_JS, leaks
from tests.notifications.test_browser import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.committing, pytest.mark.slow]


def readable(phone, name: str, heading: str, data: list[str]) -> None:
    """Right to left, as wide as the phone, no Latin word or Western digit but the data's (reading the text removes
    the other languages' elements: the last look at a page)."""
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert no_sideways_scroll(phone), name
    screenshot(phone, f"insurance-{name}-fa")
    phone.locator(f"#{heading}").locator("xpath=..").screenshot(path=str(ARTIFACTS / f"insurance-{name}-fa-panel.png"))
    text = phone.evaluate(VISIBLE_TEXT_JS)
    for typed in data:
        text = text.replace(typed, " ")
    found = leaks(text, "fa")
    assert not found.words and not found.digits, (name, found.sample())


def test_the_season_name_forms_on_a_phone_in_persian(insurance, live_server, phone):
    am = insurance.am
    am.manager.preferred_language = "fa"
    db.session.commit()
    data = [insurance.scheme.name, insurance.season.name, am.country.name]
    sign_in(phone, live_server, am.manager)
    scheme = f"{live_server}/insurance/schemes/{insurance.scheme.id}?lang=fa"
    phone.goto(scheme)
    # A name in another script is isolated: "Country AM" once took the coverage's "۸۰٪" into its left-to-right run.
    assert phone.locator(".page-head p.muted bdi").inner_text() == am.country.name
    form = phone.locator("#new-season-h").locator("xpath=..")
    form.locator("details.names summary").click()
    readable(phone, "season-new", "new-season-h", data)

    phone.goto(scheme)
    form.locator("details.names summary").click()
    form.locator("#f-season-name").fill("مراتع تابستانی ۱۴۰۶")
    form.locator("#f-names-hy").fill("Ամառային արոտներ")
    form.locator("#f-season-starts").fill("۱۴۰۶/۰۱/۰۱")
    form.locator("#f-season-ends").fill("۱۴۰۵/۱۲/۲۹")  # before it starts: refused
    with phone.expect_navigation():
        form.locator("button.primary").click()
    assert form.locator("#f-season-ends").input_value() == "۱۴۰۵/۱۲/۲۹"  # what was typed is kept
    assert form.locator("#f-names-hy").input_value() == "Ամառային արոտներ"
    assert form.locator("#season-ends_on-errors").is_visible()  # said by the field that is wrong
    readable(phone, "season-new-refused", "new-season-h", data)

    rates = f"{live_server}/insurance/seasons/{insurance.season.id}/rates?lang=fa"
    phone.goto(rates)
    assert phone.locator(".page-head p.muted bdi").inner_text() == insurance.scheme.name  # the day of "۱۱ دی" was taken
    names = phone.locator("#season-names-h").locator("xpath=..")
    names.locator("details.names summary").click()
    readable(phone, "season-names", "season-names-h", data)
    phone.goto(rates)
    names.locator("details.names summary").click()
    names.locator("#f-names-fa").fill("فصل ۱۴۰۵")
    with phone.expect_navigation():
        names.locator("button").click()
    assert "فصل ۱۴۰۵" in phone.locator("h1").inner_text()  # the Persian reader's name for the season
    assert phone.locator(".flash-success").count() == 1
    readable(phone, "season-names-saved", "season-names-h", data)
