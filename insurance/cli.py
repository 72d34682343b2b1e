"""Command-line tools of insurance: fund balances, season statements, enrolment, donor contributions, premium
rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup
from marshmallow import ValidationError as MarshmallowError

from claims.models import Programme
from conflict_service.cli import acting_user, committed, fail, names_option, record_rates_file, renamed
from conflict_service.db import db
from conflict_service.errors import DomainError
from conflict_service.i18n import format_money
from conflict_service.timeutil import local_today
from conflict_service.web import forms as web_forms
from insurance import operations, queries
from insurance.models import Season
from insurance.schemas import PolicyCreateSchema, PremiumRateEntrySchema, SeasonCreateSchema, SeasonUpdateSchema
from insurance.statement import CSV_KINDS, fund_view, statement

insurance_cli = AppGroup("insurance", help="Community insurance: funds, statements, contributions, premium rates.")


def _scheme(scheme_id: int) -> Programme:
    scheme = db.session.get(Programme, scheme_id)
    if scheme is None or not scheme.is_insurance:
        raise click.ClickException(f"No insurance scheme {scheme_id}.")
    return scheme


def _season(scheme: Programme, name_or_id: str) -> Season:
    stmt = sa.select(Season).where(Season.programme_id == scheme.id)
    by_name = db.session.scalar(stmt.where(Season.name == name_or_id))
    found = by_name or (db.session.scalar(stmt.where(Season.id == int(name_or_id))) if name_or_id.isdigit() else None)
    if found is None:
        names = ", ".join(s.name for s in queries.seasons_of(scheme.id)) or "none yet"
        raise click.ClickException(f"{scheme.name} has no season {name_or_id!r} (seasons: {names}).")
    return found


def _money(value, currency: str) -> str:
    return format_money(value, currency, "en")


@insurance_cli.command("balance")
@click.argument("scheme_id", type=int, required=False)
def balance(scheme_id):
    """The fund of each scheme (or of SCHEME_ID): held, available, reserved and claims awaiting funds."""
    schemes = [_scheme(scheme_id)] if scheme_id else list(db.session.scalars(
        sa.select(Programme).where(Programme.kind == "insurance").order_by(Programme.id)))
    for scheme in schemes:
        f, cur = fund_view(scheme), scheme.currency
        click.echo(f"{scheme.id:>4}  {scheme.name}")
        click.echo(f"      held {_money(f['held'], cur)}  available {_money(f['available'], cur)}  "
                   f"reserved {_money(f['reserved'], cur)}  claims awaiting funds: {f['awaiting_count']} "
                   f"({_money(f['awaiting_total'], cur)})")


@insurance_cli.command("statement")
@click.argument("scheme_id", type=int)
@click.argument("season")
@click.option("--csv", "part", type=click.Choice(list(CSV_KINDS)), default=None,
              help="Print this part as CSV instead of the summary.")
def season_statement(scheme_id, season, part):
    """The fund statement of SEASON (its name or id): opening, premiums, contributions, payouts, closing."""
    scheme = _scheme(scheme_id)
    s = statement(scheme, _season(scheme, season))
    if part:
        click.echo(CSV_KINDS[part](s), nl=False)
        return
    cur = s.currency
    for label, value in (("Opening balance", s.opening), ("+ Premiums received", s.premiums),
                         ("+ Donor contributions", s.contributions), ("- Payouts", s.payouts),
                         ("Closing balance", s.closing), ("  of which reserved", s.reserved),
                         ("  of which available", s.available), ("Premiums due", s.premiums_due),
                         ("Premiums in arrears", s.arrears_total)):
        click.echo(f"{label:<24}{_money(value, cur):>24}")
    ratio = "-" if s.loss_ratio is None else f"{s.loss_ratio} %"
    click.echo(f"{'Loss ratio':<24}{ratio:>24}")
    click.echo(f"Policies: {s.policy_count} in {len(s.enrolment)} villages, {len(s.arrears)} in arrears. "
               f"Claims awaiting funds now: {len(s.awaiting)}.")


@insurance_cli.command("contribute")
@click.argument("scheme_id", type=int)
@click.argument("amount")
@click.option("--donor", required=True, help="Who gave the money.")
@click.option("--user", "username", required=True, help="The manager recording it (audited).")
@click.option("--received-on", "received_on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Day the money arrived (default: today).")
@click.option("--reference", default=None, help="Bank reference.")
@click.option("--season", default=None, help="Season (name or id) the money is booked to; default: the current one.")
def contribute(scheme_id, amount, donor, username, received_on, reference, season):
    """Record a donor contribution of AMOUNT; claims awaiting funds are released with it."""
    scheme, user = _scheme(scheme_id), acting_user(username)
    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise click.ClickException(f"{amount!r} is not an amount such as 250000 or 1200.50.") from None
    day: date = received_on.date() if received_on else local_today(scheme.jurisdiction.timezone)
    data = {"amount": value, "received_on": day, "donor": donor, "reference": reference,
            "season_id": _season(scheme, season).id if season else None}
    with committed():
        tx = operations.contribute(scheme, data, user)
    f = fund_view(scheme)
    click.echo(f"Posting no. {tx.seq}: {_money(value, scheme.currency)} from {donor}. "
               f"Available now {_money(f['available'], scheme.currency)}; claims still awaiting funds: "
               f"{f['awaiting_count']}.")


def _season_line(season: Season) -> str:
    shown = ", ".join(f"{k}: {v}" for k, v in sorted(season.names.items())) or "-"
    return (f"Season {season.id} of {season.programme.name}: {season.name} (names: {shown}), "
            f"{season.starts_on.isoformat()} to {season.ends_on.isoformat()}")


@insurance_cli.command("season-create")
@click.argument("scheme_id", type=int)
@click.argument("name")
@click.option("--from", "starts_on", required=True, help="First day of cover (YYYY-MM-DD).")
@click.option("--to", "ends_on", required=True, help="Last day of cover (YYYY-MM-DD).")
@click.option("--names", "names", multiple=True, metavar="LOCALE=NAME",
              help="The name in another language, e.g. --names fa='تابستان ۱۴۰۶' (repeatable).")
@click.option("--user", "username", required=True, help="A manager of the scheme (audited).")
def season_create(scheme_id, name, starts_on, ends_on, names, username):
    """Add a season NAME to a scheme (the page's checks: no overlap with another season, a name not yet used)."""
    scheme, user = _scheme(scheme_id), acting_user(username)
    with committed():
        data = web_forms.load(SeasonCreateSchema(), {"name": name, "starts_on": starts_on, "ends_on": ends_on,
                                                     "names": names_option(names)})
        season = operations.create_season(scheme, data, user)
    click.echo(_season_line(season))


@insurance_cli.command("season-rename")
@click.argument("scheme_id", type=int)
@click.argument("season")
@click.argument("name")
@click.option("--locale", default=None, metavar="LOCALE",
              help="Change the name in this language (e.g. fa, ps, hy); without it, the official name.")
@click.option("--user", "username", required=True, help="A manager of the scheme (audited).")
def season_rename(scheme_id, season, name, locale, username):
    """Rename SEASON (its name or id), or give its name in one language (a blank NAME removes that language's name):
    flask insurance season-rename 3 2026 --locale fa "۱۴۰۵" --user manager. Audited."""
    scheme, user = _scheme(scheme_id), acting_user(username)
    with committed():
        found = _season(scheme, season)
        data = web_forms.load(SeasonUpdateSchema(), renamed(found.name, found.names, name, locale), partial=True)
        found = operations.update_season(found, data, user)
    click.echo(_season_line(found))


@insurance_cli.command("enrol")
@click.argument("scheme_id", type=int)
@click.argument("season")
@click.argument("owner_id", type=int)
@click.option("--line", "lines", multiple=True, required=True, metavar="SPECIES=HEAD",
              help="Head insured of a species, e.g. --line sheep=50 (repeatable).")
@click.option("--signed-on", "signed_on", required=True, help="Day the no-poaching agreement was signed (YYYY-MM-DD).")
@click.option("--enrolled-on", "enrolled_on", default=None,
              help="Day of a paper enrolment typed in later (YYYY-MM-DD; default: today); needs --paper-reference.")
@click.option("--paper-reference", "paper_reference", default=None, help="Reference of the paper enrolment form.")
@click.option("--user", "username", required=True, help="The clerk enrolling the owner (audited).")
def enrol(scheme_id, season, owner_id, lines, signed_on, enrolled_on, paper_reference, username):
    """Enrol OWNER_ID in SEASON of a scheme (the same checks as the enrolment page)."""
    scheme, user = _scheme(scheme_id), acting_user(username)
    entries = []
    for pair in lines:
        species, _sep, head = pair.partition("=")
        entries.append({"species": species.strip(), "head_count": head.strip()})
    raw = {"owner_id": owner_id, "season_id": _season(scheme, season).id, "agreement_signed_on": signed_on,
           "lines": entries, "enrolled_on": enrolled_on, "paper_reference": paper_reference}
    try:
        policy = operations.enrol(PolicyCreateSchema().load({k: v for k, v in raw.items() if v is not None}), user)
    except MarshmallowError as error:
        raise click.ClickException(f"{error.messages}") from None
    except DomainError as error:
        fail(error)
    db.session.commit()
    click.echo(f"Policy {policy.number}: owner {owner_id} enrolled for {policy.season.name} on "
               f"{policy.enrolled_on.isoformat()}, cover from {policy.cover_from.isoformat()}; premium due "
               f"{_money(policy.premium_due, scheme.currency)}.")


@insurance_cli.command("premium-rates")
@click.argument("scheme_id", type=int)
@click.argument("season")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", default=None, help="Record as this manager (default: the server operator).")
@click.option("--note", default="", help="A note kept with the version.")
def premium_rates(scheme_id, season, file, username, note):
    """Record FILE (CSV: species,amount,valid_from) as a new version of SEASON's premium rates."""
    scheme = _scheme(scheme_id)
    record_rates_file(lambda: operations.import_premium_rates(
        _season(scheme, season), file.read_bytes(), acting_user(username), schema=PremiumRateEntrySchema(),
        note=note, source="cli"), "premium rates")


def register(app: Flask) -> None:
    app.cli.add_command(insurance_cli)
