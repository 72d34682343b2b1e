"""The pages' WOFF2 subsets are what conflict_service/webfonts.py says, made from the shipped TrueType files, named in
app.css with their current digests, and they carry every letter the sixteen catalogs use."""

from __future__ import annotations

import re
import unicodedata

import pytest
from babel.messages.pofile import read_po

from conflict_service import webfonts
from conflict_service.i18n import LOCALES, translations_dir
from conflict_service.web.caching import digest

# Pure Python (no query in it): the same on every database, so it runs on SQLite only.
pytestmark = pytest.mark.same_on_every_database

# The subsets a locale's pages draw its own words with (app.css puts the script's family first; Latin follows).
SCRIPT = {"ru": "cyrillic", "kk": "cyrillic", "tg": "cyrillic", "fa": "arabic", "fa_AF": "arabic", "ps": "arabic",
          "ar": "arabic", "ckb": "arabic", "ur": "nastaliq", "hy": "armenian", "ka": "georgian"}
SUBSETS = {s.name: s for s in webfonts.SUBSETS}


@pytest.mark.parametrize("subset", webfonts.SUBSETS, ids=lambda s: s.name)
@pytest.mark.parametrize("weight", sorted(webfonts.WEIGHTS))
def test_each_subset_holds_exactly_its_characters_from_the_truetype_font(subset, weight):
    path = subset.path(weight)
    assert path.read_bytes()[:4] == b"wOF2"
    assert webfonts.cmap_of(path) == subset.wanted(weight), (
        f"{path.name} is out of date: run scripts/build_webfonts.py")


def test_app_css_names_the_files_as_they_are():
    css = webfonts.CSS.read_text(encoding="utf-8")
    assert webfonts.rules_in(css) == webfonts.font_face_rules(), "run scripts/build_webfonts.py"
    assert not [p.name for p in webfonts.WEB.glob("*.woff2")
                if p not in {s.path(w) for s in webfonts.SUBSETS for w in webfonts.WEIGHTS}]


def test_every_url_in_the_stylesheets_carries_the_digest_of_its_file():
    for css in webfonts.CSS.parent.glob("*.css"):
        for url in re.findall(r'url\("?([^")]+)"?\)', css.read_text(encoding="utf-8")):
            if url.startswith(("asset:", "data:")):
                continue
            path, _, query = url.partition("?v=")
            assert query == digest((css.parent / path).resolve().read_bytes()), f"{css.name}: {url}"


def test_pages_leave_out_what_no_locale_needs():
    sizes = {p.name: p.stat().st_size for p in webfonts.WEB.glob("*.woff2")}
    for name in ("latin", "cyrillic", "arabic"):
        assert sizes[f"{name}-400.woff2"] < 24_000, sizes  # the TrueType files are 176–513 KB
    latin = webfonts.cmap_of(SUBSETS["latin"].path(400))
    assert not latin & set(range(0x0370, 0x0530)), "Greek and Cyrillic belong in their own subsets"
    assert not webfonts.cmap_of(SUBSETS["arabic"].path(400)) & set(range(ord("A"), ord("z") + 1))


def _catalog_text(locale: str) -> str:
    with (translations_dir() / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    strings = [m.string for m in catalog if m.id]
    return "".join(s if isinstance(s, str) else "".join(s) for s in strings)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_letter_of_each_language_is_in_its_web_fonts(locale):
    """Letters, digits and marks of every translated message: in the locale's own subset or in Latin."""
    covered = webfonts.cmap_of(SUBSETS["latin"].path(400))
    if locale in SCRIPT:
        covered |= webfonts.cmap_of(SUBSETS[SCRIPT[locale]].path(400))
    if locale == "ur":  # Urdu digits and Latin fall through from Nastaliq to Naskh
        covered |= webfonts.cmap_of(SUBSETS["arabic"].path(400))
    digits = "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩" if SCRIPT.get(locale) in ("arabic", "nastaliq") else ""  # shown by |number
    text = _catalog_text(locale) + digits
    drawn = {ch for ch in text if unicodedata.category(ch)[0] in "LMN" or ch in "\u200c\u200d"}  # and ZWNJ/ZWJ
    missing = sorted(ch for ch in drawn if ord(ch) not in covered)
    assert not missing, f"{locale}: {''.join(missing)}"


def test_turkic_and_cyrillic_letters_of_names_are_in_the_subsets():
    latin = webfonts.cmap_of(SUBSETS["latin"].path(700))
    cyrillic = webfonts.cmap_of(SUBSETS["cyrillic"].path(700))
    assert all(ord(ch) in latin for ch in "ƏəĞğİıŞşŇňÝýŽžÄäÇçÖöÜüʻʼ₼₺₸₽₾€№")  # az, tr, tk, uz; currencies
    assert all(ord(ch) in cyrillic for ch in "ӘәҒғҚқҢңӨөҰұҮүҺһІіӢӣӮӯҲҳҶҷЁё№«» 0123456789")  # kk, tg, ru


@pytest.mark.parametrize("locale", LOCALES)
def test_every_currency_of_the_range_is_drawn_by_the_web_fonts(app, locale):
    """A Herat clerk's amounts read «۶٬۵۰۰ » with a blank where «؋» stood: no subset held the afghani sign, and a
    phone without a system font for it draws nothing. Every amount in every currency of the range, as the locale
    writes it, is in its own subset or in Latin."""
    from decimal import Decimal

    from flask_babel import force_locale

    from conflict_service.i18n import CURRENCY_UNITS, format_money

    def both_weights(name):
        return webfonts.cmap_of(SUBSETS[name].path(400)) & webfonts.cmap_of(SUBSETS[name].path(700))

    covered = both_weights("latin")
    for name in {SCRIPT.get(locale), "arabic" if locale == "ur" else None} - {None}:  # its own; Urdu's Naskh
        covered |= both_weights(name)
    with app.test_request_context(), force_locale(locale):
        shown = {currency: format_money(Decimal("6500"), currency, locale) for currency in CURRENCY_UNITS}
    missing = {currency: "".join(sorted({ch for ch in text if not ch.isspace() and ord(ch) not in covered}))
               for currency, text in shown.items()}
    assert not {currency: chars for currency, chars in missing.items() if chars}, shown
