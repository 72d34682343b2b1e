"""Record a new version of a programme's rate table, by hand or from a CSV file; old versions stay.

The machinery (versions, checks, CSV) is ``conflict_service.rate_tables``, shared with insurance's premium rates.
"""

from __future__ import annotations

import logging

import marshmallow
import sqlalchemy as sa
from flask_babel import gettext as _

from claims.models import Programme
from conflict_service import rate_tables
from conflict_service.audit.operations import record
from conflict_service.db import db
from conflict_service.errors import Forbidden, InvalidTransition
from conflict_service.jurisdictions import queries as jq
from conflict_service.timeutil import utcnow
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


def check_rates(programme: Programme, entries: list[dict]) -> None:
    """A version of the rate table: no species and age class twice from one date, amounts in the minor unit."""
    rate_tables.check_entries(programme.currency, entries, ("species", "age_class", "valid_from"),
                              _("This species and age class already has a rate from this date in the table."))


def record_rates(programme: Programme, data: dict, actor, *, source: str = "api") -> RateTable:
    """Add a version of the rate table: ``{"entries": [{species, age_class, amount, valid_from}], "note"}``."""
    check_can_edit(programme, actor)
    entries = data["entries"]
    check_rates(programme, entries)
    table = rate_tables.add_version(programme, "programme_id", RateTable, Rate, entries, actor, source=source,
                                    note=data.get("note"))
    table.is_pending = actor is not None  # the server's operator (CLI without --user) is not a manager
    db.session.flush()
    record("programme.rates_recorded", programme, actor=actor, data={
        "version": table.version, "source": source, "count": len(entries), "pending": table.is_pending,
        "entries": [[e["species"], e["age_class"], e["amount"], e["valid_from"]] for e in entries]})
    log.info("rate table v%s of programme %s: %s entries", table.version, programme.id, len(entries))
    return table


def confirm_rates(table: RateTable, actor) -> RateTable:
    """A second manager confirms a version recorded by another: its rates are in force from now."""
    programme = _decide_start(table, actor)
    if table.recorded_by_id == actor.id:
        raise Forbidden(_("You recorded this version; a second manager must confirm it."))
    table.is_pending, table.decided_by, table.decided_at = False, actor, utcnow()
    db.session.flush()
    record("programme.rates_confirmed", programme, actor=actor, data={
        "version": table.version, "recorded_by": getattr(table.recorded_by, "username", None)})
    return table


def refuse_rates(table: RateTable, actor, note: str = "") -> RateTable:
    """Refuse a version waiting for confirmation (or withdraw your own); it never comes into force."""
    programme = _decide_start(table, actor)
    table.is_refused, table.decided_by, table.decided_at = True, actor, utcnow()
    db.session.flush()
    record("programme.rates_refused", programme, actor=actor, reason=note.strip() or None,
           data={"version": table.version})
    return table


def _decide_start(table: RateTable, actor) -> Programme:
    programme = db.session.scalars(sa.select(Programme).where(Programme.id == table.programme_id)
                                   .with_for_update(of=Programme)).one()
    check_can_edit(programme, actor)
    if actor is None:
        raise Forbidden(_("Only a programme manager can confirm or refuse changes of the rules."))
    db.session.refresh(table)
    if not table.is_pending or table.is_refused:
        raise InvalidTransition(_("This version of the rates is already decided."))
    return programme


def import_csv(programme: Programme, content: bytes, actor, *, schema: marshmallow.Schema, note: str = "",
               source: str = "csv") -> RateTable:
    """Record the rates of a CSV file as a new version, or change nothing and report every bad line."""
    check_can_edit(programme, actor)
    return rate_tables.import_file(content, schema, CSV_COLUMNS, lambda entries: record_rates(
        programme, {"entries": entries, "note": note}, actor, source=source),
        check=lambda entries: check_rates(programme, entries))
