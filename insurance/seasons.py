"""Managers run a scheme: its seasons and, per season, versioned premium rates per species."""

from __future__ import annotations

import logging

import marshmallow
import sqlalchemy as sa
from flask_babel import gettext as _

from claims.models import Programme
from conflict_service import rate_tables
from conflict_service.audit.operations import created, diff, record, snapshot
from conflict_service.db import db
from conflict_service.errors import ValidationError
from conflict_service.i18n import format_date
from conflict_service.schemas import clean_names
from insurance.ledger import open_fund
from insurance.models import PremiumRate, PremiumTable, Season
from insurance.permissions import check_manage_scheme

log = logging.getLogger(__name__)

SEASON_FIELDS = ("name", "names", "starts_on", "ends_on")
RENAMED = ("name", "names")
PREMIUM_COLUMNS = ("species", "amount", "valid_from")


def create_season(programme: Programme, data: dict, actor) -> Season:
    """Add a season of cover to a scheme; it must not overlap another season of the same scheme."""
    check_manage_scheme(actor, programme)
    if not programme.is_insurance:
        raise ValidationError.field("programme_id", _("Seasons belong to insurance schemes; {name} is a compensation "
                                                      "programme.").format(name=programme.local_name))
    name, starts, ends = data["name"].strip(), data["starts_on"], data["ends_on"]
    if ends < starts:
        raise ValidationError.field("ends_on", _("The season must end on or after the day it starts."))
    _check_overlap(programme, starts, ends)
    _check_name_free(programme, name)
    season = Season(programme_id=programme.id, name=name, names=clean_names(data.get("names")), starts_on=starts,
                    ends_on=ends, created_by_id=getattr(actor, "id", None))
    db.session.add(season)
    db.session.flush()
    open_fund(programme)
    record("insurance_season.created", season, actor=actor, changes=created(snapshot(season, SEASON_FIELDS)))
    return season


def update_season(season: Season, data: dict, actor) -> Season:
    """Rename a season: its official ``name`` and its ``names`` per language (the whole map); its dates stay."""
    check_manage_scheme(actor, season.programme)
    before = snapshot(season, RENAMED)
    if "name" in data and data["name"].strip() != season.name:
        _check_name_free(season.programme, data["name"].strip(), but=season.id)
        season.name = data["name"].strip()
    if "names" in data:
        season.names = clean_names(data["names"])
    db.session.flush()
    if changes := diff(before, snapshot(season, RENAMED)):
        record("insurance_season.updated", season, actor=actor, changes=changes)
    return season


def _check_name_free(programme: Programme, name: str, but: int | None = None) -> None:
    stmt = sa.select(Season.id).where(Season.programme_id == programme.id, Season.name == name, Season.id != but)
    if db.session.scalar(stmt) is not None:
        raise ValidationError.field("name", _("This scheme already has a season called {name}.").format(name=name))


def _check_overlap(programme: Programme, starts, ends) -> None:
    # The programme row lock makes two managers adding seasons at once take turns, so neither misses the other.
    db.session.execute(sa.select(Programme.id).where(Programme.id == programme.id).with_for_update())
    clash = db.session.scalar(sa.select(Season).where(Season.programme_id == programme.id, Season.starts_on <= ends,
                                                      Season.ends_on >= starts))
    if clash is not None:
        raise ValidationError.field("starts_on", _("The season {name} ({start} to {end}) already covers part of these "
                                                   "dates; seasons of a scheme must not overlap.").format(
            name=clash.name, start=format_date(clash.starts_on), end=format_date(clash.ends_on)))


def check_premium_rates(season: Season, entries: list[dict]) -> None:
    """A version of the premium rates: no species twice from one date, amounts in the currency's minor unit."""
    rate_tables.check_entries(season.programme.currency, entries, ("species", "valid_from"),
                              _("This species already has a premium rate from this date in the table."))


def record_premium_rates(season: Season, data: dict, actor, *, source: str = "api") -> PremiumTable:
    """Add a version of the season's premium rates: ``{"entries": [{species, amount, valid_from}], "note"}``."""
    programme = season.programme
    check_manage_scheme(actor, programme, _("Only a programme manager can change premium rates."))
    entries = data["entries"]
    check_premium_rates(season, entries)
    table = rate_tables.add_version(season, "season_id", PremiumTable, PremiumRate, entries, actor, source=source,
                                    note=data.get("note"))
    record("insurance_season.premium_rates_recorded", season, actor=actor, data={
        "version": table.version, "source": source, "count": len(entries), "currency": programme.currency,
        "entries": [[e["species"], e["amount"], e["valid_from"]] for e in entries]})
    log.info("premium rates v%s of season %s: %s entries", table.version, season.id, len(entries))
    return table


def import_premium_rates(season: Season, content: bytes, actor, *, schema: marshmallow.Schema, note: str = "",
                         source: str = "csv") -> PremiumTable:
    """Record the premium rates of a CSV file (``species,amount,valid_from``), or report every bad line."""
    check_manage_scheme(actor, season.programme, _("Only a programme manager can change premium rates."))
    return rate_tables.import_file(content, schema, PREMIUM_COLUMNS, lambda entries: record_premium_rates(
        season, {"entries": entries, "note": note}, actor, source=source),
        check=lambda entries: check_premium_rates(season, entries))
