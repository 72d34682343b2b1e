"""The audit log on a phone: every event's cells within the screen, even one naming a long file."""

import pytest

from conflict_service.db import db
from payouts import operations
from tests.browser import screenshot, sign_in
from tests.payouts.test_reconciliation import statement

pytestmark = [pytest.mark.browser, pytest.mark.committing]


@pytest.mark.parametrize("lang", ["fa", "ru"])
def test_a_long_file_name_breaks_inside_its_cell_rather_than_widen_the_log(make, live_server, phone, lang):
    """«melli-statement-2026-04-28-performance.csv», kept whole as an identifier, pushed the stacked table to 388 px
    in a 356 px box: each event's time, user and hash were cut off at the line's start."""
    world = make.world()
    name = "melli-statement-2026-04-28-performance-payments.csv"
    operations.reconcile(name, statement(("NO-SUCH-REF", "1000", "2026-01-01", "")), world.ir.manager)
    world.ir.auditor.preferred_language = lang
    db.session.commit()
    sign_in(phone, live_server, world.ir.auditor)
    phone.goto(f"{live_server}/audit")
    cell = phone.locator("td", has_text=name)
    assert cell.count() == 1
    box, table = phone.evaluate("""() => { const box = document.querySelector('.table-scroll');
      return [box.clientWidth, box.querySelector('table').scrollWidth]; }""")
    assert table <= box, (table, box)
    assert cell.locator("bdi[lang=zxx]").evaluate("b => b.getBoundingClientRect().width") <= box
    reasons = phone.locator("td:has(> .cell:empty)")  # no reason given: no empty "Reason" line on a phone
    assert reasons.count() > 0 and all(not r.is_visible() for r in reasons.all())
    assert screenshot(phone, f"audit-log-long-file-{lang}-phone").stat().st_size > 10_000
