"""`flask reports bulletin`: the annual bulletin as a PDF file, for a named manager or auditor."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from oversight import bulletin
from oversight.bulletin_api import BulletinQuerySchema, choice_of
from oversight.report_cli import _load, _user


@click.command("bulletin")
@with_appcontext
@click.option("--user", "username", required=True, help="As this manager or auditor (their jurisdictions).")
@click.option("--programme", "programme_id", default=None, help="The programme (id), or give --country.")
@click.option("--country", default=None, help="A country's jurisdiction code, or give --programme.")
@click.option("--year", required=True, help="The programme year in its own calendar (1404 or 2025; a number of the "
              "other calendar names the year that begins in it).")
@click.option("--lang", default="en", show_default=True, help="Language of the bulletin.")
@click.option("--bilingual", is_flag=True, help="Headings also in the programme's official language.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
def bulletin_command(username, programme_id, country, year, lang, bilingual, out):
    """Write the annual bulletin of a programme or country as a PDF."""
    user = _user(username)
    args = _load(BulletinQuerySchema(), {"programme_id": programme_id, "country": country, "year": year,
                                         "lang": lang, "bilingual": "true" if bilingual else None})
    pdf, _name = bulletin.render(user, choice_of(args))
    out.write_bytes(pdf)
    click.echo(f"Bulletin written to {out} ({len(pdf)} bytes).", err=True)
