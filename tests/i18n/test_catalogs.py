"""The gettext catalogs: present for every locale, with the right Plural-Forms, complete and well-formed."""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask_babel import force_locale

from claims.enums import Confidence
from conflict_service.i18n import CURRENCY_UNITS, LOCALES, PLURAL_FORMS, translations_dir
from conflict_service.translation_review.checks import placeholders
from mitigation.enums import MeasureStatus
from notifications.enums import MessageState
from payouts.enums import BatchStatus, PaymentStatus

# Pure Python (no query in it): the same on every database, so it runs on SQLite only.
pytestmark = pytest.mark.same_on_every_database

# Locales whose catalogs must be complete. The final translation pass sets this to LOCALES (all sixteen);
# until then the catalogs exist with correct headers and are checked for everything but completeness.
# (fa and ka were complete before verification, mitigation and payouts added ~800 messages; they are
# re-translated with the other fourteen in that pass.)
COMPLETE_LOCALES: tuple[str, ...] = LOCALES

ROOT = translations_dir()


def load(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=path.parts[-3] if path.suffix == ".po" else None)


def catalog(locale: str) -> Catalog:
    return load(ROOT / locale / "LC_MESSAGES" / "messages.po")


def _forms(message) -> list[str]:
    return list(message.string) if message.pluralizable else [message.string]


def _first_id(message) -> str:
    return message.id[0] if message.pluralizable else message.id


def completeness_problems(cat: Catalog) -> list[str]:
    problems = []
    for message in cat:
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {_first_id(message)!r}")
        if not all(_forms(message)):
            problems.append(f"untranslated: {_first_id(message)!r}")
    return problems


def placeholder_problems(cat: Catalog) -> list[str]:
    """Each translation uses exactly the message's placeholders; a plural form other than the last (the
    general one) may leave the number out ("one claim"), but may never add a placeholder."""
    problems = []
    for message in cat:
        if not message.id or message.fuzzy:  # a fuzzy guess is never used (and the completeness test flags it)
            continue
        ids = list(message.id) if message.pluralizable else [message.id]
        source = set().union(*(placeholders(i, message.flags) for i in ids))
        forms = _forms(message)
        for i, text in enumerate(forms):
            if not text:
                continue
            used = placeholders(text, message.flags)
            general = not message.pluralizable or i == len(forms) - 1
            if (used != source) if general else not used <= source:
                problems.append(f"{_first_id(message)!r} → {text!r}")
    return problems


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_the_languages_plural_forms(locale):
    cat = catalog(locale)
    header = dict(cat.mime_headers)
    assert header["Plural-Forms"] == PLURAL_FORMS[locale], (
        f"{locale}: Plural-Forms is {header['Plural-Forms']!r}; scripts/translations update puts the right one back")
    assert header["Language"] == locale
    wrong = [_first_id(m) for m in cat if m.id and m.pluralizable and len(m.string) != cat.num_plurals]
    assert not wrong, f"{locale}: plural messages need {cat.num_plurals} forms: {wrong[:5]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_holds_every_message_of_the_template(locale):
    cat, pot = catalog(locale), load(ROOT / "messages.pot")
    missing = [m.id for m in pot if m.id and cat.get(m.id, context=m.context) is None]
    obsolete_but_active = [m_id for m_id in cat.obsolete if m_id in pot]
    assert not missing, f"{locale}: not in the catalog (scripts/translations update): {missing[:5]}"
    assert not obsolete_but_active, f"{locale}: marked obsolete but still used: {obsolete_but_active[:5]}"


@pytest.mark.parametrize("locale", COMPLETE_LOCALES)
def test_catalog_is_complete(locale):
    problems = completeness_problems(catalog(locale))
    assert not problems, f"{locale}: {len(problems)} problems, e.g. " + "; ".join(problems[:8])


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_the_placeholders(locale):
    problems = placeholder_problems(catalog(locale))
    assert not problems, f"{locale}: placeholders differ: " + "; ".join(problems[:5])


def test_template_is_up_to_date_with_the_code(tmp_path):
    """Every message in the code is in messages.pot (run scripts/translations update after changing strings)."""
    out = tmp_path / "fresh.pot"
    command = ["bash", "scripts/translations", "extract", str(out)]  # the project's own script
    subprocess.run(command, cwd=ROOT.parent, check=True, capture_output=True)  # noqa: S603, S607
    fresh, current = {m.id for m in load(out) if m.id}, {m.id for m in load(ROOT / "messages.pot") if m.id}
    assert not fresh - current, f"not in messages.pot: {sorted(map(str, fresh - current))[:8]}"
    assert not current - fresh, f"in messages.pot but gone from the code: {sorted(map(str, current - fresh))[:8]}"


def test_the_checks_find_what_they_promise():
    cat = Catalog(locale="ru")
    cat.mime_headers = [("Plural-Forms", PLURAL_FORMS["ru"])]
    cat.add("Owner", "Владелец")
    cat.add("Claim {number} filed", "Заявка подана", flags=["python-brace-format"])
    cat.add("Page %(page)s of %(pages)s", "Страница %(page)s", flags=["python-format"])
    cat.add(("%(num)s claim", "%(num)s claims"), ("%(num)s заявка", "%(num)s заявки", "%(n)s заявок"),
            flags=["python-format"])
    cat.add(("one day", "%(num)s days"), ("один день", "%(num)s дня", "%(num)s дней"), flags=["python-format"])
    cat.add("Village", "")
    cat.add("Office", "Офис", flags=["fuzzy"])
    assert completeness_problems(cat) == ["untranslated: 'Village'", "fuzzy: 'Office'"]
    assert [p.split(" → ")[0] for p in placeholder_problems(cat)] == [
        "'Claim {number} filed'", "'Page %(page)s of %(pages)s'", "'%(num)s claim'"]


def glossary() -> list[dict]:
    with (ROOT / "glossary.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_glossary_has_every_term_in_every_language():
    rows = glossary()
    assert rows and all(set(LOCALES) <= set(row) for row in rows)
    empty = [(row["en"], loc) for row in rows for loc in LOCALES if not row[loc].strip()]
    assert not empty, f"terms without a translation: {empty[:8]}"


@pytest.mark.parametrize("locale", COMPLETE_LOCALES)
def test_glossary_terms_are_translated_as_the_glossary_says(locale):
    cat = catalog(locale)
    differ = [(row["en"], cat[row["en"]].string, row[locale]) for row in glossary()
              if row["en"] in cat and cat[row["en"]].string and cat[row["en"]].string != row[locale]]
    assert not differ, f"{locale}: catalog and glossary disagree: {differ}"


@pytest.mark.parametrize("locale", COMPLETE_LOCALES)
def test_currency_units_are_translated_as_the_glossary_says(app, locale):
    """The short currency units (msgctxt "currency unit") written after amounts are glossary terms too."""
    with app.test_request_context("/"), force_locale("en"):
        units = {str(unit) for unit in CURRENCY_UNITS.values()}
    rows = {row["en"]: row[locale] for row in glossary() if row["note"].startswith("currency unit")}
    assert set(rows) == units
    cat = catalog(locale)
    differ = [(en, cat.get(en, context="currency unit").string, word) for en, word in rows.items()
              if cat.get(en, context="currency unit").string != word]
    assert not differ, f"{locale}: catalog and glossary disagree: {differ}"


# Digits in sentences (DESIGN §14, issue 20): where a locale writes its own digits, a number that is part of the
# sentence ("at least 10 characters", "below 1", "0.5°") is written in them; numbers that vary come through
# placeholders, formatted per locale. Latin digits stay only inside what is typed or read as a code: a token with
# Latin letters (SHA-256, UTF-8, /api/v1/…, Samsung A14), a typed example (2026-05-01, sheep,2000,…, 1234.50, 1/a),
# the number of a standard after its Latin name (ISO 4217, OpenAPI 3) and an HTTP status code.
NATIVE_DIGIT_LOCALES = ("fa", "fa_AF", "ps", "ar", "ckb")
_PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[sd%]|\{[^{}]*\}")
_EDGE = "()[]«»“”\"'،؛:;,.!?…—–‎‏\u061c"
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_TYPED_EXAMPLE = re.compile(r"\d[-:/,+T]\d|^\d+\.\d+$")
HTTP_STATUSES = {"422"}


def latin_digit_problems(text: str) -> list[str]:
    """The Latin digit runs of one translation that a reader of a native-digit locale should read in his digits."""
    tokens = _PLACEHOLDER.sub(" ", text).split()
    found = []
    for i, raw in enumerate(tokens):
        token = raw.strip(_EDGE)
        if not re.search(r"[0-9]", token):
            continue
        quantity = token.endswith(("°", "%"))
        after_latin_name = i > 0 and re.fullmatch(r"[A-Za-z][A-Za-z-]*", tokens[i - 1].strip(_EDGE)) is not None
        if _LATIN_LETTER.search(token) or token in HTTP_STATUSES or after_latin_name or (
                _TYPED_EXAMPLE.search(token) and not quantity):
            continue
        found.append(token)
    return found


@pytest.mark.parametrize("locale", NATIVE_DIGIT_LOCALES)
def test_sentences_write_the_locales_own_digits(locale):
    problems = [(_first_id(m), text) for m in catalog(locale) if m.id for text in _forms(m)
                if text and latin_digit_problems(text)]
    assert not problems, f"{locale}: {len(problems)} translations write Latin digits in a sentence: {problems[:5]}"


def test_the_digit_check_finds_sentence_numbers_and_spares_codes():
    assert latin_digit_problems("دست‌کم 10 نویسه.") == ["10"]
    assert latin_digit_problems("مربع 0.5° و ۹۵%% و 95%%") == ["0.5°", "95"]
    assert latin_digit_problems("کد ISO 4217 (SHA-256، UTF-8)، مثلاً 2026-05-01 یا sheep,2000 یا 1234.50؛ 422") == []
    assert latin_digit_problems("بین ‎-90 و %(num)s") == ["-90"]
    assert latin_digit_problems("دست‌کم ۱۰ نویسه و {n} مورد") == []


# Turkic languages choose a case suffix by the sound of the word before it ("1'in", "5'in", "6'nın"): a suffix glued
# to a placeholder or a number ("%(pct)s'ini", "%50'ini", "{n}-ə qədər") is wrong for some of the values the
# placeholder takes. Sentences are phrased so that nothing attaches to a number ("en çok %(n)s", "Zona {n}").
SUFFIXING_LOCALES = ("tr", "uz", "az", "kk", "tk")
_GLUED = re.compile(r"(?:%\(\w+\)[sdf]|\{[^{}]*\}|%%|(?<![\w.,:-])\d+(?:[.,]\d+)?)['’ʼ‘-]?(?=[^\W\d_])(?![A-Z]?\d)")


def glued_suffixes(text: str) -> list[str]:
    """What a translation glues to a placeholder or a number: "%(pct)s'ini", "{n}-zona", "500'e". A code such as
    2026-05-01T21:30 or IR-DRG-2026-000123-F1 is not a number with a suffix."""
    return [text[m.start():m.end() + re.match(r"[^\W\d_]*", text[m.end():]).end()] for m in _GLUED.finditer(text)]


@pytest.mark.parametrize("locale", SUFFIXING_LOCALES)
def test_no_suffix_is_glued_to_a_placeholder_or_a_number(locale):
    problems = [(_first_id(m), glued_suffixes(text)) for m in catalog(locale) if m.id for text in _forms(m)
                if text and glued_suffixes(text)]
    assert not problems, f"{locale}: {len(problems)} translations glue a suffix to a number: {problems[:5]}"


def test_the_suffix_check_finds_glued_suffixes_and_spares_codes():
    assert glued_suffixes("kaybın %%%(pct)s'ini öder") == ["%(pct)s'ini"]
    assert glued_suffixes("%50'ini öder; {n}-zona; 500'e kadar; %(n)s-ə qədər") == [
        "50'ini", "{n}-zona", "500'e", "%(n)s-ə"]
    assert glued_suffixes("en çok %(n)s; Zona {n}: örneğin 2026-05-01T21:30:00+03:00, IR-DRG-2026-000123-F1") == []
    assert glued_suffixes("%%95 aralığı; -180 va 180 oraligʻida; %(pct)s faizini") == []


def glossary_forms() -> list[dict]:
    """Per glossary term, the English that names it (a regular expression) and, per locale, the stems of the agreed
    word ("|" between alternatives): a stem, not the word, because the word is declined and conjugated in sentences."""
    with (ROOT / "glossary_forms.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def term_problems(cat: Catalog, locale: str, forms: list[dict]) -> list[tuple[str, str, str]]:
    problems = []
    for row in forms:
        english, agreed = re.compile(row["english"], re.IGNORECASE), re.compile(row[locale], re.IGNORECASE)
        for message in cat:
            ids = list(message.id) if message.pluralizable else [message.id]
            if not message.id or not any(english.search(i) for i in ids):
                continue
            problems += [(row["en"], ids[0], text) for text in _forms(message) if text and not agreed.search(text)]
    return problems


def test_glossary_forms_cover_every_locale_and_name_a_glossary_term():
    terms = {row["en"] for row in glossary()}
    for row in glossary_forms():
        assert row["en"] in terms, f"{row['en']} is not in glossary.csv"
        assert all(row[loc].strip() for loc in LOCALES if loc != "en"), f"{row['en']}: a locale has no agreed word"


@pytest.mark.parametrize("locale", [loc for loc in COMPLETE_LOCALES if loc != "en"])
def test_messages_naming_a_glossary_term_use_the_agreed_word(locale):
    """A message that names a coined term ("retaliation freeze", "batch", "verified", "approved") uses the locale's
    agreed word for it everywhere: a payment batch is never a "list"; "verified" and "approved" never share a word."""
    problems = term_problems(catalog(locale), locale, glossary_forms())
    assert not problems, f"{locale}: {len(problems)} messages leave the glossary's word, e.g. {problems[:4]}"


def test_the_glossary_word_check_finds_another_word():
    cat = Catalog(locale="tr")
    cat.add("Payment batches", "Ödeme listeleri")
    cat.add("Build a batch", "Paket oluştur")
    cat.add("Verified losses", "Onaylanmış kayıplar")
    forms = [{"en": "Batch", "english": r"\bbatch", "tr": "paket"},
             {"en": "Verified", "english": r"\bverified\b", "tr": "doğrula"}]
    assert [(term, msgid) for term, msgid, _ in term_problems(cat, "tr", forms)] == [
        ("Batch", "Payment batches"), ("Verified", "Verified losses")]


# One English word, several things (issue 20): the status titles carry a message context, so each language can
# name a failed payment otherwise than a broken fence, and a confirmed payment otherwise than a sure identification.
@pytest.mark.parametrize("locale", ["fa", "ar", "ru", "tr", "uz"])
def test_a_word_naming_different_things_reads_differently_by_its_context(ctx, locale):
    with force_locale(locale):
        failed = {str(MeasureStatus.FAILED.title), str(PaymentStatus.FAILED.title), str(MessageState.FAILED.title)}
        confirmed = {str(Confidence.CONFIRMED.title), str(PaymentStatus.CONFIRMED.title)}
        cancelled = str(PaymentStatus.CANCELLED.title)
        assert "Failed" not in failed and "Confirmed" not in confirmed
        assert len(failed) == 3 and len(confirmed) == 2, (failed, confirmed)
        assert cancelled == catalog(locale).get("Cancelled", context="payment status").string
        assert str(BatchStatus.CANCELLED.title) == catalog(locale).get("Cancelled", context="batch status").string
