"""Payouts on a phone in Dari: a batch's stacked rows keep their label on the reading side and badges stay pills;
the approve and reject forms read as two forms."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from claims.enums import TimeOfDay
from conflict_service.db import db
from conflict_service.timeutil import utcnow
from payouts import operations
from payouts.models import Payment
from tests.browser import screenshot, sign_in

# Layout on a phone: the same on every database (the pages' SQL runs on PostgreSQL in their package's tests).
pytestmark = [pytest.mark.browser, pytest.mark.committing, pytest.mark.same_on_every_database]

# Where a stacked cell's own text sits, from the cell's left and right edges (px).
TEXT_SIDES = """el => { const range = document.createRange(); range.selectNodeContents(el.firstChild);
  const text = range.getBoundingClientRect(), cell = el.getBoundingClientRect();
  return [text.left - cell.left, cell.right - text.right]; }"""


def test_a_confirmed_batch_on_a_phone_in_dari(make, world, payouts, live_server, phone):
    ir = world.ir
    payouts.rates(ir)
    claim = payouts.approved(ir, time_of_day=TimeOfDay.DAY)
    batch = payouts.batch(ir, [claim])
    payment = db.session.scalars(sa.select(Payment).filter_by(batch_id=batch.id)).one()
    operations.confirm_payment(payment, {"reference": "TRX46842332", "paid_at": utcnow()}, ir.manager)
    ir.manager.preferred_language = "fa_AF"
    db.session.commit()
    sign_in(phone, live_server, ir.manager)
    phone.goto(f"{live_server}/payment-batches/{batch.id}")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    screenshot(phone, "batch-fa_AF-phone")
    assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    # The reference and the account are left-to-right text, but their rows read right to left like the others:
    # the label on the right, the value on the left (they were mirrored, the label on the left).
    for cell in phone.locator("table.data.stack td.ltr").all():
        from_left, from_right = cell.evaluate(TEXT_SIDES)
        assert from_left < from_right, cell.inner_text()
    # The status badge stays one line high beside the date and bank reference (it was stretched into a tall oval).
    badge = phone.locator("table.data.stack .badge.payment-confirmed")
    height = badge.evaluate("el => el.getBoundingClientRect().height")
    line = badge.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert height < 2.2 * line, (height, line)


def test_the_approve_and_reject_forms_read_apart_on_a_phone(make, world, payouts, live_server, phone):
    ir = world.ir
    payouts.rates(ir)
    claim = payouts.verified(ir, time_of_day=TimeOfDay.DAY)
    ir.manager.preferred_language = "fa_AF"
    db.session.commit()
    sign_in(phone, live_server, ir.manager)
    phone.goto(f"{live_server}/claims/{claim.id}")
    screenshot(phone, "claim-decision-fa_AF-phone")
    approve, reject = phone.locator(".decision-forms > form").all()
    # One column on the phone: the rejection's reason came straight under the approve button, labelled "Reason".
    assert approve.bounding_box()["y"] < reject.bounding_box()["y"]
    with force_locale("fa_AF"):
        assert phone.locator("label[for=reason_code]").inner_text() == gettext("Reason for rejection")
    for form in (approve, reject):
        assert form.evaluate("el => parseFloat(getComputedStyle(el).borderTopWidth)") > 0


def test_a_payments_reference_reads_whole_in_its_confirm_line_in_sorani(make, world, payouts, live_server, phone):
    """«پشتڕاستکردنەوە یان سەرنەکەوتووکردنی IR-DRG-2026-000077-F1» broke after «IR-» on a Sorani manager's phone,
    «DRG-2026-000077-F1» on the next line and the halves swapped; the bulletin's checkbox was 13 px."""
    ir = world.ir
    payouts.rates(ir)
    batch = payouts.batch(ir, [payouts.approved(ir, time_of_day=TimeOfDay.DAY)])
    payment = db.session.scalars(sa.select(Payment).filter_by(batch_id=batch.id)).one()
    ir.manager.preferred_language = "ckb"
    db.session.commit()
    sign_in(phone, live_server, ir.manager)
    phone.goto(f"{live_server}/payment-batches/{batch.id}")
    reference = phone.locator("details summary bdi").first
    assert reference.inner_text() == payment.reference
    assert reference.evaluate("el => el.getClientRects().length") == 1
    screenshot(phone, "batch-ckb-phone")
    phone.goto(f"{live_server}/reports/bulletin")
    box = phone.locator("input[name=bilingual]").bounding_box()
    row = phone.locator("label[for=bilingual]").bounding_box()
    assert box["width"] >= 20 and row["height"] >= 44, (box, row)


@pytest.mark.parametrize("lang", ["tg", "ru", "fa", "ar"])
def test_the_batch_list_fits_a_phone(make, world, payouts, live_server, phone, lang):
    """The Tajik list was 385 px wide in its 374 px card: the status «Тасдиқшуда, пардохтҳо фиристода шуданд», one
    unbreakable pill, beside its label. A status too long to sit beside its label goes under it."""
    ir = world.ir
    payouts.rates(ir)
    payouts.batch(ir, [payouts.approved(ir, time_of_day=TimeOfDay.DAY)])
    ir.manager.preferred_language = lang
    db.session.commit()
    sign_in(phone, live_server, ir.manager)
    phone.goto(f"{live_server}/payment-batches")
    screenshot(phone, f"batch-list-{lang}-phone")
    scroll, client = phone.locator(".table-scroll").evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert scroll <= client, f"the list is {scroll} px wide in its {client} px card"
    assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    badge = phone.locator("table.data.stack .badge").first
    height = badge.evaluate("el => el.getBoundingClientRect().height")
    line = badge.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert height < 2.2 * line, (lang, height, line)  # still one line: a pill, not an oval
