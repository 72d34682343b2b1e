"""What printed documents (case files, receipts, the annual bulletin) share: labels in two languages and the
running footer's "Page X of Y" in the reader's words and digits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel import Locale
from flask_babel import force_locale, get_translations
from flask_babel import gettext as _
from markupsafe import Markup, escape

from conflict_service.i18n import cldr_locale, fill_percent, format_number, html_lang, text_direction

# CSS counter styles that write page numbers in the locale's digits (defined in WeasyPrint's UA stylesheet).
COUNTER_STYLES = {"arabext": "persian", "arab": "arabic-indic"}
PLACEHOLDER = re.compile(r"%\((page|pages)\)s")


@dataclass(frozen=True)
class Languages:
    """The document's language and, for a bilingual document, the programme's official language."""

    primary: str
    secondary: str | None = None

    def bi(self, text, **variables) -> Markup:
        """A label in the document's language, followed by the official language's when bilingual."""
        return self._in_both(lambda: _translate(text, variables))

    def nbi(self, singular: str, plural: str, num: int, **variables) -> Markup:
        """``bi`` for a sentence that counts (``nbi('%(num)s day', '%(num)s days', n)``): each language's own plural
        form for ``num`` and its digits («۳۰ روز», «30 дней», «٣٠ يومًا»), as a ``localized(...)`` variable has."""
        return self._in_both(lambda: fill_percent(get_translations().ungettext(singular, plural, num),
                                                  **{"num": format_number(num), **variables}))

    def _in_both(self, translate) -> Markup:
        first = translate()
        if not self.secondary:
            return escape(first)
        with force_locale(self.secondary):
            second = translate()
        if second == first:
            return escape(first)
        return Markup('<span class="l1">{}</span> <span class="l2" lang="{}" dir="{}">{}</span>').format(
            first, html_lang(self.secondary), text_direction(self.secondary), second)


def _translate(text, variables: dict) -> str:
    if not isinstance(text, str):
        return str(text)
    return fill_percent(_(text), **variables) if variables else _(text)


def page_counter(locale: str) -> str:
    """CSS ``content`` for "Page X of Y" in the locale's words, with page numbers in its digits."""
    system = Locale.parse(cldr_locale(locale)).default_numbering_system
    style = COUNTER_STYLES.get(system, "decimal")
    parts = PLACEHOLDER.split(_("Page %(page)s of %(pages)s"))
    return " ".join(f"counter({p}, {style})" if i % 2 else css_string(p) for i, p in enumerate(parts) if p)


def css_string(text: str) -> str:
    """A CSS string literal that cannot end the string, the rule or the <style> element."""
    escaped = "".join(f"\\{ord(ch):x} " if ch in '"\\<>\n\r' else ch for ch in text)
    return f'"{escaped}"'
