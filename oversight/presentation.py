"""How oversight's own audit events read in the audit trail (stored as codes, shown in the reader's language)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_

from conflict_service.audit.presentation import register, register_value, register_values
from oversight.opendata import PUBLIC_RECIPIENT, Tier

FORMAT_NAMES = {"csv": "CSV", "xlsx": "XLSX", "geojson": "GeoJSON", "zip": "ZIP"}  # files are known by these names


def init() -> None:
    register({
        # i18n: {tier} is the tier's translated name (Public, Partner); {recipient} who receives the file
        "export.opendata": L_("Open data exported: {tier} tier for {recipient}, {rows} events"),
        "export.claims": L_("Claims exported ({format}): {rows} rows"),
    })
    register_values({"tier": Tier})
    register_value("tier", lambda code: Tier(code).title)
    # i18n: who receives the public tier's file (anyone who downloads it), in "Public tier for the public"
    register_value("recipient", lambda name: _("anyone who downloads it") if name == PUBLIC_RECIPIENT else name)
    register_value("format", lambda code: FORMAT_NAMES.get(code, code))
