"""Command-line tools of payouts: rate tables, payment files, bank statements and overdue payments."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from claims.cli import AS_USER, claim_by_number, claims_cli, office_time
from claims.models import Programme
from claims.queries import get_programme
from conflict_service.auth.models import Role
from conflict_service.auth.roles import OVERSEERS, RECORD_READERS
from conflict_service.cli import acting_user, committed, loaded, record_rates_file, refused
from conflict_service.db import db
from conflict_service.i18n import format_money, plain_digits
from conflict_service.spreadsheets import BOM
from conflict_service.timeutil import local_today
from payouts import operations, queries
from payouts.enums import BatchStatus, DecisionKind, RejectReason
from payouts.presentation import reconciliation_message
from payouts.schemas import (
    ApproveSchema,
    BatchCreateSchema,
    CancelSchema,
    ConfirmSchema,
    FailSchema,
    RateEntrySchema,
    RejectSchema,
)

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
    with refused():
        batch = queries.get_batch(batch_id, user)
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


@payments_cli.command("confirm")
@click.argument("reference")
@click.option("--bank-reference", required=True, help="The bank's or operator's reference of the transfer.")
@click.option("--paid-on", help="The day the money arrived, on the office's calendar (YYYY-MM-DD).")
@click.option("--paid-at", help="Or the moment it arrived, with its offset (2026-12-01T10:30:00+03:30).")
@click.option("--user", "username", required=True, help="The manager confirming the payment.")
def payments_confirm(reference, bank_reference, paid_on, paid_at, username):
    """Confirm sent payment REFERENCE (as on the payment file) by hand: the claim becomes paid."""
    user = acting_user(username, Role.MANAGER)
    raw = {"reference": bank_reference, "paid_on": paid_on, "paid_at": paid_at}
    data = loaded(ConfirmSchema(), {k: v for k, v in raw.items() if v is not None})
    with committed():
        payment = operations.confirm_payment(_payment(reference, user), data, user)
    click.echo(f"{payment.reference} confirmed ({bank_reference}): "
               f"{format_money(payment.amount, payment.currency, 'en')} paid.")


@payments_cli.command("fail")
@click.argument("reference")
@click.option("--reason", required=True, help="Why the money did not arrive (a returned transfer, a closed wallet).")
@click.option("--user", "username", required=True, help="The manager recording the failure.")
def payments_fail(reference, reason, username):
    """Mark sent payment REFERENCE failed: the claim goes back to approved, to be paid again."""
    user = acting_user(username, Role.MANAGER)
    data = loaded(FailSchema(), {"reason": reason})
    with committed():
        payment = operations.fail_payment(_payment(reference, user), data, user)
    click.echo(f"{payment.reference} marked failed; its claim waits to be paid again.")


def _payment(reference: str, user):
    with refused():
        return queries.get_payment_by_reference(plain_digits(reference), user)


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


@batches_cli.command("build")
@click.argument("programme_id", type=int)
@click.option("--claim", "numbers", multiple=True,
              help="An approved claim to pay (its number); repeatable. Left out: everything waiting in the programme.")
@click.option("--subject", "subject_ids", type=int, multiple=True,
              help="For a performance programme: an approved period to pay (its id); repeatable.")
@click.option("--note", default=None, help="A note kept with the batch.")
@click.option("--user", "username", required=True, help="The manager building the batch (another approves it).")
def batches_build(programme_id, numbers, subject_ids, note, username):
    """Batch what is waiting to be paid in PROGRAMME_ID (approved claims, advances), for another manager to approve."""
    user = acting_user(username, Role.MANAGER)
    raw = {"programme_id": programme_id, "claim_ids": [claim_by_number(n, user).id for n in numbers] or None,
           "subject_ids": list(subject_ids) or None, "note": note}
    data = loaded(BatchCreateSchema(), {k: v for k, v in raw.items() if v is not None})
    with committed():
        batch = operations.build_batch(data, user)
    click.echo(_batch_line(queries.batch_view(batch)))
    click.echo(f"Batch #{batch.id} built; another manager approves it (flask batches approve {batch.id}).")


@batches_cli.command("cancel")
@click.argument("batch_id", type=int)
@click.option("--reason", default="", help="Why the batch is withdrawn (kept in the audit trail).")
@click.option("--user", "username", required=True, help="A manager of the programme.")
def batches_cancel(batch_id, reason, username):
    """Cancel BATCH_ID before it is approved: its claims wait to be paid again, its advances go back to the queue."""
    user = acting_user(username, Role.MANAGER)
    data = loaded(CancelSchema(), {"reason": reason})
    with committed():
        batch = operations.cancel_batch(queries.get_batch(batch_id, user), data, user)
    click.echo(f"Batch #{batch.id} cancelled: what it held waits to be paid again.")


@claims_cli.command("approve")
@click.argument("number")
@click.option("--note", default="", help="A note kept with the approval.")
@AS_USER
def claims_approve(number, note, username):
    """Approve the assessed amount of verified claim NUMBER (managers; above the programme's threshold, two different
    managers)."""
    user = acting_user(username, Role.MANAGER)
    data = loaded(ApproveSchema(), {"note": note})
    with committed():
        result = operations.approve_claim(claim_by_number(number, user), data, user)
    amount = format_money(result.decision.total, result.decision.currency, "en")
    if result.award is None:
        click.echo(f"{number}: first approval of {amount}; a second, different manager must approve it.")
    else:
        click.echo(f"{number} approved: {amount}, to be paid by {result.award.due_on.isoformat()}.")


@claims_cli.command("reject")
@click.argument("number")
@click.option("--reason", "reason_code", required=True, type=click.Choice([r.value for r in RejectReason]))
@click.option("--note", default="", help="The explanation (required with --reason other).")
@AS_USER
def claims_reject(number, reason_code, note, username):
    """Reject verified claim NUMBER with a reason (managers); an advance not yet in a batch is cancelled."""
    user = acting_user(username, Role.MANAGER)
    data = loaded(RejectSchema(), {"reason_code": reason_code, "note": note})
    with committed():
        operations.reject_claim(claim_by_number(number, user), data, user)
    click.echo(f"{number} rejected ({reason_code}).")


@claims_cli.command("advance")
@click.argument("number")
@AS_USER
def claims_advance(number, username):
    """Grant the programme's advance on verified claim NUMBER (managers); it is paid with the next batch."""
    user = acting_user(username, Role.MANAGER)
    with committed():
        payment = operations.grant_advance(claim_by_number(number, user), user)
    click.echo(f"{number}: advance of {format_money(payment.amount, payment.currency, 'en')} granted "
               f"({payment.reference}); paid with the next batch.")


@claims_cli.command("decisions")
@click.argument("number")
@AS_USER
def claims_decisions(number, username):
    """Approvals (first and final) and rejections of claim NUMBER, oldest first."""
    claim = claim_by_number(number, acting_user(username, *RECORD_READERS))
    for decision in queries.decisions_for(claim.id):
        if decision.kind == DecisionKind.REJECT:
            what = f"rejected ({decision.reason_code.value})"
        else:
            what = "approved" if decision.is_final else "first approval"
            what += f" {format_money(decision.total, decision.currency, 'en')}"
        superseded = f", superseded {office_time(claim, decision.superseded_at)}" if decision.superseded_at else ""
        note = f": {decision.note}" if decision.note else ""
        click.echo(f"{office_time(claim, decision.decided_at)}  {decision.manager.username:<16} "
                   f"{what}{superseded}{note}")


@claims_cli.command("payments")
@click.argument("number")
@AS_USER
def claims_payments(number, username):
    """Every payment of claim NUMBER (advances, payments, failed and cancelled ones), oldest first (managers,
    auditors)."""
    claim = claim_by_number(number, acting_user(username, *OVERSEERS))
    for payment in queries.payments_for(claim.id):
        batch = f"batch #{payment.batch_id}" if payment.batch_id else "no batch yet"
        click.echo(f"{payment.reference:<28} {payment.kind.value:<8} {payment.status.value:<10} "
                   f"{format_money(payment.amount, payment.currency, 'en'):>24}  {batch}")


def register(app: Flask) -> None:
    for group in (rates_cli, batches_cli, payments_cli):
        app.cli.add_command(group)
