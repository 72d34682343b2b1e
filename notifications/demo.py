"""Demo data: a few owners who agreed to SMS, the messages their claims queued, one the gateway refused."""

from __future__ import annotations

import sqlalchemy as sa

from claims.models import Claim
from conflict_service.db import db
from conflict_service.timeutil import local_date, utcnow
from notifications.enums import ConsentChannel, ConsentSource, MessageState, Template
from notifications.models import OutboxMessage
from notifications.operations import queue_for_owner, set_consent
from notifications.subscribers import _filed


def load(context: dict) -> None:
    claims = db.session.scalars(sa.select(Claim).order_by(Claim.id)).all()
    seen: set[int] = set()
    for claim in claims:
        owner = claim.owner
        if owner.id in seen or not owner.phone or len(seen) >= 6:
            continue
        seen.add(owner.id)
        set_consent(owner, {"channel": ConsentChannel.SMS, "language": owner.preferred_language,
                            "recorded_on": local_date(claim.filed_at, owner.office.timezone),
                            "source": ConsentSource.OFFICE}, claim.filed_by)
        queue_for_owner(claim, Template.FILED, _filed(claim, {}), key=f"filed:claim:{claim.id}:1")
    failed = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id).limit(1)).first()
    if failed is not None:
        failed.state, failed.attempts, failed.last_error = MessageState.FAILED, 1, "HTTP 400: invalid number"
        failed.next_attempt_at = utcnow()
    db.session.flush()
