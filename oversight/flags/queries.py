"""Reading anomaly flags within a user's jurisdictions (refreshing them first, see operations)."""

from __future__ import annotations

import sqlalchemy as sa

from claims.models import Claim
from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.jurisdictions.queries import office_ids
from conflict_service.pagination import Page, paginate
from oversight.flags import operations
from oversight.models import AnomalyFlag

STATES = ("open", "decided", "all")


def queue(user, *, state: str = "open", rule: str | None = None, programme_id: int | None = None, page: int = 1,
          per_page: int = 50) -> Page:
    """Flags on the claims the user sees, refreshed for their open claims; ``open``: still to be decided."""
    offices = office_ids(user)
    operations.refresh(operations.open_claims(offices))
    stmt = (sa.select(AnomalyFlag).join(Claim, Claim.id == AnomalyFlag.claim_id)
            .where(Claim.office_id.in_(offices), AnomalyFlag.cleared_at.is_(None)))
    if state == "open":
        stmt = stmt.where(AnomalyFlag.decision.is_(None))
    elif state == "decided":
        stmt = stmt.where(AnomalyFlag.decision.is_not(None))
    if rule:
        stmt = stmt.where(AnomalyFlag.rule == rule)
    if programme_id:
        stmt = stmt.where(Claim.programme_id == programme_id)
    return paginate(stmt.order_by(AnomalyFlag.raised_at.desc(), AnomalyFlag.id.desc()), page, per_page)


def for_claim(claim: Claim) -> list[AnomalyFlag]:
    """The flags that apply to a claim now (refreshed if the claim is open), in the registry's order."""
    if claim.status.is_open:
        operations.refresh(sa.select(Claim.id).where(Claim.id == claim.id))
    flags = db.session.scalars(sa.select(AnomalyFlag).where(AnomalyFlag.claim_id == claim.id,
                                                            AnomalyFlag.cleared_at.is_(None))).all()
    order = {code: i for i, code in enumerate(operations.RULES)}
    return sorted(flags, key=lambda f: order.get(f.rule, len(order)))


def get_flag(flag_id: int, user) -> AnomalyFlag:
    flag = db.session.get(AnomalyFlag, flag_id)
    if flag is None or flag.claim.office_id not in office_ids(user):
        raise NotFound()
    return flag
