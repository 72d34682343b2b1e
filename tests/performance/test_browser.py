"""The manager's community and contract pages on a phone (390 px) in Persian: right to left, nothing wider than the
screen, nothing in Latin script but GeoJSON's and GIS's own names — and a contract typed in Persian digits with a
Solar Hijri date is written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conflict_service.db import db
from performance import operations
from performance.models import Contract
from tests.browser import screenshot, sign_in
from tests.i18n.leaks import VISIBLE_TEXT_JS, leaks
from tests.notifications.test_browser import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.committing, pytest.mark.slow]


def readable(phone, name: str, data: list[str]) -> None:
    """Right to left, as wide as the phone, and every word of the page Persian but the test data's English names."""
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert no_sideways_scroll(phone), name
    screenshot(phone, f"performance-{name}-fa")
    text = phone.evaluate(VISIBLE_TEXT_JS)
    for typed in data:
        text = text.replace(typed, " ")
    found = leaks(text, "fa")
    assert not found.words and not found.digits, (name, found.sample())


def test_community_and_contract_forms_on_a_phone_in_persian(live_server, phone, perf, world):
    manager = world.ir.manager
    manager.preferred_language = "fa"
    community = perf.community()
    contract = perf.contract(community)
    operations.propose_change(contract, {"cap": 45_000_000}, world.ir.manager2)
    db.session.commit()
    data = [community.name, community.account_name, community.programme.name, world.ir.country.name,
            world.ir.region.name, world.ir.office.name, *(m.name for m in community.members),
            *(m.village for m in community.members)]
    sign_in(phone, live_server, manager)

    phone.goto(f"{live_server}/performance/communities")
    readable(phone, "communities", data)
    phone.goto(f"{live_server}/performance/communities/new")
    phone.select_option("#f-jurisdiction_id", str(world.ir.office.id))
    with phone.expect_navigation():  # the count is read on the page the click loads, not the one it leaves
        phone.locator("button[name=show_owners]").click()
    assert phone.locator("input[name=member_ids]").count() == 2
    readable(phone, "community-new", data)

    phone.goto(f"{live_server}/performance/contracts/{contract.id}")
    assert phone.locator("#changes").is_visible()
    readable(phone, "contract", data)
    phone.goto(f"{live_server}/performance/contracts/{contract.id}/changes/new")
    readable(phone, "change-new", data)
    assert phone.locator("#f-rate").input_value() == "۱۰۰۰۰۰۰۰"  # the terms in force, in the reader's digits

    phone.goto(f"{live_server}/performance/contracts/new?community_id={community.id}")
    readable(phone, "contract-new", data)
    assert phone.locator("#f-period_count").input_value() == "۴"
    for name, value in (("starts_on", "۱۴۰۵/۰۱/۱۲"), ("period_months", "۶"), ("period_count", "۲"),
                        ("rate", "۵٬۰۰۰٬۰۰۰"), ("fallback_periods", "۲")):
        phone.locator(f"#f-{name}").fill(value)
    for name, value in (("indicator", "no_retaliation"), ("forfeiture", "cancel"), ("fallback", "nothing"),
                        ("distribution", "lump_sum")):
        phone.select_option(f"#f-{name}", value)
    phone.locator("main form button.primary").click()
    phone.wait_for_url(lambda url: "/new" not in url)
    db.session.expire_all()
    written = db.session.scalar(sa.select(Contract).order_by(Contract.id.desc()))
    assert written.id != contract.id and str(written.starts_on) == "2026-04-01" and written.period_months == 6
    assert written.cap is None and written.is_pending


def test_a_settled_period_on_a_phone_in_persian(live_server, phone, perf, world):
    """An approved period with nothing to pay is settled: its page says so in Persian, right to left, as wide as the
    phone, with no payment batch to build."""
    from datetime import date

    from conflict_service.i18n import native_digits
    from payouts.freezes.models import KillCause, RetaliationFreeze
    from performance import periods
    from performance.enums import Distribution, PeriodStatus
    from tests.performance.conftest import tehran

    manager = world.ir.manager
    manager.preferred_language = "fa"
    contract = perf.contract(distribution=Distribution.LUMP_SUM)
    d1 = perf.camera(contract, "D1", tehran(2025, 3, 30), tehran(2025, 7, 3))
    for day in range(1, 6):
        perf.leopard(d1, tehran(2025, 5, day, 22))
    freeze = RetaliationFreeze(programme_id=contract.community.programme_id, cause=KillCause.POISONED,
                               killed_on=date(2025, 6, 10), ends_on=date(2025, 7, 10), lat=37.40, lon=58.90,
                               radius_km=5, recorded_by_id=manager.id)
    db.session.add(freeze)
    period = contract.periods[0]
    periods.approve(period, manager)
    db.session.commit()
    assert period.status == PeriodStatus.SETTLED
    community = contract.community
    data = [community.name, community.account_name, community.programme.name, "D1",
            *(m.name for m in community.members), *(m.village for m in community.members)]
    sign_in(phone, live_server, manager)
    phone.goto(f"{live_server}/performance/periods/{period.id}")
    head = phone.locator(".page-head p")
    assert head.locator("bdi").inner_text() == community.name  # isolated: it took the period's first day into its run
    assert "تسویه‌شده، بدون پرداخت" in head.inner_text()
    record = f"#{native_digits(str(freeze.id), 'fa')})"
    assert record in phone.locator("main").inner_text()  # the killing's record in Persian digits (it was #1)
    readable(phone, "period-settled", data)
