"""``flask translations export|import|changes``: the review sheet from the command line, on the catalogs the
running instance reads (``TRANSLATIONS_DIR``)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from conflict_service.cli import acting_user
from conflict_service.db import db
from conflict_service.errors import ValidationError
from conflict_service.translation_review import operations

translations_cli = AppGroup("translations", help="Translation review by local staff (XLSX out, corrections in).")


@translations_cli.command("export")
@click.argument("locale")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Target file (default: translations-LOCALE.xlsx here).")
def export(locale, out):
    """Write LOCALE's messages with context, pages and glossary terms as a review sheet."""
    try:
        data = operations.export_workbook(locale)
    except ValidationError as error:
        raise click.ClickException(_messages(error)) from None
    out = out or Path(f"translations-{operations.check_locale(locale)}.xlsx")
    out.write_bytes(data)
    click.echo(f"Wrote {out} ({len(data)} bytes).")


@translations_cli.command("import")
@click.argument("sheet", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reviewer", required=True, help="Who reviewed the translations.")
@click.option("--locale", default=None, help="The sheet's language (default: the sheet's name).")
@click.option("--user", "username", default=None, help="The administrator applying it (audited).")
def import_(sheet, reviewer, locale, username):
    """Check the corrections of SHEET and apply them to the catalog, compiled: every wrong row is listed and nothing
    changes if any is wrong."""
    try:
        report = operations.import_corrections(sheet.read_bytes(), reviewer, acting_user(username), locale)
    except ValidationError as error:
        for messages in error.errors.values():
            for message in messages:
                click.echo(f"  {message}", err=True)
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    for row, warnings in report.warnings.items():
        for warning in warnings:
            click.echo(f"  warning, row {row}: {warning}")
    click.echo(f"{len(report.changes)} translations changed in {report.locale} ({report.unchanged} unchanged); "
               "restart the service so that every worker reads them.")


@translations_cli.command("changes")
@click.option("--locale", default=None)
@click.option("--limit", default=20, show_default=True)
def changes(locale, limit):
    """The latest corrections with who reviewed and who applied them."""
    for event in operations.recent_changes(limit, locale):
        click.echo(f"{event.occurred_at:%Y-%m-%d %H:%M} UTC  {event.data['locale']:<6} {event.actor_name:<12} "
                   f"{event.data['reviewer']}: {event.data['msgid']!r} {event.data['old']!r} → {event.data['new']!r}")


def _messages(error: ValidationError) -> str:
    return " ".join(str(m) for messages in error.errors.values() for m in messages)
