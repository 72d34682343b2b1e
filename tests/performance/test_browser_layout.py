"""The communities list stacked on a phone (390 px) in Dari: a cell of several parts reads as one text."""

from __future__ import annotations

import pytest

from conflict_service.db import db
from tests.browser import screenshot, sign_in

# Layout on a phone: the same on every database (the pages' SQL runs on PostgreSQL in their package's tests).
pytestmark = [pytest.mark.browser, pytest.mark.committing, pytest.mark.same_on_every_database]

# On how many lines (distinct tops) the payment method's own words lie.
METHOD_LINES = """td => { const range = document.createRange();
  range.selectNodeContents(td.querySelector('bdi').parentElement.firstChild);
  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return tops.size; }"""


def test_the_payment_method_and_payee_read_as_one_text(live_server, phone, perf, world):
    manager = world.ir.manager
    manager.preferred_language = "fa_AF"
    community = perf.community()
    community.account_name = "شورای اسلامی روستای چهل‌میر و قره‌سو"
    db.session.commit()
    sign_in(phone, live_server, manager)
    phone.goto(f"{live_server}/performance/communities")
    screenshot(phone, "performance-communities-fa_AF")
    cell = phone.locator("table.data.stack tbody tr").first.locator("td").nth(4)
    assert community.account_name in cell.inner_text()
    # The method ("حوالهٔ بانکی ·") was a flex item of its own beside the payee's name, squeezed onto two lines.
    assert cell.evaluate(METHOD_LINES) == 1


def test_a_failed_cameras_identifier_reads_inside_its_sentence(live_server, phone, perf, world):
    """An Urdu manager's stacked period page showed «TAN-D03» and its closing bracket as flex items of their own
    beside the sentence «نگرانی ناکام: کیمرے پوری مدت نہیں چلے (», which broke onto two lines: one text now."""
    from performance.enums import PeriodStatus

    manager = world.ir.manager
    manager.preferred_language = "ur"
    period = perf.contract().periods[0]
    period.status = PeriodStatus.APPROVED
    period.breakdown = {"units": "0", "total": "0", "is_fallback": True, "monitoring_failed": True, "lines": [
        {"code": "monitoring_failed", "step": "monitoring", "params": {"deployments": ["TAN-D03"]}, "amount": None}]}
    db.session.commit()
    sign_in(phone, live_server, manager)
    phone.goto(f"{live_server}/performance/periods/{period.id}")
    screenshot(phone, "performance-period-failed-camera-ur")
    cell = phone.locator("table.data.stack tbody tr").first.locator("td").first
    assert "(TAN-D03)" in cell.inner_text().replace("\u2068", "").replace("\u2069", "")
    parts = cell.evaluate("""td => [...td.childNodes].filter(n => n.nodeType === 1 || n.textContent.trim()).length""")
    assert parts == 1  # one flex item beside the label, not three
    # The brackets on the identifier's line: the last line of the text before it, the text after it.
    tops = cell.evaluate("""td => { const bdi = td.querySelector('bdi');
      const top = n => { const range = document.createRange(); range.selectNodeContents(n);
                         return Math.round([...range.getClientRects()].at(-1).top); };
      return [top(bdi.previousSibling), top(bdi), top(bdi.nextSibling)]; }""")
    assert len(set(tops)) == 1, tops
