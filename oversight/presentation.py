"""How oversight's own audit events read in the audit trail (stored as codes, shown in the reader's language)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from conflict_service.audit.presentation import recorded_count, register, register_value, register_values
from oversight.opendata import PUBLIC_RECIPIENT, Tier

FORMAT_NAMES = {"csv": "CSV", "xlsx": "XLSX", "geojson": "GeoJSON", "zip": "ZIP"}  # files are known by these names


def init() -> None:
    register({
        # i18n: {tier} is the tier's translated name (Public, Partner); {recipient} who receives the file; {rows} the
        # number of predator events in it
        "export.opendata": lambda data: ngettext("Open data exported: {tier} tier for {recipient}, {rows} event",
                                                 "Open data exported: {tier} tier for {recipient}, {rows} events",
                                                 recorded_count(data, "rows")),
        # i18n: {format} is the file's format (CSV, XLSX); {rows} the number of claims in it, one a row
        "export.claims": lambda data: ngettext("Claims exported ({format}): {rows} row",
                                               "Claims exported ({format}): {rows} rows", recorded_count(data, "rows")),
    })
    register_values({"tier": Tier})
    register_value("tier", lambda code: Tier(code).title)
    # i18n: who receives the public tier's file (anyone who downloads it), in "Public tier for the public"
    register_value("recipient", lambda name: _("anyone who downloads it") if name == PUBLIC_RECIPIENT else name)
    register_value("format", lambda code: FORMAT_NAMES.get(code, code))
