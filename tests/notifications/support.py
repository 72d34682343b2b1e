"""Helpers for the notification tests."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from conflict_service.db import db
from notifications.enums import ConsentChannel, ConsentSource
from notifications.models import OutboxMessage
from notifications.operations import set_consent


def consent(owner, clerk, language="fa", channel=ConsentChannel.SMS):
    return set_consent(owner, {"channel": channel, "language": language, "recorded_on": date(2026, 5, 1),
                               "source": ConsentSource.OFFICE}, clerk)


def outbox(**where) -> list[OutboxMessage]:
    stmt = sa.select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)
    return list(db.session.scalars(stmt.execution_options(populate_existing=True)))
