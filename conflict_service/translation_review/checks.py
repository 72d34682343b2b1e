"""What a corrected translation must keep: the message's placeholders, HTML tags and plural forms; the glossary's
agreed terms are only warned about."""

from __future__ import annotations

import csv
import re
import string
from collections import Counter
from pathlib import Path

from flask_babel import gettext as _

from conflict_service.i18n import native_digits

PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
# Placeholders a message without a format flag must not gain either (its code formats nothing, or fails on "{x}").
UNFLAGGED = re.compile(r"%\(\w+\)[a-z]|%[sd]|\{\w*\}")
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")


def placeholders(text: str, flags) -> set[str]:
    """The placeholders of one message: %(name)s and positional %s for python-format, {name} for brace-format."""
    found: set[str] = set()
    if "python-format" in flags:
        matches = [m for m in PERCENT.finditer(text) if m.group(0) != "%%"]
        found |= {f"%({m.group(1)})" if m.group(1) else f"%{i}" for i, m in enumerate(matches)}
    if "python-brace-format" in flags:
        try:
            found |= {f"{{{name}}}" for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}
        except ValueError:
            found.add("<unbalanced braces>")
    if not {"python-format", "python-brace-format"} & set(flags):
        found |= set(UNFLAGGED.findall(text))
    return found


def tags(text: str) -> Counter:
    """The HTML tags of a text, attributes included (a link keeps its address), spaces inside a tag ignored."""
    return Counter(" ".join(tag.split()) for tag in TAG.findall(text))


def shown(items) -> str:
    return ", ".join(sorted(items))


def form_problems(message, forms: list[str], nplurals: int) -> list[str]:
    """Every reason the translated ``forms`` of ``message`` cannot replace the current ones (empty: they can)."""
    ids = list(message.id) if message.pluralizable else [message.id]
    if message.pluralizable and len(forms) != nplurals:
        return [_("Give all {n} plural forms, each on its own line starting with its number in brackets, as the "
                  "current translation shows them.").format(n=native_digits(str(nplurals)))]
    problems = [_("Plural form [{i}] is empty.").format(i=native_digits(str(i))) for i, text in enumerate(forms)
                if not text.strip()]
    source = set().union(*(placeholders(i, message.flags) for i in ids))
    source_tags = tags(ids[0])
    for i, text in enumerate(forms):
        used, general, found = placeholders(text, message.flags), i == len(forms) - 1, []
        if missing := source - used if general else set():
            found.append(_("The placeholder {names} is missing.").format(names=shown(missing)))
        if extra := used - source:
            found.append(_("{names} is not a placeholder of the English text.").format(names=shown(extra)))
        if tags(text) != source_tags:
            found.append(_("The HTML tags differ from the English text ({tags}).").format(
                tags=shown(source_tags) or "—"))
        problems += [_("Plural form [{i}]: {problem}").format(i=native_digits(str(i)), problem=p) for p in found] \
            if message.pluralizable else found
    return problems


def read_glossary(directory: Path) -> list[dict]:
    path = directory / "glossary.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def glossary_terms(glossary: list[dict], english: str, locale: str) -> list[tuple[str, str]]:
    """The glossary's terms that occur in an English text (whole words, any case) with their agreed translation."""
    lowered = english.casefold()
    return [(row["en"], row[locale]) for row in glossary if row.get(locale)
            and re.search(rf"(?<!\w){re.escape(row['en'].casefold())}(?!\w)", lowered)]


def _stem(word: str) -> str:
    """A word without its last letters, so an inflected form (заявки for Заявка, Başvurunuz) still matches."""
    return word if len(word) <= 4 else word[:max(4, len(word) - 2)]


def uses_term(text: str, agreed: str) -> bool:
    lowered = text.casefold()
    return all(_stem(word) in lowered for word in agreed.casefold().split())


def glossary_warnings(terms: list[tuple[str, str]], forms: list[str]) -> list[str]:
    joined = "\n".join(forms)
    return [_("The glossary translates “{term}” as “{agreed}”, which the correction does not use.").format(
        term=term, agreed=agreed) for term, agreed in terms if not uses_term(joined, agreed)]
