"""The premium receipt: one page in the owner's language, with what was paid and what is still due."""

import pytest

from casefiles import premium_receipt
from tests.casefiles.pdftools import pdf_fonts, pdf_lines, pdf_pages


@pytest.mark.parametrize(("lang", "bilingual"), [("hy", False), ("en", True), ("fa", True), ("ru", False)])
def test_the_receipt_is_one_page_with_embedded_fonts(insurance, lang, bilingual):
    policy = insurance.enrol(lines={"sheep": 30, "goat": 12})
    payment = insurance.pay(policy, "50000")
    pdf, name = premium_receipt.render(payment, lang=lang, bilingual=bilingual)
    assert pdf_pages(pdf) == 1
    assert all(embedded for _font, embedded in pdf_fonts(pdf))
    assert name == f"premium-receipt-{payment.receipt_number}-{lang}{'-hy' if bilingual and lang != 'hy' else ''}.pdf"


def test_the_receipt_shows_the_payment_the_cover_and_what_is_left(insurance):
    policy = insurance.enrol(lines={"sheep": 30, "goat": 12})  # 60,000 + 18,000 = 78,000 due
    insurance.pay(policy, "28000")
    payment = insurance.pay(policy, "20000", method="mobile_money")
    text = " ".join(pdf_lines(premium_receipt.render(payment, lang="en")[0]))
    for expected in (f"{policy.number}-R2", "AMD 20,000.00", "Mobile money", "AMD 78,000.00", "AMD 48,000.00",
                     "AMD 30,000.00", "Mar 1, 2026 to Dec 31, 2026", "80%", "Feb 20, 2026"):
        assert expected in text, expected
