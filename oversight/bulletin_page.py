"""The bulletin's running footer: "Page X of Y" in the locale's words and digits, on the reading side."""

from __future__ import annotations

from markupsafe import Markup

from conflict_service.i18n import is_rtl
from conflict_service.printing import page_counter


def page_css(locale: str) -> Markup:
    side = "bottom-left" if is_rtl(locale) else "bottom-right"
    return Markup(f"@page {{ @{side} {{ content: {page_counter(locale)}; }} }}")  # noqa: S704 - texts via css_string
