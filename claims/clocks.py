"""A clock on every stage of a claim (DESIGN §6): what is due next and by when.

Each claim carries the clock of its current stage (``due_clock``) and the moment it runs out (``due_at``, UTC),
so lists, counts, reports, digests and escalation read one indexed column instead of four rules. The clock is
restarted by ``refresh(claim)`` whenever the claim moves (``apply_action`` calls it) and by the operations that
change what a stage waits for without moving the claim (a batch approved: its payments now wait to be confirmed).

Claims knows the first two stages; payouts registers the payment and confirmation stages from ``create_app``
(``register(state, provider)``), since only it knows awards and batches.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from claims.enums import Clock
from claims.models import AWAITING_VERIFICATION, Claim
from claims.states import ClaimState
from conflict_service.timeutil import local_date, utcnow

Provider = Callable[[Claim], "tuple[Clock, datetime] | None"]


def _verification(claim: Claim):
    return (Clock.VERIFICATION, claim.verification_due_at) if claim.verification_due_at else None


def _decision(claim: Claim):
    return Clock.DECISION, claim.status_changed_at + timedelta(days=claim.programme.decision_sla_days)


_PROVIDERS: dict[ClaimState, Provider] = {state: _verification for state in AWAITING_VERIFICATION}
_PROVIDERS[ClaimState.VERIFIED] = _decision


def register(state: ClaimState, provider: Provider) -> None:
    """Let a higher package say what a claim in ``state`` waits for (called from ``create_app``)."""
    _PROVIDERS[state] = provider


def refresh(claim: Claim) -> None:
    """Restart the claim's clock for its current stage; a closed claim has none."""
    provider = _PROVIDERS.get(claim.status)
    found = provider(claim) if provider else None
    claim.due_clock, claim.due_at = found if found else (None, None)


def is_overdue(claim: Claim) -> bool:
    return claim.due_at is not None and claim.due_at < utcnow()


def is_due_today(claim: Claim) -> bool:
    """Not overdue yet, but due before the office's day ends."""
    if claim.due_at is None or is_overdue(claim):
        return False
    return local_date(claim.due_at, claim.office.timezone) <= local_date(utcnow(), claim.office.timezone)
