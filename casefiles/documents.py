"""Render a claim's case file or receipt to PDF, in any locale, optionally bilingual.

``render(claim, kind, ...)`` is the one implementation behind the web page, the API and the CLI;
``render_claim(claim_id, ...)`` is its job form (one claim id in, PDF bytes out) for batch rendering.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as L_
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from casefiles.context import build_context
from casefiles.sections import DocumentOptions
from claims.models import Claim
from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.i18n import (
    format_date,
    format_number,
    format_percent,
    is_rtl,
    normalise,
    set_context_programme,
)
from conflict_service.pdf import render_pdf
from conflict_service.printing import Languages, css_string, page_counter

log = logging.getLogger(__name__)

KINDS = {
    "casefile": ("casefiles/casefile.html", L_("Case file")),
    "receipt": ("casefiles/receipt.html", L_("Claim receipt")),
}
class Localized:
    """A value formatted when the sentence around it is: a bilingual sentence gets each language's own
    digits and calendar (``localized(format_date, due, tz=tz)`` inside ``bi(...)``)."""

    def __init__(self, fn, *args, **kwargs):
        self.fn, self.args, self.kwargs = fn, args, kwargs

    def __str__(self) -> str:
        return str(self.fn(*self.args, **self.kwargs))


# What document templates format values with: ``bi('… %(pct)s …', pct=localized(format_percent, x))``.
FORMATTERS = {"localized": Localized, "format_date": format_date, "format_number": format_number,
              "format_percent": format_percent}


def document_languages(claim, lang: str | None, bilingual: bool) -> Languages:
    primary = normalise(lang) or normalise(claim.owner.preferred_language) or "en"
    secondary = normalise(claim.programme.official_language) if bilingual else None
    return Languages(primary, secondary if secondary != primary else None)


def page_css(number: str, code: str, locale: str) -> Markup:
    """The running footer: claim number, verification code and "Page X of Y" in the locale's words and digits."""
    start, end = ("bottom-right", "bottom-left") if is_rtl(locale) else ("bottom-left", "bottom-right")
    return Markup(  # noqa: S704 - every text part goes through css_string
        f"@page {{ @bottom-center {{ content: {page_counter(locale)}; }} "
        f"@{start} {{ content: {css_string(number)}; }} @{end} {{ content: {css_string(code)}; }} }}")


def filename(claim, kind: str, langs: Languages) -> str:
    suffix = f"{langs.primary}-{langs.secondary}" if langs.secondary else langs.primary
    return f"{kind}-{claim.number}-{suffix}.pdf"


def render_html(claim, kind: str, langs: Languages, options: DocumentOptions, base_url: str | None = None) -> str:
    template, title = KINDS[kind]
    set_context_programme(claim.programme)
    with force_locale(langs.primary):
        context = build_context(claim, options, base_url)
        return render_template(template, **context, kind=kind, title=title, doc=langs, bi=langs.bi, nbi=langs.nbi,
                               **FORMATTERS, page_css=page_css(claim.number, context["code"], langs.primary))


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
