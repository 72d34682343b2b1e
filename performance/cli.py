"""Command-line tools of performance: import a Camtrap DP package, show and approve a period's assessment, and put
an approved period in a payment batch."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from conflict_service.cli import acting_user, fail
from conflict_service.db import db
from conflict_service.errors import DomainError
from conflict_service.i18n import format_money
from performance import evidence, payments, periods, queries
from performance.models import Period

cli = AppGroup("performance", help="Conservation-performance contracts: camera-trap imports, period assessments.")


def _period(period_id: int) -> Period:
    period = db.session.get(Period, period_id)
    if period is None:
        raise click.ClickException(f"No period {period_id}.")
    return period


@cli.command("import")
@click.argument("programme_id", type=int)
@click.argument("package", type=click.Path(exists=True, path_type=Path))
@click.option("--user", "username", help="Import as this verifier or manager.")
def import_command(programme_id, package, username):
    """Import a Camtrap DP PACKAGE (a zip archive) for a performance programme: all of it, or nothing."""
    user = acting_user(username)
    try:
        batch = evidence.import_package(programme_id, package.read_bytes(), package.name, user)
        view = queries.import_view(batch)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        fail(error)
    click.echo(f"Imported {view['package_name']}: {view['deployments']} deployments ({view['linked']} linked to "
               f"contracts), {view['observations']} leopard observations waiting for verification.")


@cli.command("assessment")
@click.argument("period_id", type=int)
def assessment_command(period_id):
    """Show a period's assessment step by step."""
    view = queries.assessment_view(_period(period_id))
    for line in view["lines"]:
        amount = format_money(line["amount"], view["currency"], "en", exact=True) if line["amount"] else ""
        click.echo(f"{line['step']:<10} {line['text']}  {amount}")
    click.echo(f"Total: {format_money(view['total'], view['currency'], 'en')}")
    for share in view["shares"]:
        click.echo(f"  {share['name']}: {format_money(share['amount'], view['currency'], 'en')}")
    click.echo(f"Status: {view['period'].status.value}")
    for payment in view["payments"]:
        click.echo(f"  {payment.reference:<28} {payment.payee_name:<30} "
                   f"{format_money(payment.amount, payment.currency, 'en'):>18}  {payment.status.value:<10} "
                   f"batch {payment.batch_id or '-'}")


@cli.command("pay")
@click.argument("period_id", type=int)
@click.option("--user", "username", required=True, help="The manager building the batch (another approves it).")
@click.option("--note", default="", help="A note kept with the batch.")
def pay_command(period_id, username, note):
    """Put an approved period in a new payment batch of its programme: its lump sum, or one payment per member."""
    user = acting_user(username)
    try:
        batch = payments.pay(queries.get_period(period_id, user), {"note": note}, user)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        fail(error)
    click.echo(f"Period {period_id} is in payment batch {batch.id}; another manager approves the batch.")


@cli.command("approve")
@click.argument("period_id", type=int)
@click.option("--user", "username", required=True, help="The approving manager.")
def approve_command(period_id, username):
    """Approve an ended period (a manager who verified none of its observations)."""
    user = acting_user(username)
    try:
        period = periods.approve(_period(period_id), user)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        fail(error)
    click.echo(f"Period {period.number} of contract {period.contract_id} approved: "
               f"{format_money(period.total, period.contract.currency, 'en')}.")
