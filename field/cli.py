"""``flask field ...``: the review queue of field records, acting as a named manager or auditor; a verifier's field
devices (their credentials for ODK Collect or KoboCollect), as the profile page and the API give them."""

from __future__ import annotations

import click
import segno
from flask import current_app
from flask.cli import AppGroup

from conflict_service.auth import field_credentials
from conflict_service.auth import queries as auth_queries
from conflict_service.auth.models import Role
from conflict_service.auth.schemas import FieldCredentialCreateSchema
from conflict_service.cli import acting_user, committed, loaded, refused
from conflict_service.i18n import LOCALES
from field import operations, queries
from field.enums import SubmissionStatus

cli = AppGroup("field", help="Field devices (ODK Collect, KoboCollect): their credentials and the review queue of "
                             "their records.")
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


# --- field devices -------------------------------------------------------------------------------------------------


@cli.command("devices")
@click.option("--owner", default=None, help="Whose devices (an administrator of theirs); by default your own.")
@AS_USER
def devices(owner, username):
    """List field devices: yours, or with --owner a user you administer; revoked ones too."""
    user = _owner(acting_user(username), owner)
    credentials = field_credentials.all_for(user)
    for c in credentials:
        state = f"revoked {c.revoked_at.isoformat(timespec='minutes')}" if c.revoked_at else "active"
        used = f"last used {c.last_used_at.isoformat(timespec='minutes')}" if c.last_used_at else "never used"
        click.echo(f"{c.id:>5}  {c.username:<24} {c.label or '-':<28} created "
                   f"{c.created_at.isoformat(timespec='minutes')}  {used:<32} {state}")
    click.echo(f"{len(credentials)} device(s) of {user.username}; times in UTC.")


@cli.command("device-new")
@click.option("--label", default="", help="The phone's name, e.g. 'Samsung A14, Herat'.")
@click.option("--language", type=click.Choice(LOCALES), default=None,
              help="The language of the app's project and screens (default: the verifier's own).")
@click.option("--qr-png", "qr_png", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the settings QR code to this PNG file instead of drawing it here.")
@AS_USER
def device_new(label, language, qr_png, username):
    """Create a credential for one of your phones (field verifiers) and show, once, its password and the QR code that
    sets up ODK Collect or KoboCollect (Add project, Configure with QR code). Needs PUBLIC_BASE_URL."""
    user = acting_user(username)
    if not current_app.config.get("PUBLIC_BASE_URL"):
        raise click.ClickException("Set PUBLIC_BASE_URL, the address phones reach the service at "
                                   "(e.g. https://claims.example.org).")
    with committed():  # the API's schema: a name over 80 characters or of several lines is refused, nothing made
        data = loaded(FieldCredentialCreateSchema(), {"label": label})
        credential, password = field_credentials.create(user, data, user)
    code = field_credentials.collect_settings_code(credential, password, language or user.preferred_language or "en")
    click.echo(f"Server URL: {field_credentials.server_url()}\nUsername:   {credential.username}\n"
               f"Password:   {password}\n(shown this once; the QR code holds it too: do not share either)")
    qr = segno.make(code, error="l", micro=False)
    if qr_png:
        qr.save(qr_png, kind="png", scale=8, border=4)
        click.echo(f"QR code written to {qr_png}: in the app, Configure with QR code, menu, Import QR code.")
    else:
        qr.terminal(compact=True)


@cli.command("device-revoke")
@click.argument("credential_id", type=int)
@click.option("--owner", default=None, help="Whose device it is (an administrator revoking a user's device).")
@AS_USER
def device_revoke(credential_id, owner, username):
    """Stop field device CREDENTIAL_ID from connecting: yours, or with --owner a user you administer."""
    actor = acting_user(username)
    user = _owner(actor, owner)
    with committed():
        credential = field_credentials.revoke(field_credentials.get(user, credential_id, actor), actor)
    click.echo(f"{credential.username} ({credential.label or 'no name'}) can no longer connect.")


def _owner(actor, owner: str | None):
    """Whose devices: the actor's own, or (``--owner``) a user the actor administers, as on the user's admin page."""
    if not owner:
        return actor
    if actor.role != Role.ADMIN:
        raise click.ClickException("Only an administrator sees or revokes another user's field devices.")
    with refused():
        return auth_queries.get_user(acting_user(owner).id, actor)
