"""A clerk in Mashhad files a claim on a phone in Persian digits and the Solar Hijri calendar; a clerk in Herat
sees the same form in Dari. Headless Chromium at 390 px; the screenshots are looked at, not compared."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from claims.models import Claim
from conflict_service.db import db
from conflict_service.i18n import gregorian, solar_hijri
from conflict_service.timeutil import local_today
from tests.browser import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.committing]


def test_a_claim_in_persian_digits_and_solar_hijri_on_a_phone(make, live_server, phone):
    world = make.world()
    world.ir.clerk.preferred_language = "fa"
    owner = make.owner(world.ir.clerk, world.ir.office, name="فاطمه عباسی", village="چهل‌میر")
    db.session.commit()
    sign_in(phone, live_server, world.ir.clerk)
    phone.goto(f"{live_server}/claims/new?owner_id={owner.id}")
    assert phone.locator("html").get_attribute("lang") == "fa"

    # The loss two days ago, reported yesterday (within the programme's week of backdating, DESIGN §5.3).
    incident_day = local_today(world.ir.office.timezone) - timedelta(days=2)
    date = phone.locator("#f-incident_date")
    date.fill(solar_hijri(incident_day, "fa"))  # e.g. "۱۴ آذر ۱۴۰۴"
    echo = phone.locator("#f-incident_date-echo")
    echo.filter(has_text=gregorian(incident_day, "fa", "long")).wait_for()  # app.js echoes the Gregorian date
    phone.locator("#f-incident_time").fill("۲۲:۴۰")
    phone.locator("#f-time_of_day").select_option("night")
    phone.locator("#f-incident_lat").fill("۳۷٫۴۴")
    phone.locator("#f-incident_lon").fill("۵۹٫۱۱")
    phone.locator("#f-lines-0-species").select_option("sheep")
    phone.locator("#f-lines-0-age_class").select_option("adult")
    phone.locator("#f-lines-0-outcome").select_option("killed")
    phone.locator("#f-lines-0-count").fill("۳")
    phone.locator("#f-reported_date").fill(solar_hijri(incident_day + timedelta(days=1), "fa"))
    phone.locator("#f-reported_time").fill("۹")
    phone.locator("#f-report_channel").select_option("phone")
    assert screenshot(phone, "claim-form-fa-phone").stat().st_size > 10_000
    phone.locator("form.panel button.primary").click()
    phone.wait_for_url(re.compile(r"/claims/\d+$"))
    assert screenshot(phone, "claim-filed-fa-phone").stat().st_size > 10_000

    db.session.expire_all()
    claim = db.session.scalar(sa.select(Claim))
    assert claim.incident_date == incident_day and claim.lines[0].count == 3
    assert (claim.incident_lat, claim.incident_lon) == (37.44, 59.11)
    assert claim.incident_at.isoformat() == f"{incident_day.isoformat()}T19:10:00+00:00"  # 22:40 in Tehran
    assert claim.reported_date == incident_day + timedelta(days=1) and claim.report_channel.value == "phone"


@pytest.mark.parametrize("locale", ["fa_AF", "ps"])
def test_the_forms_read_well_in_dari_and_pashto_on_a_phone(make, live_server, phone, locale):
    world = make.world()
    world.ir.clerk.preferred_language = locale
    owner = make.owner(world.ir.clerk, world.ir.office)
    db.session.commit()
    sign_in(phone, live_server, world.ir.clerk)
    phone.goto(f"{live_server}/claims/new?owner_id={owner.id}")
    phone.locator("#f-incident_date").fill("۱۴۰۵/۱۳/۰۱")
    with phone.expect_navigation():  # refused: there is no 13th month
        phone.locator("form.panel button.primary").click()
    assert phone.locator("#f-incident_date").input_value() == "۱۴۰۵/۱۳/۰۱"  # what was typed is kept
    assert phone.locator("#incident_date-errors").is_visible()
    assert screenshot(phone, f"claim-form-{locale}-phone-error").stat().st_size > 10_000
    phone.goto(f"{live_server}/owners/new")
    assert screenshot(phone, f"owner-form-{locale}-phone").stat().st_size > 10_000


@pytest.mark.parametrize("lang", ["fa", "ru"])
def test_a_proposed_money_rule_change_on_a_phone(make, live_server, phone, lang):
    from decimal import Decimal

    from claims.operations import update_programme

    world = make.world()
    world.ir.manager2.preferred_language = lang
    update_programme(world.ir.programme, {"dual_approval_threshold": Decimal("150000000"),
                                          "advance_pct": Decimal(10)}, world.ir.manager)
    db.session.commit()
    sign_in(phone, live_server, world.ir.manager2)
    phone.goto(f"{live_server}/programmes/{world.ir.programme.id}?lang={lang}#rule-changes")
    section = phone.locator("#rule-changes")
    assert section.locator("form").count() == 2  # confirm, refuse
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    assert screenshot(phone, f"rule-change-{lang}-phone").stat().st_size > 10_000
    with phone.expect_navigation():  # the page being left (/programmes/<id>#rule-changes) matched the pattern
        section.locator("button.primary").click()
    assert phone.locator(".flash-success").count() == 1


def test_the_herd_history_on_a_phone_in_persian(make, live_server, phone):
    """The owner page's herd history and its form, in the Solar Hijri calendar and Persian digits, at 390 px."""
    from datetime import date

    from claims.enums import Species
    from claims.operations import record_herd_count

    world = make.world()
    world.ir.clerk.preferred_language = "fa"
    owner = make.owner(world.ir.clerk, world.ir.office, name="فاطمه عباسی", village="چهل‌میر")
    mistyped = record_herd_count(owner, {"species": Species.SHEEP, "head_count": 1500,
                                         "counted_on": date(2025, 10, 1)}, world.ir.clerk)
    db.session.commit()
    sign_in(phone, live_server, world.ir.clerk)
    phone.goto(f"{live_server}/owners/{owner.id}")
    phone.locator("#f-species").select_option("sheep")
    phone.locator("#f-head_count").fill("۱۵۰")
    phone.locator("#f-counted_on").fill("۱۴۰۴/۰۷/۰۹")
    phone.locator("#f-corrects_id").select_option(str(mistyped.id))
    phone.locator("#f-note").fill("یک صفر اضافه")
    phone.locator("#herd button.primary").click()
    phone.wait_for_url(re.compile(rf"/owners/{owner.id}#herd$"))
    herd = phone.locator("#herd").inner_text()
    assert "۱۵۰" in herd and "۱٬۵۰۰" in herd and "۱۴۰۴" in herd and "یک صفر اضافه" in herd
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
    assert screenshot(phone, "owner-herd-fa-phone").stat().st_size > 10_000


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_the_claim_list_filters_put_the_button_on_its_own_line_on_a_phone(make, live_server, phone, lang):
    world = make.world()
    db.session.commit()
    sign_in(phone, live_server, world.ir.clerk)
    phone.goto(f"{live_server}/claims?lang={lang}")
    form = phone.locator("form.filters")
    button = form.locator("button[type=submit]").bounding_box()
    last_check = form.locator("#carcass_left").locator("xpath=..").bounding_box()
    # Below every other control of the form, not beside the last checkbox.
    assert button["y"] >= last_check["y"] + last_check["height"]
    for other in form.locator(".field, .checks label").all():
        box = other.bounding_box()
        assert box["y"] + box["height"] <= button["y"] + 1, other.inner_text()
    if lang == "fa":  # a typed Solar Hijri date: its example says so and is lighter than anything typed in
        assert phone.locator("#incident_from").get_attribute("placeholder").startswith("مثلاً ۱۴")
        colour = phone.locator("#incident_from").evaluate("e => getComputedStyle(e, '::placeholder').color")
        assert colour == "rgb(140, 149, 159)"
    assert screenshot(phone, f"claim-list-filters-{lang}-phone").stat().st_size > 10_000


@pytest.mark.parametrize("locale", ["fa_AF", "ps"])
def test_a_clerks_controls_are_big_enough_for_a_finger_on_a_phone(make, live_server, phone, locale):
    """The claim form's checkbox rows, its buttons (and the link styled as one), the header's language button and
    sign-out are 44 px tall at 390 px (WCAG 2.5.5): they were 13-39 px, and «وتل» (Sign out) 19 × 22 px in Pashto."""
    world = make.world()
    world.ir.clerk.preferred_language = locale
    owner = make.owner(world.ir.clerk, world.ir.office)
    db.session.commit()
    sign_in(phone, live_server, world.ir.clerk)
    phone.goto(f"{live_server}/claims/new?owner_id={owner.id}")
    boxes = {"corral row": "#f-is_in_corral >> xpath=..", "corral label": "label[for=f-is_in_corral]",
             "add a line": "button[name=add_line]", "language": ".lang-switch button", "sign out": ".link-button",
             "file": "form.panel button.primary", "cancel": "form.panel a.button"}
    heights = {name: phone.locator(css).bounding_box()["height"] for name, css in boxes.items()}
    assert all(h >= 44 for h in heights.values()), heights
    box = phone.locator("#f-is_in_corral").bounding_box()
    assert box["width"] >= 20 and box["height"] >= 20
    assert screenshot(phone, f"claim-form-{locale}-phone-targets").stat().st_size > 10_000


@pytest.mark.parametrize("locale", ["ckb", "ur"])
def test_a_clerks_and_a_verifiers_other_controls_are_big_enough_for_a_finger(make, live_server, phone, locale):
    """At 390 px in Sorani and Urdu: the claim list's 'Only overdue' and 'Carcass left in place' boxes were 13 px in
    25 px rows, the claim page's '1 assignment' disclosure 34 px and its document language list 41 px, the visit
    form's 'The owner's account' disclosure 25 px, the profile's e-mail box 39 px and unstyled, the field records'
    filter 22 px: now 44 px (WCAG 2.5.5)."""
    from verification.operations import assign_verifier

    world = make.world()
    for user in (world.ir.clerk, world.ir.verifier, world.ir.manager):
        user.preferred_language = locale
    claim = make.claim(world.ir)
    assign_verifier(claim, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)
    db.session.commit()
    sign_in(phone, live_server, world.ir.clerk)
    pages = {"/claims": ["label:has(input[name=overdue])", "label:has(input[name=carcass_left])"],
             f"/claims/{claim.id}": ["details.history summary", "select[name=lang]"],
             "/profile": ["input[type=email]"]}
    heights = {}
    for path, selectors in pages.items():
        phone.goto(f"{live_server}{path}")
        heights |= {f"{path} {css}": phone.locator(css).first.bounding_box()["height"] for css in selectors}
    box = phone.locator("input[type=email]").bounding_box()
    assert box["width"] > 300, box  # as wide as the other fields
    phone.goto(f"{live_server}/claims")
    tick = phone.locator("input[name=overdue]").bounding_box()
    assert tick["width"] >= 20 and tick["height"] >= 20, tick
    phone.context.clear_cookies()
    sign_in(phone, live_server, world.ir.verifier)
    phone.goto(f"{live_server}/claims/{claim.id}/visit")
    heights["visit summary"] = phone.locator("main details > summary").first.bounding_box()["height"]
    phone.context.clear_cookies()
    sign_in(phone, live_server, world.ir.manager)
    phone.goto(f"{live_server}/field-submissions")
    heights["field records' filter"] = phone.locator("#f-status").bounding_box()["height"]  # was 22-37 px
    assert all(h >= 44 for h in heights.values()), heights
    assert screenshot(phone, f"visit-form-{locale}-phone-targets").stat().st_size > 10_000


# Where the first and the last digit of a number lie on the screen, from the left (px).
DIGIT_ENDS = """el => { const text = el.firstChild, digits = [...text.textContent.matchAll(/[\\u0660-\\u0669]/g)];
  const x = i => { const range = document.createRange(); range.setStart(text, i); range.setEnd(text, i + 1);
                   return range.getBoundingClientRect().left; };
  return [x(digits[0].index), x(digits.at(-1).index)]; }"""


@pytest.mark.parametrize("locale", ["ckb", "ar"])
def test_a_phone_number_in_arabic_indic_digits_keeps_its_groups_in_order(make, live_server, phone, locale):
    """A Sorani clerk read «+٧٨٩١ ٣٢٨ ٩١٥ ٩٨» for +98 915 328 7891 on the owner's messages page: to the bidi algorithm
    Arabic-Indic digits are Arabic numbers, and the spaces between the groups took the right-to-left side even inside
    the number's left-to-right isolate, so the groups ran backwards (a payment batch's phone numbers too)."""
    world = make.world()
    world.ir.clerk.preferred_language = locale
    owner = make.owner(world.ir.clerk, world.ir.office, phone="+98 915 328 7891")
    db.session.commit()
    sign_in(phone, live_server, world.ir.clerk)
    for path in (f"/owners/{owner.id}", f"/owners/{owner.id}/consent"):
        phone.goto(f"{live_server}{path}")
        number = phone.locator("main bdi[dir=ltr]").filter(has_text="٩١٥").first
        first, last = number.evaluate(DIGIT_ENDS)
        assert first < last, (path, number.inner_text())  # ٩ of ٩٨ on the left, ١ of ٧٨٩١ on the right


@pytest.mark.parametrize("lang", ["hy", "tg"])
def test_long_armenian_and_tajik_words_stay_within_a_phones_screen(make, live_server, phone, lang):
    """«Ստուգման փուլում» beside «Ժամկետանց» made the claim list 389 px wide in a 356 px box (a cell's two badges on
    one flex line); «անասնաապահովագրություն» in a programme's name ran the claim page 15 px past the screen."""
    from verification.operations import assign_verifier

    world = make.world()
    world.am.programme.name = "Սյունիքի համայնքային անասնաապահովագրություն"
    world.am.clerk.preferred_language = lang
    claim = make.claim(world.am)
    assign_verifier(claim, {"verifier_id": world.am.verifier.id}, world.am.clerk)
    claim.verification_due_at = claim.due_at = claim.filed_at  # overdue
    db.session.commit()
    sign_in(phone, live_server, world.am.clerk)
    phone.goto(f"{live_server}/claims")
    status = phone.locator("td", has=phone.locator(".badge.flag-danger"))
    assert status.count() == 1
    box, table = phone.evaluate("""() => { const box = document.querySelector('.table-scroll');
      return [box.clientWidth, box.querySelector('table').scrollWidth]; }""")
    assert table <= box, (table, box)
    phone.goto(f"{live_server}/claims/{claim.id}")
    assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert screenshot(phone, f"claim-long-words-{lang}-phone").stat().st_size > 10_000
