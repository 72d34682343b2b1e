"""Reads: the outbox as managers see it (their offices' messages), previews of owners' texts."""

from __future__ import annotations

import sqlalchemy as sa

from conflict_service.db import db
from conflict_service.i18n import LOCALES
from conflict_service.jurisdictions.queries import office_ids
from conflict_service.pagination import Page, paginate
from notifications import sms, texts
from notifications.enums import MessageState, Template
from notifications.models import OutboxMessage


def outbox_page(user, *, state: MessageState | None = None, template: Template | None = None,
                claim_id: int | None = None, page: int = 1, per_page: int = 50) -> Page:
    stmt = (sa.select(OutboxMessage).where(OutboxMessage.office_id.in_(office_ids(user)))
            .order_by(OutboxMessage.id.desc()))
    if state:
        stmt = stmt.where(OutboxMessage.state == state)
    if template:
        stmt = stmt.where(OutboxMessage.template == template)
    if claim_id:
        stmt = stmt.where(OutboxMessage.claim_id == claim_id)
    return paginate(stmt, page, per_page)


def state_counts(user) -> dict[MessageState, int]:
    stmt = (sa.select(OutboxMessage.state, sa.func.count()).where(OutboxMessage.office_id.in_(office_ids(user)))
            .group_by(OutboxMessage.state))
    counts = dict(db.session.execute(stmt).all())
    return {state: counts.get(state, 0) for state in MessageState}


def preview(template: Template, locale: str) -> dict:
    """An owner's message as it would read in ``locale``, with its length and SMS segments."""
    text = texts.render(template, texts.sample_params(template), locale)
    used, single = sms.length(text)
    return {"template": template, "locale": locale, "text": text, "characters": used, "segment_size": single,
            "segments": sms.segments(text)}


def previews(locale: str | None = None) -> list[dict]:
    return [preview(t, loc) for loc in ([locale] if locale else LOCALES) for t in texts.OWNER_TEMPLATES]
