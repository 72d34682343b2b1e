"""The gettext catalogs: present for every locale, with the right Plural-Forms, complete and well-formed."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from conflict_service.i18n import LOCALES, PLURAL_FORMS, translations_dir
from conflict_service.translation_review.checks import placeholders

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
