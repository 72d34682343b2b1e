"""Record a new version of a programme's rate table, by hand or from a CSV file; old versions stay.

The machinery (versions, checks, CSV) is ``conflict_service.rate_tables``, shared with insurance's premium rates.
"""

from __future__ import annotations

import logging

import marshmallow
from flask_babel import gettext as _

from claims.models import Programme
from conflict_service import rate_tables
from conflict_service.audit.operations import record
from conflict_service.errors import Forbidden
from conflict_service.jurisdictions import queries as jq
from payouts.models import Rate, RateTable
from payouts.permissions import can_manage_payouts

log = logging.getLogger(__name__)

CSV_COLUMNS = ("species", "age_class", "amount", "valid_from")


def check_can_edit(programme: Programme, actor) -> None:
    """Managers change the programmes run in or below their own jurisdictions (None: the server's CLI)."""
    if actor is None:
        return
    if not can_manage_payouts(actor):
        raise Forbidden(_("Only a programme manager can change rate tables."))
    if programme.jurisdiction_id not in jq.scope_ids(actor):
        raise Forbidden(_("This programme is run above your jurisdiction; a manager there changes its rates."))


def record_rates(programme: Programme, data: dict, actor, *, source: str = "api") -> RateTable:
    """Add a version of the rate table: ``{"entries": [{species, age_class, amount, valid_from}], "note"}``."""
    check_can_edit(programme, actor)
    entries = data["entries"]
    rate_tables.check_entries(programme.currency, entries, ("species", "age_class", "valid_from"),
                              _("This species and age class already has a rate from this date in the table."))
    table = rate_tables.add_version(programme, "programme_id", RateTable, Rate, entries, actor, source=source,
                                    note=data.get("note"))
    record("programme.rates_recorded", programme, actor=actor, data={
        "version": table.version, "source": source, "count": len(entries),
        "entries": [[e["species"], e["age_class"], e["amount"], e["valid_from"]] for e in entries]})
    log.info("rate table v%s of programme %s: %s entries", table.version, programme.id, len(entries))
    return table


def import_csv(programme: Programme, content: bytes, actor, *, schema: marshmallow.Schema, note: str = "",
               source: str = "csv") -> RateTable:
    """Record the rates of a CSV file as a new version, or change nothing and report every bad line."""
    check_can_edit(programme, actor)
    return rate_tables.import_file(content, schema, CSV_COLUMNS, lambda entries: record_rates(
        programme, {"entries": entries, "note": note}, actor, source=source))
