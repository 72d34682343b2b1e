"""Command-line tools of claims: programmes' evidence rules, proposed changes of their money rules (DESIGN §2);
owners' herd history."""

from __future__ import annotations

import click
import marshmallow
from flask import Flask
from flask.cli import AppGroup

from claims import operations, presentation, queries, rule_changes
from claims.enums import EvidenceSign, Species
from claims.models import count_in_force
from claims.schemas import HerdCountCreateSchema, ProgrammeUpdateSchema
from conflict_service.cli import acting_user, committed, fail, renamed
from conflict_service.db import db
from conflict_service.errors import DomainError, ValidationError
from conflict_service.errors import plain as plain_errors
from conflict_service.web import forms as web_forms

programmes_cli = AppGroup("programmes", help="Programmes: evidence rules; proposed changes of their money rules.")


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
    with committed():
        rule_changes.confirm(rule_changes.get_change(queries.get_programme(programme_id, user), change_id), user)
    click.echo(f"Proposal #{change_id} confirmed; the rules apply from now.")


@programmes_cli.command("refuse-rules")
@click.argument("programme_id", type=int)
@click.argument("change_id", type=int)
@click.option("--user", "username", required=True, help="A manager of the programme (its author withdraws it).")
@click.option("--note", default="", help="Why.")
def rule_change_refuse(programme_id, change_id, username, note):
    """Refuse (or withdraw) proposal CHANGE_ID of PROGRAMME_ID; the rules stay as they are."""
    user = acting_user(username)
    with committed():
        rule_changes.refuse(rule_changes.get_change(queries.get_programme(programme_id, user), change_id), user, note)
    click.echo(f"Proposal #{change_id} refused.")


@programmes_cli.command("evidence-rules")
@click.argument("programme_id", type=int)
@click.option("--user", "username", required=True, help="A manager of the programme (an auditor may only read).")
@click.option("--level", type=click.Choice(["confirmed", "probable"]), help="The rule to change.")
@click.option("--carcass/--no-carcass", default=None, help="Whether a carcass must have been found.")
@click.option("--signs", help="The signs counted, comma-separated: " + ", ".join(s.value for s in EvidenceSign))
@click.option("--min-signs", type=int, help="How many of the signs counted are needed.")
@click.option("--min-photos", type=int, help="How many photos are needed.")
def evidence_rules(programme_id, username, level, carcass, signs, min_signs, min_photos):
    """Show PROGRAMME_ID's evidence rules, or propose a change of one level (a second manager confirms it)."""
    user = acting_user(username)
    given = {"carcass_required": carcass, "signs": signs.split(",") if signs is not None else None,
             "min_signs": min_signs, "min_photos": min_photos}
    given = {k: v for k, v in given.items() if v is not None}
    with committed():
        programme = queries.get_programme(programme_id, user)
        if given:
            if level is None:
                raise click.UsageError("Say which rule to change with --level.")
            data = {(f"is_{level}_{k}" if k == "carcass_required" else f"{level}_{k}"): v for k, v in given.items()}
            operations.update_programme(programme, web_forms.load(ProgrammeUpdateSchema(), data, partial=True), user)
    for confidence, needs in presentation.evidence_rules(programme):
        click.echo(f"{confidence}: {needs}")
    for change in rule_changes.pending(programme) if given else []:
        click.echo(f"Proposal #{change.id} waits for a second manager: flask programmes confirm-rules "
                   f"{programme.id} {change.id} --user OTHER")


@programmes_cli.command("rename")
@click.argument("programme_id", type=int)
@click.argument("name")
@click.option("--locale", default=None, metavar="LOCALE",
              help="Change the name in this language (e.g. fa, ps, hy); without it, the official name.")
@click.option("--user", "username", required=True, help="A manager of the programme's jurisdiction.")
def programme_rename(programme_id, name, locale, username):
    """Rename PROGRAMME_ID, or give its name in one language (a blank NAME removes that language's name):
    flask programmes rename 1 --locale fa "برنامه جبران خسارت" --user manager. Audited."""
    user = acting_user(username)
    with committed():
        programme = queries.get_programme(programme_id, user)
        data = web_forms.load(ProgrammeUpdateSchema(), renamed(programme.name, programme.names, name, locale),
                              partial=True)
        operations.update_programme(programme, data, user)
    shown = ", ".join(f"{k}: {v}" for k, v in sorted(programme.names.items())) or "-"
    click.echo(f"Programme {programme.id}: {programme.name} (names: {shown})")


owners_cli = AppGroup("owners", help="Owners: their herd history.")


@owners_cli.command("herd")
@click.argument("owner_id", type=int)
@click.option("--user", "username", required=True, help="A user who sees the owner's office.")
@click.option("--on", "day", type=click.DateTime(["%Y-%m-%d"]), help="Mark the counts in force on this day.")
def herd_history(owner_id, username, day):
    """List OWNER_ID's herd counts, oldest first; * marks the count in force (today, or on --on)."""
    try:
        owner = queries.get_owner(owner_id, acting_user(username))
    except DomainError as error:
        fail(error)
    on = day.date() if day else None
    in_force = {count_in_force(owner.herd_counts, h.species, on) for h in owner.herd_counts}
    for h in owner.herd_history:
        mark = "*" if h in in_force else " "
        state = f" corrected by #{h.corrected_by.id}" if h.corrected_by else ""
        fixes = f" corrects #{h.corrects_id}: {h.note}" if h.corrects_id else ""
        who = h.recorded_by.username if h.recorded_by else "system"
        click.echo(f"{mark} #{h.id} {h.species.value} {h.head_count} counted {h.counted_on.isoformat()}, recorded "
                   f"{h.recorded_at:%Y-%m-%d %H:%M} UTC by {who}{state}{fixes}")


@owners_cli.command("count-herd")
@click.argument("owner_id", type=int)
@click.option("--user", "username", required=True, help="A clerk of the owner's office.")
@click.option("--species", type=click.Choice([s.value for s in Species]), required=True)
@click.option("--head-count", type=int, required=True)
@click.option("--counted-on", required=True, help="The day of the count, YYYY-MM-DD.")
@click.option("--corrects", "corrects_id", type=int, help="The id of a mistyped count this one corrects.")
@click.option("--note", default="", help="Why the count is corrected (required with --corrects).")
def herd_count(owner_id, username, species, head_count, counted_on, corrects_id, note):
    """Record a new dated count of one species of OWNER_ID's herd (or correct a mistyped one)."""
    user = acting_user(username)
    try:
        data = HerdCountCreateSchema().load({"species": species, "head_count": head_count, "counted_on": counted_on,
                                             "corrects_id": corrects_id, "note": note})
        count = operations.record_herd_count(queries.get_owner(owner_id, user), data, user)
    except marshmallow.ValidationError as error:
        fail(ValidationError(plain_errors(error.messages)))
    except DomainError as error:
        fail(error)
    db.session.commit()
    click.echo(f"Recorded count #{count.id}: {count.species.value} {count.head_count} on {count.counted_on}.")


def register(app: Flask) -> None:
    app.cli.add_command(programmes_cli)
    app.cli.add_command(owners_cli)
