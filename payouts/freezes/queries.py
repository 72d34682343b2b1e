"""Reading retaliation freezes within a user's jurisdictions."""

from __future__ import annotations

import sqlalchemy as sa

from claims.queries import programmes_for
from conflict_service.jurisdictions.queries import scope_ids
from conflict_service.pagination import Page, paginate
from payouts.freezes import holds
from payouts.freezes.models import RetaliationFreeze


def freezes_page(user, *, active: bool | None = None, programme_id: int | None = None, page: int = 1,
                 per_page: int = 50) -> Page:
    """Freezes of the user's programmes whose area is theirs, newest first; ``active`` by each programme's date."""
    programmes = [p for p in programmes_for(user) if programme_id is None or p.id == programme_id]
    stmt = sa.select(RetaliationFreeze).where(
        RetaliationFreeze.programme_id.in_([p.id for p in programmes]),
        sa.or_(RetaliationFreeze.jurisdiction_id.is_(None), RetaliationFreeze.jurisdiction_id.in_(scope_ids(user))))
    if active is not None:
        running = sa.or_(sa.false(), *(sa.and_(RetaliationFreeze.programme_id == p.id,
                                               RetaliationFreeze.killed_on <= (today := holds.today_for(p)),
                                               RetaliationFreeze.ends_on > today) for p in programmes))
        is_on = sa.and_(RetaliationFreeze.lifted_at.is_(None), running)
        stmt = stmt.where(is_on if active else ~is_on)
    stmt = stmt.order_by(RetaliationFreeze.killed_on.desc(), RetaliationFreeze.id.desc())
    return paginate(stmt, page, per_page)


def view(freeze: RetaliationFreeze) -> RetaliationFreeze:
    """The freeze with what its schema and page show: whether it holds now, and the claims it holds."""
    freeze.is_active = holds.is_active(freeze)
    freeze.held = holds.claims_in_area(freeze) if freeze.is_active else []
    freeze.held_claims = [c.number for c in freeze.held]
    return freeze
