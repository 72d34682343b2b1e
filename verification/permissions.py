"""Who may do what in field verification. These answer the UI's questions; operations enforce the same rules."""

from claims.states import ClaimState
from conflict_service.auth.models import Role
from conflict_service.auth.roles import CASE_HANDLERS, FIELD_RECORDERS

# A clerk may attach evidence until the claim has been decided on, or to support the owner's appeal.
CLERK_EVIDENCE_STATES = (ClaimState.SUBMITTED, ClaimState.UNDER_VERIFICATION, ClaimState.REJECTED)
# The claim's verifier may add photos during the visit and, since a phone sends only so much at once, after
# recording it until a manager decides.
VERIFIER_EVIDENCE_STATES = (ClaimState.UNDER_VERIFICATION, ClaimState.VERIFIED, ClaimState.REJECTED)


def can_assign(user, claim) -> bool:
    return (user is not None and user.role in CASE_HANDLERS
            and claim.status in (ClaimState.SUBMITTED, ClaimState.UNDER_VERIFICATION))


def is_assigned_verifier(user, claim) -> bool:
    return user is not None and user.role == Role.VERIFIER and claim.assigned_verifier_id == user.id


def can_record_visit(user, claim) -> bool:
    return (is_assigned_verifier(user, claim) and claim.status == ClaimState.UNDER_VERIFICATION
            and claim.filed_by_id != user.id)


def can_add_evidence(user, claim) -> bool:
    if user is None:
        return False
    if user.role == Role.CLERK:
        return claim.status in CLERK_EVIDENCE_STATES and not (
            claim.status == ClaimState.REJECTED and claim.appealed_at is not None)
    return is_assigned_verifier(user, claim) and claim.status in VERIFIER_EVIDENCE_STATES


def can_appeal(user, claim) -> bool:
    return (user is not None and user.role == Role.CLERK and claim.status == ClaimState.REJECTED
            and claim.appealed_at is None)


def has_worklist(user) -> bool:
    return user is not None and user.role == Role.VERIFIER


def can_record_carcass_disposal(user, visit) -> bool:
    """Office clerks (the owner reports it) and field verifiers (they saw it) record a carcass's later disposal."""
    return user is not None and user.role in FIELD_RECORDERS and visit.is_carcass_left
