"""The shipped fonts cover every letter of the sixteen languages, and documents use nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from conflict_service.pdf import STATIC_DIR, render_pdf
from tests.casefiles.pdftools import pdf_fonts, pdf_text

# Pure Python (no query in it): the same on every database, so it runs on SQLite only.
pytestmark = pytest.mark.same_on_every_database

FONTS = STATIC_DIR / "fonts"
# Letters each language needs beyond the basic ones, and the font family that must carry them.
LETTERS = {
    "NotoSans": "ҷӣәғқңөұүһіЁёЩщЪъ"  # Tajik, Kazakh, Russian
                "ňýžşçüäöŇÝŽŞÇÜÄÖ"  # Turkmen
                "əğıİşçöüƏĞŞÇÖÜ"  # Azerbaijani, Turkish
                "ʻʼОʻоʻgʻ"  # Uzbek
                "₼₺₸₽₾$€«»–—…·•№",
    "NotoNaskhArabic": "ښږځڅډټړګڼۍېئ"  # Pashto
                       "ڕڵۆێەچژگپ"  # Sorani
                       "ٹڈڑںےۓھہ"  # Urdu
                       "ةىيكي"  # Arabic
                       "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫٬٪،؛؟",
    "NotoNastaliqUrdu": "ٹڈڑںےۓھہپچژگکی۰۱۲۳۴۵۶۷۸۹،؟",
    "NotoSansArmenian": "ԱաԲբՂղՃճՓփՔքևֆ֏",
    "NotoSansGeorgian": "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ",
}


@pytest.mark.parametrize("family", sorted(LETTERS))
@pytest.mark.parametrize("weight", ["Regular", "Bold"])
def test_each_font_has_the_letters_of_its_languages(family, weight):
    cmap = TTFont(FONTS / f"{family}-{weight}.ttf").getBestCmap()
    missing = [ch for ch in LETTERS[family] if ord(ch) not in cmap]
    assert not missing, f"{family}-{weight} lacks {missing}"


def test_the_fonts_ship_with_their_license():
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONTS / "OFL.txt").read_text()
    total = sum(p.stat().st_size for p in Path(FONTS).glob("*.ttf"))
    assert total < 4 * 1024 * 1024  # no CJK or other families the service does not need


def test_a_page_in_every_script_uses_only_the_shipped_fonts(app):
    samples = {"fa": "پلنگ ژیان", "ps": "ښځږډټړګڼۍې", "ckb": "ڕێبوار ڵۆە", "ur": "ٹڈڑںےۓ", "ar": "نمر الثلوج",
               "hy": "ձյունահովազ ֏", "ka": "თოვლის ლეოპარდი ₾", "kk": "Әлихан қасқыр ұ ү һ і", "tg": "Ҷамшед ӣ",
               "tk": "Ňazar ýaş", "az": "Əli ğ", "uz": "Oʻgʻiloy", "ru": "Щукин", "tr": "Işık"}
    body = "".join(f'<p lang="{loc}">{text}</p>' for loc, text in samples.items())
    with app.app_context():
        pdf = render_pdf(f'<html><link rel="stylesheet" href="asset:css/pdf.css"><body>{body}</body></html>')
    assert {name.split("-")[1] for name, _embedded in pdf_fonts(pdf)} <= {"Sans", "Naskh", "Armenian", "Georgian"}
    assert all(embedded for _name, embedded in pdf_fonts(pdf))
    text = pdf_text(pdf)
    for loc in ("hy", "ka", "kk", "tg", "tk", "az", "uz", "ru", "tr", "fa", "ar"):
        assert samples[loc] in text, loc
