"""Raising, refreshing and deciding anomaly flags.

When flags are computed: ``refresh(targets)`` runs every rule over a set of claims and brings the stored flags in
line — new ones are raised, those whose rule no longer fires are cleared, the others only get new details. It
is idempotent (a second run changes nothing) and runs on ``flask flags scan`` (every open claim), when the
review queue or the flags API is read (the open claims the reader can see), and when a claim's page or its
flags are read (that claim). Raising and clearing are audited as system events on the claim; decisions are
audited as the manager's. Nothing here changes a claim's state.
"""

from __future__ import annotations

import logging
from collections import Counter

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from claims.models import Claim
from claims.states import ClaimState
from conflict_service.audit.operations import record
from conflict_service.db import db
from conflict_service.errors import Forbidden, ValidationError
from conflict_service.timeutil import utcnow
from oversight.flags.rules import RULES
from oversight.models import AnomalyFlag, FlagDecision
from oversight.permissions import can_decide_flags

log = logging.getLogger(__name__)
OPEN_STATES = tuple(s for s in ClaimState if s.is_open)


def open_claims(office_ids=None) -> sa.Select:
    """The claims whose flags are kept up to date: not paid, withdrawn or rejected (in these offices)."""
    stmt = sa.select(Claim.id).where(Claim.status.in_(OPEN_STATES))
    return stmt if office_ids is None else stmt.where(Claim.office_id.in_(office_ids))


def refresh(targets: sa.Select) -> Counter:
    """Recompute every rule for the ``targets`` claims and store the result; returns counts of what changed."""
    found = {code: r.detect(targets) for code, r in RULES.items()}
    stored = {(f.claim_id, f.rule): f for f in db.session.scalars(
        sa.select(AnomalyFlag).where(AnomalyFlag.claim_id.in_(targets)))}
    now, changes = utcnow(), Counter()
    for code, hits in found.items():
        for claim_id, details in hits.items():
            changes[_raise(stored.get((claim_id, code)), claim_id, code, details, now)] += 1
    for (claim_id, code), flag in stored.items():
        if flag.cleared_at is None and claim_id not in found.get(code, {}):
            flag.cleared_at, flag.checked_at = now, now
            record("claim.flag_cleared", flag.claim, data={"rule": code})
            changes["cleared"] += 1
    db.session.flush()
    return changes


def refresh_claim(claim: Claim, **_event) -> None:
    """Bring one claim's flags up to date at once (subscribed to ``claim.carcass_disposed``: the flag clears even on
    a claim no longer open, which the periodic refresh leaves alone)."""
    refresh(sa.select(Claim.id).where(Claim.id == claim.id))


def refresh_owner_merged(_merged, *, data: dict, **_event) -> None:
    """``owner.merged_into``: one household's claims, now under one owner, are compared with each other (the
    duplicate-claim flag, the yearly count) and no longer with the record removed (a shared national ID)."""
    refresh(sa.select(Claim.id).where(Claim.owner_id == data["into"]))


def _raise(flag: AnomalyFlag | None, claim_id: int, code: str, details: dict, now) -> str:
    if flag is not None and flag.cleared_at is None:
        if flag.details != details:
            flag.details = details
        flag.checked_at = now
        return "kept"
    if flag is not None:  # fired again after it had cleared: the earlier decision was about other facts
        flag.cleared_at, flag.details, flag.raised_at, flag.checked_at = None, details, now, now
        flag.decision = flag.decision_note = flag.decided_at = flag.decided_by_id = None
    else:
        flag = AnomalyFlag(claim_id=claim_id, rule=code, details=details, raised_at=now, checked_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(flag)
        except IntegrityError:  # raised by a concurrent refresh a moment ago: theirs stands
            return "kept"
    record("claim.flag_raised", db.session.get(Claim, claim_id), data={"rule": code})
    return "raised"


def decide(flag: AnomalyFlag, data: dict, actor) -> AnomalyFlag:
    """A manager's decision on a flag: dismissed (false alarm) or confirmed (needs action), with a note."""
    if not can_decide_flags(actor):
        raise Forbidden(_("Only a programme manager can decide on anomaly flags."))
    note = (data.get("note") or "").strip()
    if not note:
        raise ValidationError.field("note", _("Say why: the note is required."))
    if flag.cleared_at is not None:
        raise ValidationError.field("decision", _("This flag no longer applies to the claim; nothing to decide."))
    before = flag.decision.value if flag.decision else None
    flag.decision, flag.decision_note = FlagDecision(data["decision"]), note
    flag.decided_at, flag.decided_by_id = utcnow(), actor.id
    db.session.flush()
    record("claim.flag_decided", flag.claim, actor=actor, reason=note,
           changes={"flag_decision": [before, flag.decision.value]}, data={"rule": flag.rule})
    log.info("flag %s on claim %s %s by %s", flag.rule, flag.claim_id, flag.decision.value, actor.username)
    return flag
