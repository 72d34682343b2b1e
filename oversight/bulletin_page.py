"""Printing helpers of the bulletin: the running footer in the locale's digits, and labels in two languages."""

from __future__ import annotations

import re

from babel import Locale
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from conflict_service.i18n import cldr_locale, html_lang, is_rtl, text_direction

# CSS counter styles that write page numbers in the locale's digits (defined in WeasyPrint's UA stylesheet).
COUNTER_STYLES = {"arabext": "persian", "arab": "arabic-indic"}
PLACEHOLDER = re.compile(r"%\((page|pages)\)s")


def _css_string(text: str) -> str:
    """A CSS string literal that cannot end the string, the rule or the <style> element."""
    escaped = "".join(f"\\{ord(ch):x} " if ch in '"\\<>\n\r' else ch for ch in text)
    return f'"{escaped}"'


def page_css(locale: str) -> Markup:
    """"Page X of Y" at the foot of every page, in the locale's words and digits, on the reading side."""
    system = Locale.parse(cldr_locale(locale)).default_numbering_system
    style = COUNTER_STYLES.get(system, "decimal")
    parts = PLACEHOLDER.split(_("Page %(page)s of %(pages)s"))
    content = " ".join(f"counter({p}, {style})" if i % 2 else _css_string(p) for i, p in enumerate(parts) if p)
    side = "bottom-left" if is_rtl(locale) else "bottom-right"
    return Markup(f"@page {{ @{side} {{ content: {content}; }} }}")  # noqa: S704 - text parts go through _css_string


class Bilingual:
    """Headings in the reader's language, with the programme's official language under them when asked."""

    def __init__(self, secondary: str | None):
        self.secondary = secondary

    def bi(self, text) -> Markup:
        first = _(text) if isinstance(text, str) else str(text)
        if not self.secondary:
            return escape(first)
        with force_locale(self.secondary):
            second = _(text) if isinstance(text, str) else str(text)
        if second == first:
            return escape(first)
        return Markup('<span class="l1">{}</span> <span class="l2" lang="{}" dir="{}">{}</span>').format(
            first, html_lang(self.secondary), text_direction(self.secondary), second)
