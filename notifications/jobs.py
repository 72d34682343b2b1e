"""RQ jobs (with ``REDIS_URL``): sending the outbox after each commit, and the daily digest and hourly escalation
scheduled by the worker itself (``flask notifications worker --schedule``).

A scheduled job puts its next run on the queue before it ends. Running one twice is harmless: digests are
queued once per user and day, escalations once per claim, stage and day.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from flask import current_app

from conflict_service.db import db
from conflict_service.timeutil import utcnow
from notifications import digests, sender

if TYPE_CHECKING:
    from rq import Queue

ESCALATE_EVERY = timedelta(hours=1)
DIGEST_AT = time(3, 0)  # UTC: early morning from Armenia to Tajikistan


def queue() -> Queue:
    from redis import Redis
    from rq import Queue

    return Queue(current_app.config.get("RQ_NOTIFICATIONS_QUEUE", "notifications"),
                 connection=Redis.from_url(current_app.config["REDIS_URL"]))


def send_job() -> None:
    """Send what is due (enqueued after every commit that queued a message)."""
    try:
        sender.send_due()
    finally:
        db.session.close()


def _next_digest_run(now: datetime) -> datetime:
    today = datetime.combine(now.date(), DIGEST_AT, now.tzinfo)
    return today if today > now else today + timedelta(days=1)


def digest_job() -> None:
    try:
        digests.queue_digests()
        db.session.commit()
        sender.send_due()
    finally:
        db.session.close()
        queue().enqueue_at(_next_digest_run(utcnow()), digest_job)


def escalate_job() -> None:
    try:
        digests.escalate()
        db.session.commit()
        sender.send_due()
    finally:
        db.session.close()
        queue().enqueue_in(ESCALATE_EVERY, escalate_job)


def schedule() -> None:
    """Start the daily digest and the hourly escalation (each job then schedules its next run)."""
    queue().enqueue_at(_next_digest_run(utcnow()), digest_job)
    queue().enqueue(escalate_job)
