"""Changes of a programme's money rules are proposals until a second manager confirms them (DESIGN §2).

A manager who changes what a claim is worth or who must sign for it (percentages, caps, the dual-approval
threshold, advances, interest, covered predators, exclusion zones) proposes; the change applies from the moment
another manager of the programme's jurisdiction confirms it, and only if the rules are still those it was proposed
against. So no one person can switch a safeguard off, act, and switch it back on.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from claims import permissions
from claims.enums import Confidence, RuleChangeStatus
from claims.models import Programme, RuleChange
from conflict_service.audit.operations import diff, jsonable, record, snapshot
from conflict_service.db import db
from conflict_service.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationError
from conflict_service.jurisdictions import queries as jq
from conflict_service.timeutil import utcnow

DECIMAL_RULES = ("injured_pct", "missing_pct", "negligence_pct", "noncompliance_pct", "mitigation_bonus_pct",
                 "coverage_pct", "deductible", "household_annual_cap", "dual_approval_threshold", "advance_pct",
                 "late_interest_pct_per_year")
NOTE_MAX = 2000
# Everything that decides how much a claim pays, whether it pays, or who must sign for it.
MONEY_RULES = (*DECIMAL_RULES, "report_backdating_days", "payment_sla_days", "max_claims_per_year", "min_confidence",
               "covered_predators", "exclusion_zones")



def propose(programme: Programme, values: dict, actor) -> RuleChange | None:
    """Propose new money rules (those of ``values`` that differ from the rules in force); None if none differ."""
    before = snapshot(programme, MONEY_RULES)
    after = {k: jsonable(v) for k, v in values.items() if k in MONEY_RULES and not _same(k, jsonable(v), before[k])}
    if not after:
        return None
    change = RuleChange(programme_id=programme.id, before={k: before[k] for k in after}, after=after,
                        proposed_by_id=actor.id, proposed_at=utcnow())
    db.session.add(change)
    db.session.flush()
    record("programme.rules_proposed", programme, actor=actor, changes=diff(change.before, after),
           data={"proposal": change.id})
    return change


def confirm(change: RuleChange, actor) -> RuleChange:
    """A second manager confirms a proposal: the rules apply from now."""
    programme = _decide_start(change, actor)
    if change.proposed_by_id == actor.id:
        raise Forbidden(_("You proposed this change; a second manager must confirm it."))
    current = snapshot(programme, MONEY_RULES)
    if any(not _same(k, current[k], v) for k, v in change.before.items()):
        raise Conflict(_("The rules changed since this proposal was made; refuse it and propose again."))
    for key, value in change.after.items():
        setattr(programme, key, _typed(key, value))
    _close(change, RuleChangeStatus.CONFIRMED, actor, "")
    record("programme.rules_confirmed", programme, actor=actor, changes=diff(change.before, change.after),
           data={"proposal": change.id, "proposed_by": change.proposed_by.username})
    return change


def refuse(change: RuleChange, actor, note: str = "") -> RuleChange:
    """Refuse a proposal (another manager), or withdraw it (its author); the rules stay as they are."""
    if len(note) > NOTE_MAX:
        raise ValidationError.field("note", _("At most {max} characters.").format(max=NOTE_MAX))
    programme = _decide_start(change, actor)
    _close(change, RuleChangeStatus.REFUSED, actor, note.strip())
    record("programme.rules_refused", programme, actor=actor, reason=note.strip() or None,
           data={"proposal": change.id})
    return change


def _decide_start(change: RuleChange, actor) -> Programme:
    if not permissions.can_manage_programmes(actor):
        raise Forbidden(_("Only a programme manager can confirm or refuse changes of the rules."))
    programme = db.session.scalars(sa.select(Programme).where(Programme.id == change.programme_id)
                                   .with_for_update(of=Programme)).one()  # one decision at a time per programme
    if programme.jurisdiction_id not in jq.scope_ids(actor):
        raise Forbidden(_("This programme is run above your jurisdiction; a manager there changes its rules."))
    db.session.refresh(change)
    if change.status != RuleChangeStatus.PENDING:
        raise InvalidTransition(_("This proposal is already decided: {status}.").format(
            status=str(change.status.title).lower()))
    return programme


def _close(change: RuleChange, status: RuleChangeStatus, actor, note: str) -> None:
    change.status, change.decided_by, change.decided_at, change.note = status, actor, utcnow(), note
    db.session.flush()


def _same(key: str, one, other) -> bool:
    return _typed(key, one) == _typed(key, other)


def _typed(key: str, value):
    if value is None:
        return None
    if key in DECIMAL_RULES:
        return Decimal(str(value))
    if key == "min_confidence":
        return Confidence(value)
    return value


def pending(programme: Programme) -> list[RuleChange]:
    return list(db.session.scalars(sa.select(RuleChange).where(
        RuleChange.programme_id == programme.id, RuleChange.status == RuleChangeStatus.PENDING)
        .order_by(RuleChange.id)))


def changes_of(programme: Programme) -> list[RuleChange]:
    return list(db.session.scalars(sa.select(RuleChange).where(RuleChange.programme_id == programme.id)
                                   .order_by(RuleChange.id.desc())))


def get_change(programme: Programme, change_id: int) -> RuleChange:
    change = db.session.get(RuleChange, change_id)
    if change is None or change.programme_id != programme.id:
        raise NotFound()
    return change
