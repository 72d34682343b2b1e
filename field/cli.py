"""``flask field ...``: the review queue of field records, acting as a named manager or auditor."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from conflict_service.cli import acting_user, committed
from field import operations, queries
from field.enums import SubmissionStatus

cli = AppGroup("field", help="Records from field devices (ODK Collect, KoboCollect): the review queue.")
AS_USER = click.option("--as", "username", required=True, help="Act as this user (their role and jurisdictions).")


@cli.command("submissions")
@click.option("--status", type=click.Choice([s.value for s in SubmissionStatus]), default="needs_review",
              show_default=True)
@AS_USER
def submissions(status, username):
    """List field records of your jurisdictions (by default those needing review)."""
    page = queries.queue_page(acting_user(username), status=SubmissionStatus(status), per_page=200)
    for s in page.items:
        reason = s.reason.value if s.reason else "-"
        click.echo(f"{s.id:>6}  {s.received_at.isoformat(timespec='minutes')}  {s.claim_ref or '-':<24} "
                   f"{s.user.username:<16} {s.status.value:<13} {reason:<24} {len(s.files)} photo(s)")
    click.echo(f"{page.total} field record(s) {status}.")


def _review(action, submission_id: int, note: str, username: str):
    user = acting_user(username)
    with committed():
        submission = action(operations.get_for_review(submission_id, user), note, user)
    return submission


@cli.command("apply")
@click.argument("submission_id", type=int)
@click.option("--note", default="", help="Why it can be applied now (kept in the history).")
@AS_USER
def apply(submission_id, note, username):
    """Apply field record SUBMISSION_ID as its verifier's site visit."""
    s = _review(operations.apply, submission_id, note, username)
    click.echo(f"{s.instance_id}: applied to {s.claim_ref}.")


@cli.command("dismiss")
@click.argument("submission_id", type=int)
@click.option("--note", required=True, help="Why the record is dismissed.")
@AS_USER
def dismiss(submission_id, note, username):
    """Dismiss field record SUBMISSION_ID with a note; it stays on file."""
    s = _review(operations.dismiss, submission_id, note, username)
    click.echo(f"{s.instance_id}: dismissed.")
