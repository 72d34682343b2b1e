"""Performance payments in public: the transparency page and its API, and the annual bulletin, count them per region
and year apart from compensation — confirmed payments of periods only.

Hand-worked: each period is the lump-sum quarter of tests/performance/test_payments.py, 19,800,000 IRR paid on
1 May 2026 (11 Ordibehesht 1405). One community of two households paid: the amount is withheld on the public page
(fewer than 3 households); a second community of one household makes three, and the sum 39,600,000 is shown.
"""

import sqlalchemy as sa

from conflict_service.db import db
from conflict_service.timeutil import local_today
from oversight import bulletin, transparency
from payouts import operations
from payouts.enums import BatchStatus, PaymentStatus
from payouts.models import Payment
from performance import payments, periods
from performance.enums import Distribution
from tests.casefiles.pdftools import pdf_pages, pdf_text
from tests.helpers import bearer
from tests.performance.conftest import tehran
from tests.performance.test_payments import paid, payouts  # noqa: F401 - fixtures

PERIOD = 19_800_000


def pay_another_community(perf, world):
    """A one-household community's lump-sum quarter, approved, paid and confirmed like the ``paid`` fixture's."""
    ir = world.ir
    contract = perf.contract(perf.community(herds=(50,)), distribution=Distribution.LUMP_SUM)
    d1 = perf.camera(contract, "D1", tehran(2025, 3, 30), tehran(2025, 7, 3))
    perf.camera(contract, "D2", tehran(2025, 3, 30), tehran(2025, 7, 3))
    for day in range(1, 13):
        perf.leopard(d1, tehran(2025, 5, day, 22))
    batch = payments.pay(periods.approve(contract.periods[0], ir.manager), {}, ir.manager)
    if batch.status == BatchStatus.AWAITING_APPROVAL:
        operations.approve_batch(batch, ir.manager2)
    for payment in db.session.scalars(sa.select(Payment).where(Payment.status == PaymentStatus.SENT)).all():
        operations.confirm_payment(payment, {"reference": "BANK-2", "paid_on": local_today("Asia/Tehran")},
                                   ir.manager)
    db.session.commit()


def test_transparency_counts_performance_payments_per_region_and_year_apart(client, perf, world, paid):  # noqa: F811
    ir = world.ir
    withheld = client.get("/api/v1/public/transparency").get_json()
    assert withheld["performance"] == [{"region": ir.region.code, "region_name": ir.region.name, "year": "2026",
                                        "paid": [{"currency": "IRR", "communities": 1, "periods": 1, "amount": None}],
                                        "suppressed": ["paid"]}]
    # The claim's payment is in the compensation rows, the period's is not (one claim: its amount is withheld).
    assert [p["claims"] for r in withheld["rows"] for p in r["paid"]] == [None]

    pay_another_community(perf, world)
    shown = client.get("/api/v1/public/transparency").get_json()["performance"]
    assert shown[0]["paid"] == [{"currency": "IRR", "communities": 2, "periods": 2, "amount": str(2 * PERIOD)}]
    assert shown[0]["suppressed"] == []
    page = client.get("/transparency", headers={"Accept-Language": "fa"}).get_data(as_text=True)
    section = page[page.index('id="performance-payments"'):]
    assert "۱۴۰۵" in section and "۳۹٬۶۰۰٬۰۰۰" in section  # the Solar Hijri year, Persian digits
    assert transparency.performance_figures("solar_hijri")[0]["year"] == "1405"


def test_the_bulletin_shows_performance_payments_apart_from_compensation(app, client, world, paid):  # noqa: F811
    _period, _claim, claim_paid = paid
    ir = world.ir
    with app.test_request_context():
        fig = bulletin.build(ir.auditor, bulletin.Choice(year=2026, country=ir.country.code))["figures"]
    assert [(r["currency"], r["periods"], r["amount"]) for r in fig["performance_paid"]] == [("IRR", 1, PERIOD)]
    assert [(r["region"], r["amount"]) for r in fig["performance_by_region"]] == [(ir.region.code, PERIOD)]
    assert sum(r["amount"] for r in fig["paid"]) == claim_paid == 90_000_000  # compensation: the claim's only
    with app.test_request_context():
        empty = bulletin.build(ir.auditor, bulletin.Choice(year=2025, country=ir.country.code))["figures"]
    assert empty["performance_paid"] == []

    pdf = client.get(f"/api/v1/reports/bulletin.pdf?country={ir.country.code}&year=2026&lang=en",
                     headers=bearer(client, ir.auditor)).data
    text = " ".join(pdf_text(pdf).split())
    assert "Amount paid IRR 90,000,000 Claims paid 1 Performance payments to communities IRR 19,800,000" in text
    assert "Not compensation" in text and "Region of IR" in text
    assert pdf_pages(pdf) == 4
