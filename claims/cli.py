"""Command-line tools of claims: claims themselves (list, show, file, withdraw, history; payouts adds the
decisions), programmes' evidence rules, proposed changes of their money rules (DESIGN §2); owners: search, register,
merge, their herd history."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from claims import operations, presentation, queries, rule_changes
from claims.enums import Clock, EvidenceSign, Species
from claims.models import Claim, count_in_force
from claims.permissions import can_see_personal_data, mask
from claims.schemas import (
    ClaimCreateSchema,
    ClaimQuerySchema,
    HerdCountCreateSchema,
    OwnerCreateSchema,
    OwnerMergeSchema,
    OwnerQuerySchema,
    ProgrammeUpdateSchema,
    WithdrawSchema,
)
from claims.states import ClaimState
from conflict_service.audit.presentation import describe
from conflict_service.audit.queries import events_for
from conflict_service.auth.models import Role
from conflict_service.auth.roles import RECORD_READERS
from conflict_service.cli import acting_user, committed, json_object, loaded, moment, refused, renamed
from conflict_service.i18n import plain_digits
from conflict_service.jurisdictions import queries as jq
from conflict_service.web import forms as web_forms

programmes_cli = AppGroup("programmes", help="Programmes: evidence rules; proposed changes of their money rules.")


@programmes_cli.command("rule-changes")
@click.argument("programme_id", type=int)
@click.option("--user", "username", required=True, help="A manager or auditor of the programme.")
def rule_changes_list(programme_id, username):
    """List the proposed changes of PROGRAMME_ID's money rules, newest first."""
    with refused():
        changes = rule_changes.changes_of(queries.get_programme(programme_id, acting_user(username)))
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


def _office_id(code: str | None) -> int | None:
    if not code:
        return None
    with refused():
        return jq.get_by_code(code).id


owners_cli = AppGroup("owners", help="Owners: search, register, merge, their herd history.")


def _owner_line(owner, user) -> str:
    personal = can_see_personal_data(user)
    phone = (owner.phone if personal else mask(owner.phone)) or "-"
    national_id = (owner.national_id if personal else mask(owner.national_id)) or "-"
    return (f"#{owner.id:<6} {owner.name} ({owner.village}, {owner.office.code})  phone {phone}  "
            f"national id {national_id}  language {owner.preferred_language}")


@owners_cli.command("list")
@click.option("--search", "q", help="Part of the owner's name.")
@click.option("--office", "office_code", help="Only this office's owners (a code such as AF-HRT-HRC).")
@click.option("--village", help="Only owners of this village.")
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--per-page", type=int, default=50, show_default=True)
@click.option("--user", "username", required=True, help="A user of the owners' offices.")
def owners_list(q, office_code, village, page, per_page, username):
    """Search the owners registered at the user's offices, by name (phone and national id masked for a role that
    may not see them, as in the API)."""
    user = acting_user(username, *RECORD_READERS)
    raw = {"q": q, "office_id": _office_id(office_code), "village": village, "page": page, "per_page": per_page}
    args = loaded(OwnerQuerySchema(), {k: v for k, v in raw.items() if v is not None})
    result = queries.owners_page(user, **args)
    for owner in result.items:
        click.echo(_owner_line(owner, user))
    click.echo(f"{result.total} owner(s); page {result.page} of {result.pages}.")


@owners_cli.command("register")
@click.argument("owner_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, help="A clerk of the owner's office.")
def owners_register(owner_file, username):
    """Register an owner from a JSON file shaped like POST /api/v1/owners (clerks), with their herd counts."""
    user = acting_user(username, Role.CLERK)
    data = loaded(OwnerCreateSchema(), json_object(owner_file))
    with committed():
        owner = operations.register_owner(data, user)
    click.echo(f"Registered {_owner_line(owner, user)}")


@owners_cli.command("merge")
@click.argument("owner_id", type=int)
@click.option("--into", "into", required=True, help="The owner record to keep (of the same country).")
@click.option("--reason", required=True, help="Why the two records are one household.")
@click.option("--user", "username", required=True, help="A manager of both records' offices.")
def owners_merge(owner_id, into, reason, username):
    """Merge OWNER_ID into another record of the same household (managers), as POST /api/v1/owners/{id}/merge:
    claims, herd counts, awards, policies, measures, memberships, consent and messages move to the record kept;
    OWNER_ID is removed."""
    user = acting_user(username, Role.MANAGER)
    data = loaded(OwnerMergeSchema(), {"into": plain_digits(into).lstrip("#"), "reason": reason})
    with refused():
        merged = queries.get_owner(owner_id, user)
    with committed():
        kept = operations.merge_owners(merged, data, user)
    click.echo(f"Merged #{owner_id} into {_owner_line(kept, user)}")


@owners_cli.command("herd")
@click.argument("owner_id", type=int)
@click.option("--user", "username", required=True, help="A user who sees the owner's office.")
@click.option("--on", "day", type=click.DateTime(["%Y-%m-%d"]), help="Mark the counts in force on this day.")
def herd_history(owner_id, username, day):
    """List OWNER_ID's herd counts, oldest first; * marks the count in force (today, or on --on)."""
    with refused():
        owner = queries.get_owner(owner_id, acting_user(username))
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
    data = loaded(HerdCountCreateSchema(), {"species": species, "head_count": head_count, "counted_on": counted_on,
                                            "corrects_id": corrects_id, "note": note})
    with committed():
        count = operations.record_herd_count(queries.get_owner(owner_id, user), data, user)
    click.echo(f"Recorded count #{count.id}: {count.species.value} {count.head_count} on {count.counted_on}.")


claims_cli = AppGroup("claims", help="Claims: list, show, file, withdraw, history; decisions and payments.")
AS_USER = click.option("--as", "username", required=True, help="Act as this user (their role and jurisdictions).")


def claim_by_number(number: str, user) -> Claim:
    """Claim NUMBER as ``user`` may see it; out of their reach (or no such claim) stops the command."""
    with refused():
        return queries.get_claim_by_number(plain_digits(number), user)  # typed in any digits, as on the pages


def office_time(claim: Claim, value) -> str:
    return moment(value, claim.office.timezone)


def _due(claim: Claim) -> str:
    if claim.due_clock is None:
        return "nothing"
    late = " OVERDUE" if claim.is_overdue else ""
    return f"{claim.due_clock.value} by {office_time(claim, claim.due_at)}{late}"


@claims_cli.command("list")
@click.option("--status", "statuses", multiple=True, type=click.Choice([s.value for s in ClaimState]),
              help="Only this status; repeatable.")
@click.option("--programme", "programme_id", type=int, help="Only this programme's claims.")
@click.option("--office", "office_code", help="Only this office's claims (a code such as AF-HRT-HRC).")
@click.option("--owner", "owner_id", type=int, help="Only this owner's claims.")
@click.option("--from", "incident_from", help="Incidents on or after this day (YYYY-MM-DD).")
@click.option("--to", "incident_to", help="Incidents on or before this day (YYYY-MM-DD).")
@click.option("--search", "q", help="Part of a claim number, an owner's name or a village.")
@click.option("--waiting-for", "clock", type=click.Choice([c.value for c in Clock]),
              help="Only claims whose current stage is this one.")
@click.option("--overdue", is_flag=True, help="Only claims whose current stage is past its due time.")
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--per-page", type=int, default=50, show_default=True)
@AS_USER
def claims_list(statuses, programme_id, office_code, owner_id, incident_from, incident_to, q, clock, overdue, page,
                per_page, username):
    """List the claims in the user's jurisdictions, newest first, with the filters of the Claims page and the API."""
    user = acting_user(username, *RECORD_READERS)
    raw = {"status": list(statuses) or None, "programme_id": programme_id, "office_id": _office_id(office_code),
           "owner_id": owner_id, "incident_from": incident_from, "incident_to": incident_to, "q": q, "clock": clock,
           "overdue": True if overdue else None, "page": page, "per_page": per_page}
    args = loaded(ClaimQuerySchema(), {k: v for k, v in raw.items() if v is not None})
    page_no, size = args.pop("page"), args.pop("per_page")
    result = queries.claim_list_page(user, queries.ClaimFilters(**args), page_no, size)
    for row in result.items:
        late = " OVERDUE" if row.overdue else ""
        click.echo(f"{row.number:<24} {row.status.value:<19} {row.incident_date.isoformat()}  {row.head_lost:>4} "
                   f"head  {row.owner_name} ({row.incident_village}){late}")
    click.echo(f"{result.total} claim(s); page {page_no} of {result.pages}.")


@claims_cli.command("show")
@click.argument("number")
@AS_USER
def claims_show(number, username):
    """Show claim NUMBER: its owner, incident, report, loss lines, verifier and what it waits for until when."""
    claim = claim_by_number(number, acting_user(username, *RECORD_READERS))
    tz = claim.office.timezone
    when = (office_time(claim, claim.incident_at) if claim.incident_at
            else f"{claim.incident_date.isoformat()} (time not known)")
    yes_no = {True: "yes", False: "no"}
    rows = [
        ("status", f"{claim.status.value} since {office_time(claim, claim.status_changed_at)}"),
        ("owner", f"#{claim.owner.id} {claim.owner.name} ({claim.owner.village})"),
        ("programme", f"#{claim.programme.id} {claim.programme.name} ({claim.programme.currency})"),
        ("office", f"{claim.office.code} {claim.office.name} ({tz})"),
        ("incident", f"{when}, {claim.time_of_day.value}, {claim.incident_village}"),
        ("location", "-" if claim.incident_lat is None else f"{claim.incident_lat:.5f}, {claim.incident_lon:.5f}"),
        ("circumstances", f"in a corral: {yes_no[claim.is_in_corral]}, herder present: "
                          f"{yes_no[claim.is_herder_present]}, "
                          f"guard dog present: {yes_no[claim.is_guard_dog_present]}"),
        ("reported", f"{office_time(claim, claim.reported_at)} ({claim.report_channel.value})"),
        ("filed", f"{office_time(claim, claim.filed_at)} by {claim.filed_by.username}"),
        ("verifier", claim.assigned_verifier.username if claim.assigned_verifier else "-"),
        ("waiting for", _due(claim)),
    ]
    click.echo(claim.number)
    for label, value in rows:
        click.echo(f"  {label:<14} {value}")
    click.echo("  lost")
    for line in claim.lines:
        click.echo(f"    {line.count:>4} {line.species.value} {line.age_class.value} {line.outcome.value}")
    if claim.narrative:
        click.echo(f"  narrative      {claim.narrative}")


@claims_cli.command("submit")
@click.argument("claim_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@AS_USER
def claims_submit(claim_file, username):
    """File a claim from a JSON file shaped like POST /api/v1/claims (clerks): checked as the API checks it."""
    user = acting_user(username, Role.CLERK)
    data = loaded(ClaimCreateSchema(), json_object(claim_file))
    with committed():
        claim, _replayed = operations.submit_claim(data, user)
    click.echo(f"Filed {claim.number} (PIN {claim.pin}) for {claim.owner.name}; {_due(claim)}.")


@claims_cli.command("withdraw")
@click.argument("number")
@click.option("--reason", required=True, help="Why the owner withdraws the claim (kept in the audit trail).")
@AS_USER
def claims_withdraw(number, reason, username):
    """Withdraw submitted claim NUMBER at the owner's request (clerks)."""
    user = acting_user(username, Role.CLERK)
    data = loaded(WithdrawSchema(), {"reason": reason})
    with committed():
        claim = operations.withdraw_claim(claim_by_number(number, user), user, data["reason"])
    click.echo(f"{claim.number} withdrawn.")


@claims_cli.command("history")
@click.argument("number")
@AS_USER
def claims_history(number, username):
    """Every recorded change of claim NUMBER, oldest first, in words as the claim page gives them (the audit trail's
    events: sequence number, time, who, what, why)."""
    claim = claim_by_number(number, acting_user(username, *RECORD_READERS))
    for event in events_for("claim", claim.id):
        reason = f" ({event.reason})" if event.reason else ""
        click.echo(f"#{event.seq:<8} {office_time(claim, event.occurred_at)}  {event.actor_name}: "
                   f"{describe(event, label=claim.number)}{reason}")


def register(app: Flask) -> None:
    app.cli.add_command(claims_cli)
    app.cli.add_command(programmes_cli)
    app.cli.add_command(owners_cli)
