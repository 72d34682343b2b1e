"""The claim lifecycle (DESIGN §4) as data: one table of transitions and one function that applies them.

Every transition checks the actor's role, the claim's jurisdiction, separation of duties and its
preconditions, writes an audit event, and happens under a row lock inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from flask_babel import lazy_pgettext as LP_
from flask_babel import ngettext

from claims.enums import TitledEnum
from conflict_service.audit.operations import record
from conflict_service.auth.models import Role
from conflict_service.db import db
from conflict_service.errors import Forbidden, InvalidTransition, NotEligible, NotFound
from conflict_service.i18n import format_number
from conflict_service.jurisdictions.queries import office_ids
from conflict_service.timeutil import utcnow


class ClaimState(TitledEnum):
    SUBMITTED = "submitted"
    UNDER_VERIFICATION = "under_verification"
    VERIFIED = "verified"
    REJECTED = "rejected"
    APPROVED = "approved"
    AWAITING_FUNDS = "awaiting_funds"
    IN_PAYMENT = "in_payment"
    PAID = "paid"
    WITHDRAWN = "withdrawn"

    @classmethod
    def _titles(cls):
        return {cls.SUBMITTED: L_("Submitted"), cls.UNDER_VERIFICATION: L_("Under verification"),
                cls.VERIFIED: LP_("claim status", "Verified"), cls.REJECTED: LP_("claim status", "Rejected"),
                cls.APPROVED: LP_("claim status", "Approved"), cls.AWAITING_FUNDS: L_("Awaiting funds"),
                cls.IN_PAYMENT: L_("In payment"), cls.PAID: LP_("claim status", "Paid"),
                cls.WITHDRAWN: L_("Withdrawn")}

    @property
    def is_open(self) -> bool:
        return self not in (ClaimState.PAID, ClaimState.WITHDRAWN, ClaimState.REJECTED)


class ClaimAction(TitledEnum):
    ASSIGN = "assign"
    REASSIGN = "reassign"
    WITHDRAW = "withdraw"
    VERIFY_CONFIRM = "verify_confirm"
    VERIFY_REJECT = "verify_reject"
    APPROVE = "approve"
    REJECT = "reject"
    APPEAL = "appeal"
    AWAIT_FUNDS = "await_funds"
    RELEASE_FUNDS = "release_funds"
    ADD_TO_BATCH = "add_to_batch"
    REMOVE_FROM_BATCH = "remove_from_batch"
    PAY = "pay"
    FAIL_PAYMENT = "fail_payment"

    @classmethod
    def _titles(cls):
        return {cls.ASSIGN: L_("assign to a verifier"), cls.REASSIGN: L_("reassign to another verifier"),
                cls.WITHDRAW: L_("withdraw"), cls.VERIFY_CONFIRM: L_("confirm after verification"),
                cls.VERIFY_REJECT: L_("reject after verification"), cls.APPROVE: L_("approve"),
                cls.REJECT: L_("reject"), cls.APPEAL: L_("appeal"),
                cls.AWAIT_FUNDS: L_("wait for money in the insurance fund"),
                cls.RELEASE_FUNDS: L_("release with money reserved from the insurance fund"),
                cls.ADD_TO_BATCH: L_("add to a payment batch"),
                cls.REMOVE_FROM_BATCH: L_("remove from a payment batch"), cls.PAY: L_("mark as paid"),
                cls.FAIL_PAYMENT: L_("mark the payment as failed")}


S, A = ClaimState, ClaimAction


# --- separation of duties ---------------------------------------------------------------------------------

def _not_filer(claim, user) -> str | None:
    if claim.filed_by_id == user.id:
        return _("You filed this claim, so someone else must do this.")
    return None


def _not_verifier(claim, user) -> str | None:
    if user.id in {claim.assigned_verifier_id, claim.prior_verifier_id} - {None}:
        return _("You verified this claim, so someone else must decide on it.")
    return None


def _assigned_verifier(claim, user) -> str | None:
    if claim.assigned_verifier_id != user.id:
        return _("Only the verifier assigned to this claim can record its verification.")
    return None


# --- preconditions -----------------------------------------------------------------------------------------

def _appeal_allowed(claim, _user) -> str | None:
    if claim.appealed_at is not None:
        return _("This claim was already appealed once; only one appeal is allowed.")
    deadline = claim.status_changed_at + timedelta(days=claim.programme.appeal_days)
    if utcnow() > deadline:
        days = claim.programme.appeal_days
        return ngettext("The appeal period of %(days)s day after the rejection has ended.",
                        "The appeal period of %(days)s days after the rejection has ended.", days,
                        days=format_number(days))  # in the reader's digits («٣٠» in Sorani)
    return None


Rule = Callable[[object, object], "str | None"]


@dataclass(frozen=True)
class Transition:
    target: ClaimState
    roles: frozenset[Role]
    duties: tuple[Rule, ...] = ()
    preconditions: tuple[Rule, ...] = field(default=())


def _t(target, roles, duties=(), pre=()):
    return Transition(target, frozenset(roles), tuple(duties), tuple(pre))


CLERK, VERIFIER, MANAGER = Role.CLERK, Role.VERIFIER, Role.MANAGER

TRANSITIONS: dict[tuple[ClaimState, ClaimAction], Transition] = {
    (S.SUBMITTED, A.ASSIGN): _t(S.UNDER_VERIFICATION, {CLERK, MANAGER}),
    (S.UNDER_VERIFICATION, A.REASSIGN): _t(S.UNDER_VERIFICATION, {CLERK, MANAGER}),
    (S.SUBMITTED, A.WITHDRAW): _t(S.WITHDRAWN, {CLERK}),
    (S.UNDER_VERIFICATION, A.VERIFY_CONFIRM): _t(S.VERIFIED, {VERIFIER}, [_not_filer, _assigned_verifier]),
    (S.UNDER_VERIFICATION, A.VERIFY_REJECT): _t(S.REJECTED, {VERIFIER}, [_not_filer, _assigned_verifier]),
    (S.VERIFIED, A.APPROVE): _t(S.APPROVED, {MANAGER}, [_not_filer, _not_verifier]),
    (S.VERIFIED, A.REJECT): _t(S.REJECTED, {MANAGER}, [_not_filer, _not_verifier]),
    (S.REJECTED, A.APPEAL): _t(S.UNDER_VERIFICATION, {CLERK}, pre=[_appeal_allowed]),
    # An insurance scheme's approved payout larger than its fund waits; money recorded into the fund (a premium
    # by a clerk, a contribution or correction by a manager) releases it, in approval order (insurance).
    (S.APPROVED, A.AWAIT_FUNDS): _t(S.AWAITING_FUNDS, {MANAGER}),
    (S.AWAITING_FUNDS, A.RELEASE_FUNDS): _t(S.APPROVED, {CLERK, MANAGER}),
    (S.APPROVED, A.ADD_TO_BATCH): _t(S.IN_PAYMENT, {MANAGER}),
    (S.IN_PAYMENT, A.REMOVE_FROM_BATCH): _t(S.APPROVED, {MANAGER}),
    (S.IN_PAYMENT, A.PAY): _t(S.PAID, {MANAGER}),
    (S.IN_PAYMENT, A.FAIL_PAYMENT): _t(S.APPROVED, {MANAGER}),
}


# Who may take each action at all, whatever the claim's state: a role that never may is told so (403) before
# the claim's state is even considered (409), so the answer does not depend on where the claim happens to be.
ACTION_ROLES: dict[ClaimAction, frozenset[Role]] = {}
for (_state, _action), _transition in TRANSITIONS.items():
    ACTION_ROLES[_action] = ACTION_ROLES.get(_action, frozenset()) | _transition.roles


def allowed_actions(state: ClaimState) -> list[ClaimAction]:
    return [action for (source, action) in TRANSITIONS if source == state]


def lock(claim):
    """Re-read the claim under a row lock (PostgreSQL) so concurrent transitions run one after another."""
    model = type(claim)
    stmt = (sa.select(model).where(model.id == claim.id).options(sa.orm.lazyload("*"))
            .with_for_update(of=model).execution_options(populate_existing=True))
    return db.session.execute(stmt).scalar_one()


def _entry(claim, action: ClaimAction) -> Transition:
    entry = TRANSITIONS.get((claim.status, action))
    if entry is None:
        raise InvalidTransition(_("This claim is {state}, so “{action}” is not possible.").format(
            state=str(claim.status.title).lower(), action=action.title))
    return entry


def check_action(claim, action: ClaimAction, user) -> Transition:
    """Raise the error a user would get for this action now; return the transition if it is allowed."""
    if claim.office_id not in office_ids(user):
        raise NotFound()
    if user.role not in ACTION_ROLES.get(action, frozenset()):
        raise Forbidden(_("Your role ({role}) cannot {action} a claim.").format(
            role=user.role.title, action=action.title))
    entry = _entry(claim, action)
    if user.role not in entry.roles:
        raise Forbidden(_("Your role ({role}) cannot {action} a claim.").format(
            role=user.role.title, action=action.title))
    for rule in entry.duties:
        if message := rule(claim, user):
            raise Forbidden(message)
    for rule in entry.preconditions:
        if message := rule(claim, user):
            raise NotEligible(message)
    return entry


def apply_action(claim, action: ClaimAction, user, *, reason: str | None = None, data: dict | None = None,
                 consequence: bool = False):
    """Move ``claim`` along the lifecycle, or raise; the change and its audit event commit together.

    ``consequence=True`` is for a move that follows from another audited operation rather than from a decision
    about this claim (money a clerk records into an insurance fund releases claims of other offices waiting for
    it): the table and the preconditions are checked, not the user's role, jurisdiction or duties.
    """
    claim = lock(claim)
    entry = _consequence_entry(claim, action, user) if consequence else check_action(claim, action, user)
    before = claim.status
    claim.status = entry.target
    claim.status_changed_at = utcnow()
    if action == A.APPEAL:
        claim.appealed_at = claim.status_changed_at
        claim.prior_verifier_id, claim.assigned_verifier_id = claim.assigned_verifier_id, None
    from claims import clocks  # clocks builds on this module's states; imported late to avoid the cycle

    clocks.refresh(claim)
    db.session.flush()
    record(f"claim.{action.value}", claim, actor=user, changes={"status": [before.value, entry.target.value]},
           data=data, reason=reason)
    return claim


def _consequence_entry(claim, action: ClaimAction, user) -> Transition:
    entry = _entry(claim, action)
    for rule in entry.preconditions:
        if message := rule(claim, user):
            raise NotEligible(message)
    return entry
