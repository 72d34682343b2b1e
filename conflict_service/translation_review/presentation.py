"""How a corrected translation reads in the audit trail."""

from __future__ import annotations

from flask_babel import lazy_gettext as L_

from conflict_service.audit.presentation import register, register_value
from conflict_service.i18n import language_title


def register_texts() -> None:
    register({"translation.corrected": L_("{locale} translation corrected to “{new}”, reviewed by {reviewer}")})
    register_value("locale", language_title)
