"""The insurance funds' health on the dashboard (oversight/funds.py): loss ratio per season with amber and red
thresholds, the reserve in months of average payouts, premiums due against collected."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from conflict_service.db import db
from oversight import funds
from tests.helpers import login


@pytest.fixture
def am(insurance):
    return insurance.am


def _season_with_a_big_loss(insurance):
    policy = insurance.enrol(lines={"sheep": 10})  # 20,000 due
    insurance.pay(policy, "15000")  # 75 % collected
    insurance.contribute("100000")
    insurance.pay_claim(insurance.approve(insurance.verified(policy.owner)))  # 48,000 paid out
    db.session.commit()


def test_levels(insurance):
    _season_with_a_big_loss(insurance)
    h = funds.health(insurance.scheme)
    season = h.seasons[0]
    assert (season.premiums_due, season.premiums_collected, season.payouts) == (20000, 15000, 48000)
    assert season.loss_ratio == Decimal("320.0") and season.loss_level == funds.Level.RED
    assert season.collected_pct == Decimal("75.0") and season.collection_level == funds.Level.AMBER
    assert h.held == 67000 and h.monthly_payouts == 4000
    assert h.reserve_months == Decimal("16.8") and h.reserve_level == funds.Level.OK
    assert h.level == funds.Level.RED


def test_thresholds_are_edges():
    assert funds._above(Decimal(70), funds.LOSS_RATIO_AMBER, funds.LOSS_RATIO_RED) == funds.Level.OK
    assert funds._above(Decimal("70.1"), funds.LOSS_RATIO_AMBER, funds.LOSS_RATIO_RED) == funds.Level.AMBER
    assert funds._above(Decimal("100.1"), funds.LOSS_RATIO_AMBER, funds.LOSS_RATIO_RED) == funds.Level.RED
    assert funds._below(Decimal("2.9"), funds.RESERVE_MONTHS_AMBER, funds.RESERVE_MONTHS_RED) == funds.Level.RED
    assert funds._below(None, funds.RESERVE_MONTHS_AMBER, funds.RESERVE_MONTHS_RED) == funds.Level.OK


def test_dashboard_panel_says_at_risk_in_words(client, insurance, am):
    _season_with_a_big_loss(insurance)
    login(client, am.manager)
    html = client.get("/dashboard?lang=en").get_data(as_text=True)
    panel = html.split('id="funds-h"')[1].split("</section>")[0]
    assert '<span class="level-badge red">At risk</span>' in panel
    assert "320%" in panel and "At risk" in panel and "Watch" in panel  # loss ratio red, collection amber
    assert "16.8 months" in panel and "320% · At risk" in panel
    html = client.get("/dashboard?lang=ru").get_data(as_text=True)
    assert "Под угрозой" in html.split('id="funds-h"')[1]


@pytest.mark.parametrize(("lang", "ratio", "collected", "threshold"), [
    ("fa", "۳۲۰٪", "۷۵٪", "بالای ۷۰٪ زیر نظر"),
    ("tr", "%320", "%75", "%70 üstü izlenmeli"),
])
def test_dashboard_panel_writes_percentages_as_the_reader_does(client, insurance, am, lang, ratio, collected,
                                                               threshold):
    """The loss ratio, the share collected and the thresholds' sentence carry the locale's percentage (its sign, side
    and digits), never a second sign or a percent word of the translation's own."""
    _season_with_a_big_loss(insurance)
    login(client, am.manager)
    html = client.get(f"/dashboard?lang={lang}").get_data(as_text=True)
    panel = html.split('id="funds-h"')[1].split("</section>")[0]
    assert ratio in panel and f"({collected}" in panel and threshold in panel
    assert not re.search(r"[%٪]\s*[%٪]|درصد", panel), re.search(r".{20}[%٪]\s*[%٪].{20}", panel)


@pytest.mark.browser
@pytest.mark.committing
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["hy", "fa", "en"])
def test_the_funds_health_fits_a_phone(insurance, am, live_server, phone, lang):
    """Armenian labels are long: the season's row stacks, label and amount may take two lines, never widen the page.
    A figure keeps its level with it ("320% · at risk" whole, beside its label or under it), and a label starts at
    the line's start (the loss ratio's label once wrapped on the right, its level split over two lines)."""
    from tests.browser import ARTIFACTS, screenshot, sign_in

    _season_with_a_big_loss(insurance)
    am.manager.preferred_language = lang
    db.session.commit()
    sign_in(phone, live_server, am.manager)
    phone.goto(f"{live_server}/dashboard?lang={lang}")
    panel = phone.locator("#funds-h").locator("xpath=..")
    assert panel.locator("table.fund-health td.amount").count() == 4
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # The table itself fits: its cells once overflowed it (698 px of content in a 360 px table, out of sight).
    assert phone.evaluate("Math.max(...[...document.querySelectorAll('table.fund-health')]"
                          ".map(t => Math.max(t.scrollWidth, t.getBoundingClientRect().right)))") <= 390
    levels = panel.locator("table.fund-health td .level")
    assert levels.count() == 2  # collected (amber) and the loss ratio (red)
    lines = levels.evaluate_all("spans => spans.map(s => { const r = document.createRange(); r.selectNodeContents(s);"
                                " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; })")
    assert lines == [1, 1], lines  # the lines each figure with its level takes
    aligned = panel.locator("table.fund-health td").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').textAlign)")
    assert set(aligned) <= {"start", "left"} if lang != "fa" else set(aligned) <= {"start", "right"}, aligned
    screenshot(phone, f"fund-health-{lang}-phone")
    panel.screenshot(path=str(ARTIFACTS / f"fund-health-{lang}-panel.png"))
