"""Command-line tools of performance: communities and contracts (written, confirmed, their money terms changed), a
Camtrap DP package's import, a period's assessment and approval, and an approved period put in a payment batch —
each through the operations the API and pages use."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from conflict_service.cli import acting_user, committed
from conflict_service.db import db
from conflict_service.i18n import format_money
from conflict_service.jurisdictions.queries import get_by_code
from conflict_service.web.forms import load
from payouts.enums import PaymentMethod
from performance import evidence, operations, payments, periods, queries
from performance.enums import Distribution, Fallback, Forfeiture, Indicator, PeriodStatus
from performance.models import MONEY_TERMS, Contract, Period
from performance.schemas import CommunityCreateSchema, ContractCreateSchema, ContractTermsChangeSchema

cli = AppGroup("performance", help="Conservation-performance contracts: communities, contracts and their money "
                                   "terms, camera-trap imports, period assessments.")
USER = {"required": True, "help": "The manager acting (audited); lists show what this user may see."}


def _values(enum) -> click.Choice:
    return click.Choice([member.value for member in enum])


def _money(amount, currency, *, exact: bool = True) -> str:
    """An amount as the command line writes it (English; every digit unless ``exact=False``), or "none"."""
    return format_money(amount, currency, "en", exact=exact) if amount is not None else "none"


def _period_name(period: Period) -> str:
    return f"Period {period.number} of contract {period.contract_id}"


def _community_line(community) -> str:
    return (f"#{community.id:<5} {community.name[:40]:<40} {community.jurisdiction.code:<14} programme "
            f"#{community.programme_id}  members: {len(community.members)}  {community.account_method.value}")


def _contract_line(contract: Contract) -> str:
    state = "waiting for a second manager" if contract.is_pending else "confirmed"
    cut = f" {contract.forfeit_pct.normalize():f}%" if contract.forfeiture == Forfeiture.CUT else ""
    return (f"#{contract.id:<5} {contract.community.name[:30]:<30} from {contract.starts_on}, "
            f"{contract.period_count} × {contract.period_months} months; {contract.indicator.value} × "
            f"{_money(contract.rate, contract.currency)}, cap {_money(contract.cap, contract.currency)}; "
            f"{contract.forfeiture.value}{cut}; fallback {contract.fallback.value}; {contract.distribution.value}; "
            f"{state}")


def _terms_options(command):
    """The money terms as options (DESIGN §13), shared by contract-create and contract-change."""
    options = [
        click.option("--indicator", type=_values(Indicator)),
        click.option("--rate", help="Amount per unit, in the programme's currency."),
        click.option("--forfeiture", type=_values(Forfeiture)),
        click.option("--forfeit-pct", help="The percentage a cut takes off the period's payment."),
        click.option("--fallback", type=_values(Fallback)),
        click.option("--fallback-periods", type=int, help="How many earlier verified periods the average takes."),
        click.option("--distribution", type=_values(Distribution)),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _given(raw: dict) -> dict:
    return {k: v for k, v in raw.items() if v is not None}


@cli.command("communities")
@click.option("--user", "username", **USER)
@click.option("--programme", "programme_id", type=int, help="Only this programme's communities.")
def communities_command(username, programme_id):
    """List the communities in the user's jurisdictions."""
    found = list(db.session.scalars(queries.communities_statement(acting_user(username), programme_id)))
    for community in found:
        click.echo(_community_line(community))
    click.echo(f"{len(found)} communities.")


@cli.command("community-create")
@click.argument("programme_id", type=int)
@click.option("--user", "username", **USER)
@click.option("--name", required=True)
@click.option("--jurisdiction", "code", required=True, help="Code of its office or region, e.g. IR-RKH-DRG.")
@click.option("--area", "area_file", required=True, type=click.File(encoding="utf-8"),
              help="A GeoJSON file of its area (polygons).")
@click.option("--account-name", default="", help="Who a lump sum is paid to.")
@click.option("--account-method", type=_values(PaymentMethod), required=True)
@click.option("--account-number")
@click.option("--member", "member_ids", type=int, multiple=True, help="An owner's id (repeat for each member).")
def community_create_command(programme_id, username, name, code, area_file, account_name, account_method,
                             account_number, member_ids):
    """Register a community of PROGRAMME_ID: its area, its account and its members."""
    user = acting_user(username)
    try:
        area = json.load(area_file)
    except ValueError:
        raise click.BadParameter("not valid JSON.", param_hint="--area") from None
    with committed():
        community = operations.create_community(load(CommunityCreateSchema(), _given({
            "programme_id": programme_id, "name": name, "jurisdiction_id": get_by_code(code).id, "area": area,
            "account_name": account_name, "account_method": account_method, "account_number": account_number,
            "member_ids": list(member_ids)})), user)
    click.echo(f"Registered {_community_line(community)}")


@cli.command("contracts")
@click.option("--user", "username", **USER)
@click.option("--programme", "programme_id", type=int, help="Only this programme's contracts.")
def contracts_command(username, programme_id):
    """List the contracts of communities in the user's jurisdictions, with their proposals waiting."""
    found = list(db.session.scalars(queries.contracts_statement(acting_user(username), programme_id)))
    for contract in found:
        click.echo(_contract_line(contract))
        for change in queries.pending_changes(contract):
            click.echo(f"       proposal #{change.id} by {change.proposed_by.username}: "
                       + ", ".join(f"{k} {change.before.get(k)} → {v}" for k, v in change.after.items()))
    click.echo(f"{len(found)} contracts.")


@cli.command("contract-create")
@click.argument("community_id", type=int)
@click.option("--user", "username", **USER)
@click.option("--starts-on", required=True, help="The first day of the first period (YYYY-MM-DD).")
@click.option("--period-months", type=int, required=True)
@click.option("--period-count", type=int, required=True)
@_terms_options
@click.option("--cap", help="The most a period pays (none if not given).")
def contract_create_command(community_id, username, starts_on, period_months, period_count, cap, **terms):
    """Write a contract for COMMUNITY_ID; it binds once a second manager confirms it."""
    user = acting_user(username)
    with committed():
        contract = operations.create_contract(load(ContractCreateSchema(), _given({
            "community_id": community_id, "starts_on": starts_on, "period_months": period_months,
            "period_count": period_count, "cap": cap, **terms})), user)
    click.echo(f"Written {_contract_line(contract)}")


@cli.command("contract-confirm")
@click.argument("contract_id", type=int)
@click.option("--user", "username", required=True, help="A manager other than the one who wrote it.")
def contract_confirm_command(contract_id, username):
    """Confirm CONTRACT_ID as a second manager: from now on its periods can be approved."""
    user = acting_user(username)
    with committed():
        contract = operations.confirm_contract(queries.get_contract(contract_id, user), user)
    click.echo(f"Confirmed {_contract_line(contract)}")


@cli.command("contract-change")
@click.argument("contract_id", type=int)
@click.option("--user", "username", required=True, help="The manager proposing it (audited).")
@_terms_options
@click.option("--cap", help="A new cap per period.")
@click.option("--no-cap", is_flag=True, help="Remove the cap.")
def contract_change_command(contract_id, username, cap, no_cap, **terms):
    """Propose new money terms for CONTRACT_ID (those not given stay); a second manager confirms them."""
    user = acting_user(username)
    if cap is not None and no_cap:
        raise click.UsageError("Give --cap or --no-cap, not both.")
    raw = _given({**terms, "cap": cap}) | ({"cap": None} if no_cap else {})
    if not raw:
        raise click.UsageError("Give at least one term to change: " + ", ".join(
            "--" + k.replace("_", "-") for k in MONEY_TERMS) + ", --no-cap.")
    with committed():
        change = operations.propose_change(queries.get_contract(contract_id, user),
                                           load(ContractTermsChangeSchema(), raw), user)
    click.echo(f"Proposal #{change.id} waits for a second manager: flask performance change-decide {contract_id} "
               f"{change.id} --confirm --user OTHER")


@cli.command("change-decide")
@click.argument("contract_id", type=int)
@click.argument("change_id", type=int)
@click.option("--confirm/--refuse", default=None, required=True,
              help="Confirm (a second manager) or refuse (its author withdraws).")
@click.option("--user", "username", required=True, help="The deciding manager (audited).")
def change_decide_command(contract_id, change_id, confirm, username):
    """Confirm or refuse proposal CHANGE_ID of CONTRACT_ID's money terms."""
    user = acting_user(username)
    with committed():
        change = queries.get_change(queries.get_contract(contract_id, user), change_id)
        operations.decide_change(change, confirm, user)
        contract = queries.get_contract(contract_id, user)
    verdict = "confirmed; the terms apply from now" if confirm else "refused; the terms stay as they were"
    click.echo(f"Proposal #{change_id} {verdict}.\n{_contract_line(contract)}")


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
    with committed():
        batch = evidence.import_package(programme_id, package.read_bytes(), package.name, user)
        view = queries.import_view(batch)
    click.echo(f"Imported {view['package_name']}: {view['deployments']} deployments ({view['linked']} linked to "
               f"contracts), {view['observations']} leopard observations waiting for verification.")


@cli.command("assessment")
@click.argument("period_id", type=int)
def assessment_command(period_id):
    """Show a period's assessment step by step."""
    view = queries.assessment_view(_period(period_id))
    currency = view["currency"]
    click.echo(_period_name(view["period"]))
    for line in view["lines"]:
        click.echo(f"{line['step']:<10} {line['text']}  {_money(line['amount'], currency) if line['amount'] else ''}")
    click.echo(f"Total: {_money(view['total'], currency, exact=False)}")
    for share in view["shares"]:
        click.echo(f"  {share['name']}: {_money(share['amount'], currency, exact=False)}")
    click.echo(f"Status: {view['period'].status.value} ({view['period'].status.title})")
    for payment in view["payments"]:
        click.echo(f"  {payment.reference:<28} {payment.payee_name:<30} "
                   f"{_money(payment.amount, payment.currency, exact=False):>18}  {payment.status.value:<10} "
                   f"batch {payment.batch_id or '-'}")


@cli.command("pay")
@click.argument("period_id", type=int)
@click.option("--user", "username", required=True, help="The manager building the batch (another approves it).")
@click.option("--note", default="", help="A note kept with the batch.")
def pay_command(period_id, username, note):
    """Put an approved period in a new payment batch of its programme: its lump sum, or one payment per member."""
    user = acting_user(username)
    with committed():
        period = queries.get_period(period_id, user)
        batch = payments.pay(period, {"note": note}, user)
    click.echo(f"{_period_name(period)} is in payment batch {batch.id}; another manager approves the batch.")


@cli.command("approve")
@click.argument("period_id", type=int)
@click.option("--user", "username", required=True, help="The approving manager.")
def approve_command(period_id, username):
    """Approve an ended period (a manager who verified none of its observations)."""
    user = acting_user(username)
    with committed():
        period = periods.approve(_period(period_id), user)
    if period.status == PeriodStatus.SETTLED:
        click.echo(f"{_period_name(period)} approved with nothing to pay: settled.")
        return
    click.echo(f"{_period_name(period)} approved: {_money(period.total, period.contract.currency, exact=False)}.")
