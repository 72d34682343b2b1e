"""Case files and receipts render in every locale, with the owner's name intact and the project's fonts embedded."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from flask_babel import force_locale

from casefiles import documents
from casefiles.documents import KINDS
from conflict_service.i18n import LOCALES, gregorian, solar_hijri
from tests.casefiles.conftest import BASE, NAMES
from tests.casefiles.pdftools import pdf_fonts, pdf_lines, pdf_pages, pdf_text

SHIPPED_FONTS = {f"LCS-{family}{weight}" for family in ("Sans", "Naskh", "Armenian", "Georgian")
                 for weight in ("", "-Bold")}


def title(kind: str, locale: str) -> str:
    with force_locale(locale):
        return str(KINDS[kind][1])


def assert_fonts_shipped_and_embedded(pdf: bytes):
    fonts = pdf_fonts(pdf)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    assert {name for name, _ in fonts} <= SHIPPED_FONTS, f"a glyph came from a font the project does not ship: {fonts}"


@pytest.mark.slow
@pytest.mark.same_on_every_database  # layout per locale; the claim's queries run on PostgreSQL below
@pytest.mark.parametrize("locale", LOCALES)
def test_receipt_and_case_file_render_in_every_locale(locale, filed):
    claim = filed(name=NAMES[locale], language=locale)
    for kind in ("receipt", "casefile"):
        pdf, name = documents.render(claim, kind, base_url=BASE)
        text = pdf_text(pdf)
        assert title(kind, locale) in text
        assert NAMES[locale] in text, f"{kind} in {locale}: the owner's name did not survive"
        assert_fonts_shipped_and_embedded(pdf)
        assert name == f"{kind}-{claim.number}-{locale}.pdf"
        if kind == "receipt":
            assert pdf_pages(pdf) == 1


@pytest.mark.slow
@pytest.mark.same_on_every_database  # layout per locale; the claim's queries run on PostgreSQL below
@pytest.mark.parametrize("locale", ["fa", "ur", "ar", "hy", "ka", "ru"])
def test_bilingual_receipt_stays_on_one_page_and_shows_both_titles(locale, filed):
    claim = filed(name=NAMES[locale], language=locale)  # the Iranian programme's official language is Persian
    pdf, name = documents.render(claim, "receipt", lang=locale, bilingual=True, base_url=BASE)
    text = pdf_text(pdf)
    assert pdf_pages(pdf) == 1
    assert title("receipt", locale) in text and title("receipt", "fa") in text
    assert name.endswith(f"-{locale}-fa.pdf" if locale != "fa" else "-fa.pdf")


def test_persian_case_file_shows_solar_hijri_dates_with_the_gregorian_beside(filed):
    with time_machine.travel(datetime(2026, 5, 3, 9, 0, tzinfo=UTC), tick=False):  # 12:30 in Tehran
        claim = filed(language="fa")
    pdf, _name = documents.render(claim, "casefile", base_url=BASE)
    lines = pdf_lines(pdf)
    solar, greg = solar_hijri(date(2026, 5, 3), "fa"), gregorian(date(2026, 5, 3), "fa")
    assert solar == "۱۳ اردیبهشت ۱۴۰۵"
    # pdftotext gives lines that mix directions in visual order (digits move), so look for every part in one line
    assert any(all(part in line for part in [*solar.split(), *greg.split()]) for line in lines), (
        "no line with the Solar Hijri date and its Gregorian")


def test_case_file_in_english_uses_gregorian_dates(filed):
    with time_machine.travel(datetime(2026, 5, 3, 9, 0, tzinfo=UTC), tick=False):
        claim = filed(language="en")
    text = pdf_text(documents.render(claim, "casefile", base_url=BASE)[0])
    assert "May 3, 2026" in text and "اردیبهشت" not in text


def test_case_file_shows_the_claim_as_recorded(filed):
    claim = filed(name="Hamid Amiri", language="en", narrative="Found at dawn near the corral wall.")
    text = pdf_text(documents.render(claim, "casefile", base_url=BASE)[0])
    assert f"{BASE}/status/{claim.number}" in "".join(text.split())
    for expected in (claim.number, "Hamid Amiri", "Found at dawn near the corral wall.", "Sheep", "Killed",
                     "Losses claimed", "Timeline", "Signatures", claim.programme.name,
                     f"Claim {claim.number} filed", "No site visit or evidence has been recorded yet."):
        assert expected in text, expected
    assert claim.pin not in text  # the PIN is on the owner's receipt only


def test_receipt_says_what_happens_next_and_by_when(filed):
    with time_machine.travel(datetime(2026, 5, 3, 9, 0, tzinfo=UTC), tick=False):
        claim = filed(language="en")  # verification due 72 hours after filing
    text = " ".join(pdf_text(documents.render(claim, "receipt", base_url=BASE)[0]).split())
    assert claim.number in text and claim.pin in text
    assert "by May 6, 2026" in text
    assert "payment is due within 30 days of the approval" in text
    assert "appeal once, within 30 days" in text


def test_receipt_and_case_file_state_when_and_how_the_owner_reported(filed):
    from claims.enums import ReportChannel

    with time_machine.travel(datetime(2026, 5, 8, 9, 0, tzinfo=UTC), tick=False):
        claim = filed(language="en", incident_at=datetime(2026, 5, 2, 3, 0, tzinfo=UTC),
                      reported_at=datetime(2026, 5, 2, 5, 30, tzinfo=UTC), report_channel=ReportChannel.PHONE)
    for kind in ("receipt", "casefile"):
        text = " ".join(pdf_text(documents.render(claim, kind, base_url=BASE)[0]).split())
        assert "Reported by the owner" in text and "By phone to the office" in text, kind
        assert "May 2, 2026" in text, kind


def test_auditor_copy_masks_personal_data(filed):
    claim = filed(language="en")
    full = pdf_text(documents.render(claim, "casefile", base_url=BASE)[0])
    masked = pdf_text(documents.render(claim, "casefile", show_personal=False, base_url=BASE)[0])
    national_id = claim.owner.national_id
    assert national_id in full and national_id not in masked and "••••••••" + national_id[-2:] in masked


def test_verification_code_changes_when_the_claim_changes(filed, world, chain_head):
    from casefiles.context import verification_code
    from claims.operations import withdraw_claim
    from conflict_service.db import db

    claim = filed(language="en")
    before = verification_code(claim.number, chain_head(claim.id))
    assert before in pdf_text(documents.render(claim, "casefile", base_url=BASE)[0])
    withdraw_claim(claim, world.ir.clerk, "Animals found.")
    db.session.commit()
    assert verification_code(claim.number, chain_head(claim.id)) != before


def test_zero_width_non_joiner_shapes_the_name(app, tmp_path):
    """"حسینی‌نژاد" keeps its ZWNJ on paper: the letters around it do not join. WeasyPrint writes no glyph for
    the ZWNJ, so PDF text extraction reads it as "حسینینژاد"; the printed shapes are what the owner checks."""
    import subprocess

    from conflict_service.pdf import render_pdf

    def png(name: str) -> bytes:
        html = f'<html lang="fa" dir="rtl"><link rel="stylesheet" href="asset:css/pdf.css"><p>{name}</p></html>'
        with app.app_context():
            path = tmp_path / "n.pdf"
            path.write_bytes(render_pdf(html))
        command = ["pdftoppm", "-png", "-r", "50", "-singlefile", str(path), str(tmp_path / "n")]
        subprocess.run(command, check=True)  # noqa: S603, S607 - poppler-utils with fixed arguments
        return (tmp_path / "n.png").read_bytes()

    assert png("حسینی\u200cنژاد") != png("حسینینژاد")


DOUBLED_SIGN = re.compile(r"[%٪]\s*[%٪]|درصد")


def test_receipt_writes_the_advance_as_each_language_writes_a_percentage(filed):
    """The advance sentence carries the formatted percentage, never a sign of its own: Turkish puts the sign first
    (%30), Persian writes its own sign and digits (۳۰٪), and neither gets a second sign or a percent word."""
    claim = filed(language="tr")
    claim.programme.advance_pct = Decimal(30)
    lines = pdf_lines(documents.render(claim, "receipt", lang="tr", bilingual=True, base_url=BASE)[0])
    assert any("tutarın %30 kadarı avans" in line for line in lines)  # the Turkish sentence
    # The Persian one below it (the programme's official language); pdftotext writes its digits in visual order.
    persian = [line for line in lines if "از مبلغ برآوردشده" in line]
    assert len(persian) == 1 and re.search("۳۰٪|٪۳۰", persian[0]), persian
    assert not [line for line in lines if DOUBLED_SIGN.search(line)]


@pytest.mark.parametrize("locale", ["ckb", "ar"])
def test_the_owners_phone_reads_in_the_order_typed_in_arabic_indic_digits(filed, locale):
    """A Sorani case file printed +98 915 712 4822 as «+٤٨٢٢ ٧١٢ ٩١٥ ٩٨»: the groups of Arabic-Indic digits ran
    right to left inside the number's left-to-right isolate (pdftotext reads the page in visual order)."""
    claim = filed(language=locale)  # the factory's owner: +98 915 123 4567
    text = pdf_text(documents.render(claim, "casefile", base_url=BASE)[0])
    assert "+٩٨ ٩١٥ ١٢٣ ٤٥٦٧" in text and "+٤٥٦٧ ١٢٣ ٩١٥ ٩٨" not in text
