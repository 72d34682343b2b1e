"""`flask reports ...`: the oversight reports as a table or CSV, scoped to a named user's jurisdictions."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from conflict_service.auth import queries as auth_queries
from conflict_service.errors import ValidationError
from conflict_service.web import forms as web_forms
from oversight import report_csv, reports
from oversight.performance_payouts import payout_rows
from oversight.report_schemas import DeadlineQuerySchema, FilterSchema, PayoutQuerySchema, filters

reports_cli = AppGroup("reports", help="Payouts, deadlines and liabilities reports.")


def _user(username: str | None):
    """The user whose jurisdictions the report covers."""
    user = auth_queries.get_by_username(username) if username else None
    if user is None:
        raise click.ClickException(f"No user {username!r}: give --user, a manager or auditor.")
    return user


def _load(schema, raw: dict) -> dict:
    try:
        return web_forms.load(schema, {k: v for k, v in raw.items() if v not in (None, "")})
    except ValidationError as error:
        raise click.UsageError("; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in error.errors.items())) from None


def _print(columns: list[str], rows: list[dict], as_csv: bool) -> None:
    if as_csv:
        click.echo(report_csv.text(columns, rows), nl=False)
        return
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for r in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)))
    click.echo(f"({len(rows)} rows)")


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def common(fn):
    fn = click.option("--user", "username", required=True, help="Report as this user (their jurisdictions).")(fn)
    fn = click.option("--programme", "programme_id", default=None, help="Only this programme (id).")(fn)
    fn = click.option("--csv", "as_csv", is_flag=True, help="CSV instead of a table.")(fn)
    return fn


def dated(fn):
    fn = click.option("--from", "start", default=None, help="From this date (YYYY-MM-DD).")(fn)
    return click.option("--to", "end", default=None, help="To this date (YYYY-MM-DD).")(fn)


@reports_cli.command("payouts")
@click.option("--group-by", default="programme", show_default=True,
              help="Comma-separated: " + ", ".join(reports.DIMENSIONS) + ".")
@click.option("--payments", default="compensation", show_default=True,
              help="compensation (claims) or performance (performance periods, counted apart).")
@common
@dated
def payouts(group_by, payments, username, programme_id, as_csv, start, end):
    """Amounts paid and claims (or performance periods) paid, per currency and the chosen dimensions."""
    args = _load(PayoutQuerySchema(), {"group_by": group_by, "programme_id": programme_id, "from": start, "to": end,
                                       "payments": payments})
    rows = payout_rows(_user(username), args["group_by"], filters(args), args["payments"])
    _print(report_csv.payout_columns(args["group_by"], args["payments"]), rows, as_csv)


@reports_cli.command("deadlines")
@click.option("--group-by", default="", help="Besides the programme: region, month.")
@common
@dated
def deadlines(group_by, username, programme_id, as_csv, start, end):
    """Time to verification and to payment: median, 90th percentile, share within the deadline."""
    args = _load(DeadlineQuerySchema(), {"group_by": group_by, "programme_id": programme_id, "from": start,
                                         "to": end})
    rows = [report_csv.flat_deadline(r) for r in reports.deadlines(_user(username), args["group_by"], filters(args))]
    _print(report_csv.deadline_columns(args["group_by"]), rows, as_csv)


@reports_cli.command("liabilities")
@common
def liabilities(username, programme_id, as_csv):
    """Approved but unpaid amounts per programme and currency."""
    args = _load(FilterSchema(only=("programme_id",)), {"programme_id": programme_id})
    _print(report_csv.LIABILITY_COLUMNS, reports.liabilities(_user(username), filters(args)), as_csv)
