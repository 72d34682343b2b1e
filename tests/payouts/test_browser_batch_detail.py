"""A payment batch's page on a phone in long-label and right-to-left languages: the payments table stays inside its
card, a payment's reference stays on one line, and the interest a late payment carries reads under its amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from claims.enums import TimeOfDay
from conflict_service.db import db
from payouts.models import Payment
from tests.browser import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.committing, pytest.mark.same_on_every_database]


@pytest.mark.parametrize("lang", ["ru", "tg", "fa", "ar", "en"])
def test_a_batchs_payments_fit_a_phone(make, world, payouts, live_server, phone, lang):
    """In Russian the reference, kept whole, beside «Номер платежа» made the row wider than the card; the interest
    line sat beside the amount instead of under it."""
    ir = world.ir
    payouts.rates(ir)
    batch = payouts.batch(ir, [payouts.approved(ir, time_of_day=TimeOfDay.DAY)])
    payment = db.session.scalars(sa.select(Payment).filter_by(batch_id=batch.id)).one()
    payment.interest, payment.interest_days = Decimal("12.50"), 30
    payment.amount = payment.principal + payment.interest
    payment.payee_name = "Гулбаҳор Назаралиева Шарифзода"  # a long name beside its label and payment method
    ir.manager.preferred_language = lang
    db.session.commit()
    sign_in(phone, live_server, ir.manager)
    phone.goto(f"{live_server}/payment-batches/{batch.id}")
    screenshot(phone, f"batch-detail-{lang}-phone")

    card = phone.locator("table.data.stack").locator("xpath=ancestor::section[1]")
    for box in (card, card.locator(".table-scroll")):
        scroll, client = box.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert scroll <= client, f"{lang}: {scroll} px wide in its {client} px card"
    assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    reference = phone.locator("table.data.stack td.ltr").first
    assert reference.inner_text().strip() == payment.reference
    lines = reference.evaluate("""el => { let text = el; while (text.firstChild) text = text.firstChild;
      const r = document.createRange(); r.selectNodeContents(text);
      return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }""")
    assert lines == 1, f"{lang}: the reference broke over {lines} lines"
    right = reference.evaluate("el => el.getBoundingClientRect().right")
    text_right = reference.evaluate("""el => { const r = document.createRange(); r.selectNodeContents(el);
      return r.getBoundingClientRect().right; }""")
    assert text_right <= right + 0.5, f"{lang}: the reference runs {text_right - right} px past its cell"

    # The interest line reads under the amount, not beside it: on the batch's page and on the claim's.
    assert_interest_under_amount(phone.locator("table.data.stack tbody tr").first.locator("td").nth(4), lang)
    phone.goto(f"{live_server}/claims/{payment.claim_id}")
    payments = phone.locator("table.data.stack", has=phone.locator(f"text={payment.reference}"))
    payments.scroll_into_view_if_needed()
    payments.screenshot(path=str(screenshot(phone, f"claim-payments-{lang}-phone").with_name(
        f"claim-payments-{lang}-table.png")))
    assert_interest_under_amount(payments.locator("tbody tr").first.locator("td.num"), lang)
    # Sent, neither paid nor failed yet: the cell says so with a dash rather than a label beside nothing.
    assert payments.locator("tbody tr").first.locator("td").last.inner_text().strip() == "—", lang


def assert_interest_under_amount(cell, lang: str) -> None:
    interest = cell.locator(".muted")
    amount_bottom = cell.evaluate("""el => { const r = document.createRange(); r.selectNodeContents(el.firstChild);
      return r.getBoundingClientRect().bottom; }""")
    assert interest.bounding_box()["y"] >= amount_bottom - 1, lang
