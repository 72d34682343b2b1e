"""Command-line tools of claims: proposed changes of programmes' money rules (DESIGN §2)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from claims import queries, rule_changes
from conflict_service.cli import acting_user, fail
from conflict_service.db import db
from conflict_service.errors import DomainError

programmes_cli = AppGroup("programmes", help="Programmes: proposed changes of their money rules.")


@programmes_cli.command("rule-changes")
@click.argument("programme_id", type=int)
@click.option("--user", "username", required=True, help="A manager or auditor of the programme.")
def rule_changes_list(programme_id, username):
    """List the proposed changes of PROGRAMME_ID's money rules, newest first."""
    try:
        changes = rule_changes.changes_of(queries.get_programme(programme_id, acting_user(username)))
    except DomainError as error:
        fail(error)
    for change in changes:
        values = ", ".join(f"{k}: {change.before.get(k)} -> {v}" for k, v in change.after.items())
        decided = f" by {change.decided_by.username}" if change.decided_by else ""
        click.echo(f"#{change.id} {change.status.value}{decided}; proposed by {change.proposed_by.username} "
                   f"{change.proposed_at:%Y-%m-%d %H:%M} UTC: {values}")


@programmes_cli.command("confirm-rules")
@click.argument("programme_id", type=int)
@click.argument("change_id", type=int)
@click.option("--user", "username", required=True, help="The confirming manager (not the one who proposed).")
def rule_change_confirm(programme_id, change_id, username):
    """Confirm proposal CHANGE_ID of PROGRAMME_ID: its rules apply from now."""
    user = acting_user(username)
    try:
        rule_changes.confirm(rule_changes.get_change(queries.get_programme(programme_id, user), change_id), user)
    except DomainError as error:
        fail(error)
    db.session.commit()
    click.echo(f"Proposal #{change_id} confirmed; the rules apply from now.")


@programmes_cli.command("refuse-rules")
@click.argument("programme_id", type=int)
@click.argument("change_id", type=int)
@click.option("--user", "username", required=True, help="A manager of the programme (its author withdraws it).")
@click.option("--note", default="", help="Why.")
def rule_change_refuse(programme_id, change_id, username, note):
    """Refuse (or withdraw) proposal CHANGE_ID of PROGRAMME_ID; the rules stay as they are."""
    user = acting_user(username)
    try:
        rule_changes.refuse(rule_changes.get_change(queries.get_programme(programme_id, user), change_id), user, note)
    except DomainError as error:
        fail(error)
    db.session.commit()
    click.echo(f"Proposal #{change_id} refused.")


def register(app: Flask) -> None:
    app.cli.add_command(programmes_cli)
