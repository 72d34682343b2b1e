"""Render a claim's case file or receipt to PDF, in any locale, optionally bilingual.

``render(claim, kind, ...)`` is the one implementation behind the web page, the API and the CLI;
``render_claim(claim_id, ...)`` is its job form (one claim id in, PDF bytes out) for batch rendering.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import sqlalchemy as sa
from babel import Locale
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload

from casefiles.context import build_context
from casefiles.sections import DocumentOptions
from claims.models import Claim
from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.i18n import (
    cldr_locale,
    format_date,
    format_number,
    html_lang,
    is_rtl,
    normalise,
    set_context_programme,
    text_direction,
)
from conflict_service.pdf import render_pdf

log = logging.getLogger(__name__)

KINDS = {
    "casefile": ("casefiles/casefile.html", L_("Case file")),
    "receipt": ("casefiles/receipt.html", L_("Claim receipt")),
}
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
        first = _translate(text, variables)
        if not self.secondary:
            return escape(first)
        with force_locale(self.secondary):
            second = _translate(text, variables)
        if second == first:
            return escape(first)
        return Markup('<span class="l1">{}</span> <span class="l2" lang="{}" dir="{}">{}</span>').format(
            first, html_lang(self.secondary), text_direction(self.secondary), second)


class Localized:
    """A value formatted when the sentence around it is: a bilingual sentence gets each language's own
    digits and calendar (``localized(format_date, due, tz=tz)`` inside ``bi(...)``)."""

    def __init__(self, fn, *args, **kwargs):
        self.fn, self.args, self.kwargs = fn, args, kwargs

    def __str__(self) -> str:
        return str(self.fn(*self.args, **self.kwargs))


def _translate(text, variables: dict) -> str:
    return _(text, **variables) if isinstance(text, str) else str(text)


def document_languages(claim, lang: str | None, bilingual: bool) -> Languages:
    primary = normalise(lang) or normalise(claim.owner.preferred_language) or "en"
    secondary = normalise(claim.programme.official_language) if bilingual else None
    return Languages(primary, secondary if secondary != primary else None)


def page_css(number: str, code: str, locale: str) -> Markup:
    """The running footer: claim number, verification code and "Page X of Y" in the locale's words and digits."""
    system = Locale.parse(cldr_locale(locale)).default_numbering_system
    style = COUNTER_STYLES.get(system, "decimal")
    parts = PLACEHOLDER.split(_("Page %(page)s of %(pages)s"))
    content = " ".join(f"counter({p}, {style})" if i % 2 else _css_string(p) for i, p in enumerate(parts) if p)
    start, end = ("bottom-right", "bottom-left") if is_rtl(locale) else ("bottom-left", "bottom-right")
    return Markup(  # noqa: S704 - every text part goes through _css_string
        f"@page {{ @bottom-center {{ content: {content}; }} "
        f"@{start} {{ content: {_css_string(number)}; }} @{end} {{ content: {_css_string(code)}; }} }}")


def _css_string(text: str) -> str:
    """A CSS string literal that cannot end the string, the rule or the <style> element."""
    escaped = "".join(f"\\{ord(ch):x} " if ch in '"\\<>\n\r' else ch for ch in text)
    return f'"{escaped}"'


def filename(claim, kind: str, langs: Languages) -> str:
    suffix = f"{langs.primary}-{langs.secondary}" if langs.secondary else langs.primary
    return f"{kind}-{claim.number}-{suffix}.pdf"


def render_html(claim, kind: str, langs: Languages, options: DocumentOptions, base_url: str | None = None) -> str:
    template, title = KINDS[kind]
    set_context_programme(claim.programme)
    with force_locale(langs.primary):
        context = build_context(claim, options, base_url)
        return render_template(template, **context, kind=kind, title=title, doc=langs, bi=langs.bi,
                               localized=Localized, format_date=format_date, format_number=format_number,
                               page_css=page_css(claim.number, context["code"], langs.primary))


def render(claim, kind: str, *, lang: str | None = None, bilingual: bool = False, show_personal: bool = True,
           base_url: str | None = None) -> tuple[bytes, str]:
    """The document as PDF bytes, with its file name."""
    langs = document_languages(claim, lang, bilingual)
    html = render_html(claim, kind, langs, DocumentOptions(show_personal=show_personal), base_url)
    log.debug("rendering %s of %s in %s", kind, claim.number, langs)
    return render_pdf(html), filename(claim, kind, langs)


def render_claim(claim_id: int, kind: str = "casefile", *, lang: str | None = None, bilingual: bool = False,
                 base_url: str | None = None) -> tuple[bytes, str]:
    """Job form: render one claim by id, for the operator's batch (no user scope; the caller chose the claims)."""
    claim = db.session.scalar(sa.select(Claim).options(joinedload(Claim.owner)).where(Claim.id == claim_id))
    if claim is None:
        raise NotFound()
    return render(claim, kind, lang=lang, bilingual=bilingual, base_url=base_url)
