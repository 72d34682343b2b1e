"""The lifecycle table, every transition allowed and refused, parametrised over roles."""

from datetime import timedelta

import pytest
import time_machine

from claims.states import ACTION_ROLES, TRANSITIONS, ClaimAction, ClaimState, apply_action
from conflict_service.audit.queries import events_for
from conflict_service.auth.models import Role
from conflict_service.db import db
from conflict_service.errors import Forbidden, InvalidTransition, NotEligible, NotFound
from conflict_service.timeutil import utcnow

ROLES = list(Role)


def _claim_in(state: ClaimState, world, make):
    claim = make.claim(world.ir)
    claim.status = state  # set up directly: this test is about the table, not the path to the state
    claim.assigned_verifier_id = world.ir.verifier.id
    return claim


def _actor(role: Role, world):
    return {Role.CLERK: world.ir.clerk2, Role.VERIFIER: world.ir.verifier, Role.MANAGER: world.ir.manager,
            Role.AUDITOR: world.ir.auditor, Role.ADMIN: world.ir.admin}[role]


@pytest.mark.parametrize(("state", "action"), list(TRANSITIONS))
@pytest.mark.parametrize("role", ROLES)
def test_each_transition_for_each_role(state, action, role, world, make):
    claim = _claim_in(state, world, make)
    user = _actor(role, world)
    entry = TRANSITIONS[(state, action)]
    if role in entry.roles:
        apply_action(claim, action, user, reason="test")
        db.session.commit()
        assert claim.status == entry.target
        assert events_for("claim", claim.id)[-1].action == f"claim.{action.value}"
    else:
        with pytest.raises(Forbidden) as error:
            apply_action(claim, action, user)
        assert str(action.title) in error.value.message
        assert claim.status == state


ILLEGAL = [(s, a) for s in ClaimState for a in ClaimAction if (s, a) not in TRANSITIONS]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_moves_outside_the_table_are_refused_naming_the_state(state, action, world, make):
    claim = _claim_in(state, world, make)
    user = getattr(world.ir, min(role.value for role in ACTION_ROLES[action]))  # a role that may take it elsewhere
    with pytest.raises(InvalidTransition) as error:
        apply_action(claim, action, user)
    assert error.value.status == 409
    assert str(state.title).lower() in error.value.message
    assert claim.status == state


@pytest.mark.parametrize("action", list(ClaimAction))
def test_a_role_that_may_never_take_an_action_is_told_so_whatever_the_state(action, world, make):
    claim = make.claim(world.ir)  # submitted: for most actions the state is wrong too, but the role is named first
    outsider = world.ir.auditor
    with pytest.raises(Forbidden) as error:
        apply_action(claim, action, outsider)
    assert error.value.status == 403 and str(action.title) in error.value.message


def test_transition_writes_an_audit_event(world, make):
    claim = make.claim(world.ir)
    apply_action(claim, ClaimAction.WITHDRAW, world.ir.clerk, reason="owner found the animals")
    db.session.commit()
    event = events_for("claim", claim.id)[-1]
    assert event.action == "claim.withdraw"
    assert event.changes == {"status": ["submitted", "withdrawn"]}
    assert event.reason == "owner found the animals"
    assert event.actor_name == "clerk_ir"


def test_filer_cannot_verify_even_after_a_role_change(world, make):
    claim = _claim_in(ClaimState.UNDER_VERIFICATION, world, make)
    filer = world.ir.clerk
    filer.role = Role.VERIFIER
    claim.assigned_verifier_id = filer.id
    with pytest.raises(Forbidden, match="You filed this claim"):
        apply_action(claim, ClaimAction.VERIFY_CONFIRM, filer)


def test_only_the_assigned_verifier_verifies(world, make):
    claim = _claim_in(ClaimState.UNDER_VERIFICATION, world, make)
    with pytest.raises(Forbidden, match="Only the verifier assigned"):
        apply_action(claim, ClaimAction.VERIFY_CONFIRM, world.ir.verifier2)


@pytest.mark.parametrize("field", ["assigned_verifier_id", "prior_verifier_id"])
def test_verifier_cannot_approve(field, world, make):
    claim = _claim_in(ClaimState.VERIFIED, world, make)
    manager = world.ir.manager
    setattr(claim, field, manager.id)  # this manager once verified the claim (before a role change)
    with pytest.raises(Forbidden, match="You verified this claim"):
        apply_action(claim, ClaimAction.APPROVE, manager)
    apply_action(claim, ClaimAction.APPROVE, world.ir.manager2)
    assert claim.status == ClaimState.APPROVED


def test_filer_cannot_approve(world, make):
    claim = _claim_in(ClaimState.VERIFIED, world, make)
    claim.filed_by_id = world.ir.manager.id
    with pytest.raises(Forbidden, match="You filed this claim"):
        apply_action(claim, ClaimAction.APPROVE, world.ir.manager)


def test_one_appeal_within_the_period(world, make):
    claim = _claim_in(ClaimState.REJECTED, world, make)
    claim.status_changed_at = utcnow()
    with time_machine.travel(utcnow() + timedelta(days=31), tick=False):
        with pytest.raises(NotEligible, match="appeal period of 30 days"):
            apply_action(claim, ClaimAction.APPEAL, world.ir.clerk)
    apply_action(claim, ClaimAction.APPEAL, world.ir.clerk)
    assert claim.status == ClaimState.UNDER_VERIFICATION
    assert claim.prior_verifier_id == world.ir.verifier.id and claim.assigned_verifier_id is None
    claim.status = ClaimState.REJECTED
    with pytest.raises(NotEligible, match="only one appeal"):
        apply_action(claim, ClaimAction.APPEAL, world.ir.clerk)


def test_other_jurisdiction_is_not_found(world, make):
    claim = _claim_in(ClaimState.SUBMITTED, world, make)
    with pytest.raises(NotFound):
        apply_action(claim, ClaimAction.WITHDRAW, world.am.clerk)
