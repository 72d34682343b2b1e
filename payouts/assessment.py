"""What a claim is worth: the live assessment of a verified claim, or the breakdown frozen at its approval.

Higher modules extend the assessment from ``create_app`` without payouts importing them:
``register_step(app, "mitigation", fn)`` replaces the §5.5 placeholder, ``register_facts(app, provider)``
adds the facts the step reads (``provider(claims) -> {claim_id: {...}}`` lands in ``Facts.extra``).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from claims.models import Claim
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.errors import NotEligible
from payouts import breakdown
from payouts.engine import Assessment, Step, assess, with_step
from payouts.facts import facts_for
from payouts.models import Award
from payouts.steps import DEFAULT_STEPS

ASSESSABLE = (ClaimState.VERIFIED, ClaimState.APPROVED, ClaimState.AWAITING_FUNDS, ClaimState.IN_PAYMENT,
              ClaimState.PAID)


def register_step(app, name: str, fn: Step) -> None:
    app.extensions["assessment_steps"] = with_step(app.extensions.get("assessment_steps", DEFAULT_STEPS), name, fn)


def register_facts(app, provider) -> None:
    app.extensions.setdefault("assessment_facts", []).append(provider)


def steps() -> tuple:
    return current_app.extensions.get("assessment_steps", DEFAULT_STEPS)


def live_many(claims: list[Claim]) -> dict[int, Assessment | None]:
    """Assess many claims in a fixed number of statements; None where there is no confirming verification."""
    facts = facts_for(claims, current_app.extensions.get("assessment_facts", ()))
    chosen = steps()
    return {claim_id: None if f is None else assess(f, chosen) for claim_id, f in facts.items()}


def live(claim: Claim) -> Assessment:
    """The assessment of a verified claim now, or NotEligible saying why it cannot be assessed."""
    result = live_many([claim])[claim.id]
    if result is None:
        raise NotEligible(_("This claim is {state} and has no confirmed verification, so it cannot be assessed yet.")
                          .format(state=str(claim.status.title).lower()))
    return result


def awards_for(claim_ids) -> dict[int, Award]:
    if not claim_ids:
        return {}
    return {a.claim_id: a for a in db.session.scalars(sa.select(Award).where(Award.claim_id.in_(claim_ids)))}


def snapshot_of(claim: Claim) -> tuple[dict, Award | None]:
    """The frozen breakdown once approved, otherwise the live one, as data."""
    award = awards_for([claim.id]).get(claim.id)
    if award is not None:
        return award.breakdown, award
    return breakdown.to_data(live(claim)), None


def view(claim: Claim) -> dict:
    """``{payable, total, currency, lines, reasons, frozen, approved_at}`` in the reader's language."""
    data, award = snapshot_of(claim)
    out = breakdown.render(data)
    out["frozen"] = award is not None
    out["approved_at"] = award.approved_at if award is not None else None
    return out
