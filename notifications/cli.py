"""``flask notifications ...``: send what is due, list the outbox, resend, record consent, previews."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from claims.queries import get_owner
from conflict_service.auth.models import User
from conflict_service.db import db
from notifications import digests, operations, queries, sender
from notifications.enums import ConsentChannel, ConsentSource, MessageState
from notifications.schemas import ConsentSchema, StaffContactSchema

cli = AppGroup("notifications", help="Messages to owners and staff: send, outbox, consent, previews.")


def _user(username: str) -> User:
    user = db.session.query(User).filter_by(username=username).one_or_none()
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    return user


@cli.command("send")
@click.option("--limit", default=200, show_default=True)
def send(limit):
    """Send every queued message now due (the sender thread and the RQ job do the same)."""
    result = sender.send_due(limit)
    click.echo(f"sent {result.sent}, retrying later {result.retrying}, failed {result.failed}")


@cli.command("outbox")
@click.option("--as", "username", required=True, help="A manager or auditor: their offices' messages.")
@click.option("--state", type=click.Choice([s.value for s in MessageState]))
def outbox(username, state):
    """List the latest messages with their state and, for failures, the reason."""
    page = queries.outbox_page(_user(username), state=MessageState(state) if state else None, per_page=200)
    for m in page.items:
        reason = f"  ({m.last_error})" if m.last_error else ""
        click.echo(f"#{m.id} {m.created_at:%Y-%m-%d %H:%M} {m.template.value:<10} {m.state.value:<9} {m.address}"
                   f"{reason}")
    click.echo(f"{page.total} message(s).")


@cli.command("resend")
@click.argument("message_id", type=int)
@click.option("--as", "username", required=True)
def resend(message_id, username):
    """Queue a failed message again (managers)."""
    user = _user(username)
    operations.resend(operations.get_message(message_id, user), user)
    db.session.commit()
    click.echo(f"message #{message_id} queued again")


@cli.command("consent")
@click.argument("owner_id", type=int)
@click.option("--as", "username", required=True)
@click.option("--channel", type=click.Choice([c.value for c in ConsentChannel]), required=True)
@click.option("--language", required=True)
@click.option("--on", "recorded_on", required=True, help="YYYY-MM-DD")
@click.option("--source", type=click.Choice([s.value for s in ConsentSource]), default="office", show_default=True)
def consent(owner_id, username, channel, language, recorded_on, source):
    """Record an owner's consent to messages."""
    user = _user(username)
    data = ConsentSchema().load({"channel": channel, "language": language, "recorded_on": recorded_on,
                                 "source": source})
    operations.set_consent(get_owner(owner_id, user), data, user)
    db.session.commit()
    click.echo(f"owner {owner_id}: {channel} in {language}")


@cli.command("previews")
@click.option("--locale")
def previews(locale):
    """Every owner's message in one locale (or all) with its length and SMS segments."""
    for row in queries.previews(locale):
        click.echo(f"{row['locale']:<6} {row['template'].value:<9} {row['characters']:>3}/{row['segment_size']} "
                   f"x{row['segments']}  {row['text']}")


@cli.command("digest")
def digest():
    """Queue today's digest for every user who wants one (once a day; run it each morning, e.g. from cron)."""
    queued = digests.queue_digests()
    db.session.commit()
    click.echo(f"{queued} digest(s) queued; `flask notifications send` (or the sender) mails them")


@cli.command("escalate")
def escalate():
    """Escalate claims overdue by more than ESCALATION_HOURS to their jurisdiction's managers (once a day each)."""
    sent = digests.escalate()
    db.session.commit()
    click.echo(f"{sent} manager(s) told")


@cli.command("mail")
@click.argument("username")
@click.option("--email", required=True)
@click.option("--digest/--no-digest", default=True, show_default=True)
def mail(username, email, digest):
    """Set a staff member's e-mail address and whether they get the daily digest."""
    user = _user(username)
    operations.set_staff_contact(user, StaffContactSchema().load({"email": email, "is_digest_wanted": digest}), None)
    db.session.commit()
    click.echo(f"{username}: {email}, digest {'on' if digest else 'off'}")


@cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--schedule", is_flag=True, help="Also start the daily digest and the hourly escalation.")
def worker(burst, schedule):
    """Run the RQ worker of the notifications queue (needs REDIS_URL): sends after commits, runs the schedule."""
    from redis import Redis
    from rq import SimpleWorker

    from notifications import jobs

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: without Redis the service sends from a thread.")
    if schedule:
        jobs.schedule()
    SimpleWorker([jobs.queue()], connection=Redis.from_url(current_app.config["REDIS_URL"])).work(
        burst=burst, with_scheduler=True, logging_level="WARNING")
