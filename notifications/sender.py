"""Sending what the outbox holds: by an RQ job when ``REDIS_URL`` is set, else by a thread after the commit.

A sender takes a due message with a conditional UPDATE (queued → sending, only if still queued), committed
before the gateway is called: two senders at once never both take it, so nothing is sent twice. A message
taken by a sender that died stays ``sending`` until its lease runs out, then is queued again.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from conflict_service.db import db
from conflict_service.timeutil import utcnow
from notifications import gateways, mail, operations
from notifications.enums import Medium, MessageState
from notifications.models import OutboxMessage

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 5
QUEUED_KEY = "outbox_queued"


@dataclass
class SendResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _due_ids(limit: int) -> list[int]:
    now = utcnow()
    db.session.execute(sa.update(OutboxMessage).where(  # a sender that died: its lease has run out
        OutboxMessage.state == MessageState.SENDING, OutboxMessage.next_attempt_at < now).values(
        state=MessageState.QUEUED))
    stmt = (sa.select(OutboxMessage.id).where(OutboxMessage.state == MessageState.QUEUED,
                                              OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    return list(db.session.scalars(stmt))


def take(message_id: int) -> bool:
    """Move one message from queued to sending, if no other sender did; True when this one got it."""
    result = db.session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.state == MessageState.QUEUED)
        .values(state=MessageState.SENDING, attempts=OutboxMessage.attempts + 1,
                next_attempt_at=utcnow() + LEASE).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def _deliver(message: OutboxMessage) -> str:
    if message.medium == Medium.EMAIL:
        return mail.send(message)
    gateway = gateways.configured()
    if gateway is None:
        raise gateways.GatewayError("SMS_GATEWAY is not configured")
    return gateway.send(message, f"lcs-{message.id}")


def send_one(message_id: int, result: SendResult) -> None:
    if not take(message_id):
        return
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    try:
        reference = _deliver(message)
    except (gateways.GatewayError, mail.MailError) as error:
        message.last_error = error.reason[:500]
        if error.permanent or message.attempts >= MAX_ATTEMPTS:
            message.state = MessageState.FAILED
            result.failed += 1
        else:
            message.state = MessageState.QUEUED
            message.next_attempt_at = utcnow() + operations.retry_delay(message.attempts)
            result.retrying += 1
        log.warning("message %s not sent (attempt %s): %s", message.id, message.attempts, error.reason)
    else:
        message.state, message.sent_at, message.gateway_reference = MessageState.SENT, utcnow(), reference
        message.last_error = None
        result.sent += 1
    db.session.commit()


def send_due(limit: int = 200) -> SendResult:
    """Send every message now due (``flask notifications send``, the RQ job, the sender thread)."""
    result = SendResult()
    for message_id in _due_ids(limit):
        send_one(message_id, result)
    db.session.commit()
    return result


# --- after the commit ------------------------------------------------------------------------------------------

def _mark_queued(session: Session, _flush_context, _instances) -> None:
    if any(isinstance(obj, OutboxMessage) for obj in session.new):
        session.info[QUEUED_KEY] = True


def _after_commit(session: Session) -> None:
    if not session.info.pop(QUEUED_KEY, False):
        return
    mode = current_app.config.get("NOTIFICATIONS_SENDER", "thread")
    if mode == "off":
        return
    if current_app.config.get("REDIS_URL"):
        _enqueue()
    else:
        app = current_app._get_current_object()
        threading.Thread(target=_send_in_thread, args=(app,), name="outbox-sender", daemon=True).start()


def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction: what it queued is gone
        session.info.pop(QUEUED_KEY, None)


def _send_in_thread(app) -> None:
    with app.app_context():
        try:
            send_due()
        except Exception:  # a background thread has no one to report to but the log
            log.exception("sending the outbox failed")


def _enqueue() -> None:
    from notifications import jobs  # the jobs call back into this module

    jobs.queue().enqueue(jobs.send_job, job_timeout=600)


def init_app(app) -> None:
    # Tests share one connection between the test and its requests: no thread may use it behind their back.
    app.config.setdefault("NOTIFICATIONS_SENDER", "off" if app.testing else "thread")
    for name, fn in (("before_flush", _mark_queued), ("after_commit", _after_commit),
                     ("after_soft_rollback", _after_rollback)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
