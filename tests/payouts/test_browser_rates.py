"""The two versioned rate tables share one page machinery: a manager in Mashhad reads and records payout rates in
Persian, a manager in Yerevan the premium rates of a season in Armenian, on a phone (390 px). The screenshots are
looked at, not compared."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from claims.enums import ProgrammeKind, Species
from conflict_service.db import db
from insurance import operations as insurance_ops
from payouts.models import RateTable
from tests.browser import screenshot, sign_in
from tests.payouts.conftest import set_rates

pytestmark = [pytest.mark.browser, pytest.mark.committing]


def test_payout_rates_in_persian_on_a_phone(make, live_server, phone):
    world = make.world()
    manager, programme = world.ir.manager, world.ir.programme
    manager.preferred_language = "fa"
    set_rates(programme, {("sheep", "adult"): "45000000"})
    db.session.commit()
    sign_in(phone, live_server, manager)
    phone.goto(f"{live_server}/programmes/{programme.id}/rates")
    assert phone.locator("html").get_attribute("lang") == "fa"
    assert phone.locator("#in-force + table tbody tr").count() == 1
    phone.locator("#f-rates-0-species").select_option("goat")
    phone.locator("#f-rates-0-age_class").select_option("adult")
    phone.locator("#f-rates-0-amount").fill("۳۰۰۰۰۰۰۰")
    phone.locator("#f-rates-0-valid_from").fill("۱۴۰۴/۰۱/۰۱")
    assert screenshot(phone, "rates-fa-phone").stat().st_size > 10_000
    with phone.expect_navigation():  # the form is on the rates page itself: its address matched /rates$ already
        phone.locator("section[aria-labelledby=new-version] button.primary").click()
    assert re.search(r"/rates$", phone.url), phone.url
    assert phone.locator("#versions ~ details").count() == 2
    db.session.expire_all()
    newest = db.session.scalars(sa.select(RateTable).order_by(RateTable.version.desc())).first()
    assert (newest.version, newest.source, newest.entries[0].amount) == (2, "web", Decimal("30000000"))


def test_premium_rates_in_armenian_on_a_phone(make, live_server, phone):
    world = make.world()
    manager = world.am.manager
    manager.preferred_language = "hy"
    scheme = make.programme(world.am.country, kind=ProgrammeKind.INSURANCE, currency="AMD", language="hy",
                            name="Syunik scheme")
    season = insurance_ops.create_season(scheme, {"name": "2026", "starts_on": date(2026, 1, 1),
                                                  "ends_on": date(2026, 12, 31)}, manager)
    insurance_ops.record_premium_rates(season, {"entries": [
        {"species": Species.SHEEP, "amount": Decimal("2000"), "valid_from": date(2026, 1, 1)}]}, manager)
    db.session.commit()
    sign_in(phone, live_server, manager)
    phone.goto(f"{live_server}/insurance/seasons/{season.id}/rates")
    assert phone.locator("html").get_attribute("lang") == "hy"
    assert phone.locator("#versions ~ details").count() == 1
    phone.locator("#f-rates-0-species").select_option("goat")
    phone.locator("#f-rates-0-amount").fill("1500.555")  # more decimals than the dram has: refused
    phone.locator("#f-rates-0-valid_from").fill("2026-03-01")
    phone.locator("section[aria-labelledby=new-version] button.primary").click()
    phone.locator(".flash-error").wait_for()
    assert phone.locator("#f-rates-0-amount").input_value() == "1500.555"  # what was typed is kept
    assert phone.locator("#versions ~ details").count() == 1  # nothing recorded
    assert screenshot(phone, "premium-rates-hy-phone").stat().st_size > 10_000
