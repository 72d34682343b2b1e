"""Command-line tools of payouts: rate tables, payment files, bank statements and overdue payments."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from claims.models import Programme
from claims.queries import get_programme
from conflict_service.cli import acting_user, committed, fail, record_rates_file
from conflict_service.db import db
from conflict_service.errors import DomainError
from conflict_service.i18n import format_money
from conflict_service.spreadsheets import BOM
from conflict_service.timeutil import local_today
from payouts import operations, queries
from payouts.enums import BatchStatus
from payouts.presentation import reconciliation_message
from payouts.schemas import RateEntrySchema

rates_cli = AppGroup("rates", help="Rate tables of programmes.")
batches_cli = AppGroup("batches", help="Payment batches.")
payments_cli = AppGroup("payments", help="Payments: bank statements and overdue claims.")


def _programme(programme_id: int, user) -> Programme:
    programme = get_programme(programme_id, user) if user else db.session.get(Programme, programme_id)
    if programme is None:
        raise click.ClickException(f"No programme {programme_id}.")
    return programme


@rates_cli.command("import")
@click.argument("programme_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", default=None, help="Record as this manager (default: the server operator).")
@click.option("--note", default="", help="A note kept with the version.")
def rates_import(programme_id, file, username, note):
    """Record FILE (CSV: species,age_class,amount,valid_from) as a new version of PROGRAMME_ID's rates."""
    user = acting_user(username)
    record_rates_file(lambda: operations.import_csv(_programme(programme_id, user), file.read_bytes(), user,
                                                    schema=RateEntrySchema(), note=note, source="cli"), "rates")


@rates_cli.command("list")
@click.argument("programme_id", type=int)
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Incident date (YYYY-MM-DD).")
def rates_list(programme_id, on):
    """Show the rates in force on a date (default: today)."""
    programme = _programme(programme_id, None)
    day: date = on.date() if on else local_today(programme.jurisdiction.timezone)
    for entry in queries.rates_in_force(programme.id, day):
        click.echo(f"{entry['species'].value:<8} {entry['age_class'].value:<6} "
                   f"{format_money(entry['amount'], programme.currency, 'en'):>22}  since {entry['valid_from']}  "
                   f"v{entry['version']}")


@batches_cli.command("export")
@click.argument("batch_id", type=int)
@click.option("--user", "username", required=True, help="The manager exporting the file (audited).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@click.option("--bom", is_flag=True, help="For Excel: start with a UTF-8 byte-order mark (Persian names read right).")
def batches_export(batch_id, username, output, bom):
    """Write the payment file of an approved batch (payee, account or phone, amount, currency, reference)."""
    user = acting_user(username)
    with committed():
        text = operations.payment_file(queries.get_batch(batch_id, user), user)
    text = BOM + text if bom else text
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}.", err=True)
    else:
        click.echo(text, nl=False)


def _batch_line(view: dict) -> str:
    return (f"#{view['id']:<6} {view['status'].value:<18} {view['programme'].name[:32]:<32} "
            f"{view['payment_count']:>5} payments  {format_money(view['total'], view['currency'], 'en'):>24}  "
            f"built by {view['created_by'].username}")


@batches_cli.command("list")
@click.option("--user", "username", required=True, help="List what this user may see.")
@click.option("--status", type=click.Choice([s.value for s in BatchStatus]), default=None, help="Only this status.")
@click.option("--programme", "programme_id", type=int, default=None, help="Only this programme's batches.")
def batches_list(username, status, programme_id):
    """List payment batches (newest first) with their status, payment count and total."""
    page = queries.batches_page(acting_user(username), status=BatchStatus(status) if status else None,
                                programme_id=programme_id, per_page=500)
    sums = queries.batch_sums([b.id for b in page.items])
    for batch in page.items:
        click.echo(_batch_line(queries.batch_view(batch, sums=sums)))
    click.echo(f"{page.total} batches.")


@batches_cli.command("show")
@click.argument("batch_id", type=int)
@click.option("--user", "username", required=True, help="Show the batch as this user may see it.")
def batches_show(batch_id, username):
    """Show BATCH_ID: its status, who built and approved it, and each payment."""
    user = acting_user(username)
    try:
        batch = queries.get_batch(batch_id, user)
    except DomainError as error:
        fail(error)
    click.echo(_batch_line(queries.batch_view(batch)))
    if batch.approved_by is not None:
        click.echo(f"approved by {batch.approved_by.username} at {batch.approved_at.isoformat()}")
    for payment, claim in queries.batch_payments(batch.id):
        subject = claim.number if claim is not None else f"{payment.subject} {payment.subject_id}"
        click.echo(f"  {payment.reference:<28} {subject:<24} {payment.status.value:<10} "
                   f"{format_money(payment.amount, payment.currency, 'en'):>24}")


@batches_cli.command("approve")
@click.argument("batch_id", type=int)
@click.option("--user", "username", required=True, help="The approving manager (not the one who built the batch).")
def batches_approve(batch_id, username):
    """Approve BATCH_ID, built by another manager: its payments are sent (claims or performance periods)."""
    user = acting_user(username)
    with committed():
        batch = operations.approve_batch(queries.get_batch(batch_id, user), user)
    click.echo(f"Batch #{batch.id} approved: its payments are sent.")


@payments_cli.command("reconcile")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, help="The manager reconciling (confirmations are in their name).")
def payments_reconcile(file, username):
    """Import a bank statement (CSV: reference,amount,date): confirm matches and list every mismatch."""
    user = acting_user(username)
    with committed():
        report = operations.reconcile(file.name, file.read_bytes(), user)
    for row in report.results:
        line = row["line"] if row["line"] is not None else "-"
        click.echo(f"{line!s:>5}  {row['reference'] or '—':<28} {row['code']:<20} {reconciliation_message(row)}")
    click.echo(f"{report.matched_count} matched, {report.mismatch_count} not matched.")


@payments_cli.command("overdue")
@click.option("--user", "username", required=True, help="List what this user may see.")
def payments_overdue(username):
    """List approved claims not paid within their programme's payment deadline."""
    rows = queries.overdue(acting_user(username))
    for row in rows:
        click.echo(f"{row.claim.number:<24} due {row.award.due_on}  {row.days_overdue:>4} days overdue  "
                   f"{format_money(row.award.total, row.award.currency, 'en')}")
    click.echo(f"{len(rows)} overdue.")


@rates_cli.command("confirm")
@click.argument("programme_id", type=int)
@click.argument("version", type=int)
@click.option("--user", "username", required=True, help="The confirming manager (not the one who recorded it).")
def rates_confirm(programme_id, version, username):
    """Confirm VERSION of PROGRAMME_ID's rates, recorded by another manager: in force from now."""
    user = acting_user(username)
    with committed():
        operations.confirm_rates(queries.get_rate_table(_programme(programme_id, user), version), user)
    click.echo(f"Version {version} confirmed; its rates are in force from now.")


@rates_cli.command("refuse")
@click.argument("programme_id", type=int)
@click.argument("version", type=int)
@click.option("--user", "username", required=True, help="A manager of the programme (its author withdraws it).")
@click.option("--note", default="", help="Why.")
def rates_refuse(programme_id, version, username, note):
    """Refuse (or withdraw) VERSION of PROGRAMME_ID's rates; it never comes into force."""
    user = acting_user(username)
    with committed():
        operations.refuse_rates(queries.get_rate_table(_programme(programme_id, user), version), user, note)
    click.echo(f"Version {version} refused.")


def register(app: Flask) -> None:
    for group in (rates_cli, batches_cli, payments_cli):
        app.cli.add_command(group)
