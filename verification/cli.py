"""``flask verification ...``: the same operations as the web UI and the API, acting as a named user."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from claims.queries import get_claim_by_number
from conflict_service.cli import acting_user, committed, json_object, loaded
from conflict_service.timeutil import utcnow
from verification import operations, queries
from verification.schemas import AppealSchema, AssignSchema, CarcassDisposalSchema, VerificationCreateSchema

cli = AppGroup("verification", help="Field verification: worklists, assignment, site visits, evidence, appeals.")
AS_USER = click.option("--as", "username", required=True, help="Act as this user (their role and jurisdictions).")


def _verifier_id(username: str | None) -> int | None:
    return None if username is None else acting_user(username).id


def _run(fn):
    """Run an operation and commit, or report the refusal as the API would (operations refuse before changing)."""
    with committed():
        result = fn()
    return result


def _line(claim) -> str:
    flag = " OVERDUE" if claim.is_verification_overdue else ""
    due = claim.verification_due_at.isoformat(timespec="minutes") if claim.verification_due_at else "-"
    return f"{claim.number:<24} {claim.status.value:<19} due {due}{flag}  {claim.owner.name}"


@cli.command("worklist")
@AS_USER
def worklist(username):
    """List the claims assigned to a verifier, soonest due first."""
    page = queries.worklist_page(acting_user(username), per_page=200)
    for claim in page.items:
        click.echo(_line(claim))
    click.echo(f"{page.total} claim(s) awaiting a site visit.")


@cli.command("overdue")
@AS_USER
def overdue(username):
    """List the claims past their verification due time in the user's offices."""
    claims = queries.overdue_claims(acting_user(username), limit=1000)
    for claim in claims:
        click.echo(_line(claim))
    click.echo(f"{len(claims)} overdue claim(s) at {utcnow().isoformat(timespec='minutes')}.")


@cli.command("assign")
@click.argument("number")
@click.option("--verifier", required=True, help="Username of the verifier.")
@click.option("--reason", default=None, help="Why the claim is reassigned.")
@AS_USER
def assign(number, verifier, reason, username):
    """Assign claim NUMBER to a verifier (or reassign it)."""
    user = acting_user(username)
    data = loaded(AssignSchema(), {"verifier_id": _verifier_id(verifier), "reason": reason})
    claim = _run(lambda: operations.assign_verifier(get_claim_by_number(number, user), data, user))
    click.echo(f"{claim.number} assigned to {verifier}; due {claim.verification_due_at.isoformat(timespec='minutes')}.")


@cli.command("record")
@click.argument("number")
@click.argument("visit_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--photo", "photos", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A photo taken at the visit; repeatable.")
@AS_USER
def record(number, visit_file, photos, username):
    """Record a site visit from a JSON file shaped like POST /api/v1/claims/{id}/verification."""
    user = acting_user(username)
    data = loaded(VerificationCreateSchema(), json_object(visit_file))
    handles = [path.open("rb") for path in photos]
    try:
        visit = _run(lambda: operations.record_verification(
            get_claim_by_number(number, user), data, user, [(h, Path(h.name).name) for h in handles]))
    finally:
        for handle in handles:
            handle.close()
    click.echo(f"{number}: site visit recorded ({visit.outcome.value}), {visit.head_verified} animal(s) verified.")


@cli.command("attach")
@click.argument("number")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@AS_USER
def attach(number, files, username):
    """Attach photos or PDF documents to claim NUMBER (all are checked before any is stored)."""
    user = acting_user(username)
    handles = [path.open("rb") for path in files]
    try:
        rows = _run(lambda: operations.add_evidence(get_claim_by_number(number, user),
                                                    [(h, Path(h.name).name) for h in handles], user))
    finally:
        for handle in handles:
            handle.close()
    for row in rows:
        state = "already attached" if row.is_duplicate_upload else "attached"
        click.echo(f"{row.sha256[:12]} {row.content_type:<16} {state}")


@cli.command("appeal")
@click.argument("number")
@click.option("--reason", required=True, help="The owner's grounds for the appeal.")
@click.option("--verifier", default=None, help="Username of the new verifier (not the one who rejected it).")
@AS_USER
def appeal(number, reason, verifier, username):
    """File the owner's appeal of rejected claim NUMBER."""
    user = acting_user(username)
    data = loaded(AppealSchema(), {"reason": reason, "verifier_id": _verifier_id(verifier)})
    claim = _run(lambda: operations.file_appeal(get_claim_by_number(number, user), data, user))
    click.echo(f"{claim.number} appealed; back to verification, due "
               f"{claim.verification_due_at.isoformat(timespec='minutes')}.")


@cli.command("carcass-disposed")
@click.argument("number")
@click.option("--on", "disposed_on", required=True, help="The office's local date it was disposed of (YYYY-MM-DD).")
@click.option("--how", required=True, type=click.Choice(["buried", "burned", "removed"]))
@click.option("--by", "done_by", required=True, help="Who disposed of it (the owner, a ranger...).")
@AS_USER
def carcass_disposed(number, disposed_on, how, done_by, username):
    """Record that the carcass left in place on claim NUMBER was disposed of later (clears its flag)."""
    user = acting_user(username)
    data = loaded(CarcassDisposalSchema(), {"disposed_on": disposed_on, "how": how, "done_by": done_by})
    visits = _run(lambda: operations.record_carcass_disposal(get_claim_by_number(number, user), data, user))
    click.echo(f"{number}: disposal of the carcass recorded ({how}, {disposed_on}) for {len(visits)} site visit(s).")
