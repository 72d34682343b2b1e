"""`flask exports ...`: the same exports from the command line, scoped and audited as a named user."""

import contextlib
import sys

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from claims.queries import ClaimFilters
from claims.states import ClaimState
from conflict_service.auth import queries as auth_queries
from conflict_service.db import db
from conflict_service.i18n import LOCALES
from oversight import exports

exports_cli = AppGroup("exports", help="Exports of claims.")


@exports_cli.command("claims")
@click.option("--user", "username", required=True, help="Export as this user: their jurisdictions and masking.")
@click.option("--format", "fmt", type=click.Choice(["csv", "geojson", "xlsx"]), default="csv", show_default=True)
@click.option("--status", "statuses", multiple=True, type=click.Choice([s.value for s in ClaimState]))
@click.option("--programme", "programme_id", type=int, default=None)
@click.option("--carcass-left", is_flag=True, help="Only claims with a carcass left in place, not yet disposed of.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default="-", show_default=True)
@click.option("--bom", is_flag=True, help="CSV for Excel: start with a UTF-8 byte-order mark (Persian reads right).")
@click.option("--lang", type=click.Choice(LOCALES), default="en", show_default=True,
              help="Language of the states, predators and other vocabulary in the file.")
def export_claims(username, fmt, statuses, programme_id, carcass_left, out, bom, lang):
    """Write claims as CSV, GeoJSON or XLSX to a file (or standard output)."""
    user = auth_queries.get_by_username(username)
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    with force_locale(lang):
        _export(user, fmt, statuses, programme_id, carcass_left, out, bom)


def _export(user, fmt, statuses, programme_id, carcass_left, out, bom):
    filters = ClaimFilters(status=[ClaimState(s) for s in statuses] or None, programme_id=programme_id,
                           carcass_left=True if carcass_left else None)
    count = exports.audit_export(user, fmt, filters)
    db.session.commit()
    items = exports.rows(user, filters)
    if fmt == "xlsx":
        if out == "-":
            raise click.ClickException("XLSX needs --out FILE.")
        with exports.xlsx_file(items) as handle, open(out, "wb") as target:
            target.write(handle.read())
    else:
        chunks = exports.csv_chunks(items, bom) if fmt == "csv" else exports.geojson_chunks(items)
        opened = contextlib.nullcontext(sys.stdout) if out == "-" else open(out, "w", encoding="utf-8", newline="")
        with opened as target:
            for chunk in chunks:
                target.write(chunk)
    click.echo(f"{count} claims exported.", err=True)
