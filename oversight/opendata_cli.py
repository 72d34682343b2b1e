"""`flask opendata export`: the open-data files from the command line, scoped and audited as a named user."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from conflict_service.auth.roles import OVERSEERS
from oversight.opendata import Tier
from oversight.opendata_api import FORMATS, OpenDataQuerySchema, export, request_of
from oversight.report_cli import _load, _user

opendata_cli = AppGroup("opendata", help="Open data for range-wide databases (Darwin Core Archive, CSV, GeoJSON).")


@opendata_cli.command("export")
@click.option("--user", "username", required=True, help="Export as this manager or auditor (their jurisdictions).")
@click.option("--tier", type=click.Choice([t.value for t in Tier]), default=Tier.PUBLIC.value, show_default=True)
@click.option("--recipient", default=None, help="Who receives the file (needed for the partner tier).")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="dwca.zip", show_default=True)
@click.option("--programme", "programme_id", default=None, help="Only this programme (id).")
@click.option("--from", "start", default=None, help="Incidents from this date (YYYY-MM-DD).")
@click.option("--to", "end", default=None, help="Incidents to this date (YYYY-MM-DD).")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
@click.option("--bom", is_flag=True, help="CSV for Excel: start with a UTF-8 byte-order mark (Persian reads right).")
def export_command(username, tier, recipient, fmt, programme_id, start, end, out, bom):
    """Write the anonymised events of one tier for one recipient to a file."""
    user = _user(username)
    if user.role not in OVERSEERS:
        raise click.ClickException(f"{username!r} is not a manager or auditor.")
    args = _load(OpenDataQuerySchema(), {"tier": tier, "recipient": recipient, "programme_id": programme_id,
                                         "from": start, "to": end})
    body, count = export(user, request_of(args), fmt, bom=bom)
    out.write_bytes(body)
    click.echo(f"{count} events written to {out}.", err=True)
