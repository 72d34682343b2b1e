"""Who may do what with owners, programmes and claims (roles; jurisdiction is checked by the queries)."""

from claims.states import ClaimState
from conflict_service.auth.models import Role
from conflict_service.auth.roles import RECORD_READERS

# National ID and phone: the office, the field verifier and the manager need them; auditors see them masked.
PERSONAL_DATA_READERS = (Role.CLERK, Role.VERIFIER, Role.MANAGER)


def can_view_records(user) -> bool:
    return user is not None and user.role in RECORD_READERS


def can_register_owner(user) -> bool:
    return user is not None and user.role == Role.CLERK


def can_file_claim(user) -> bool:
    return user is not None and user.role == Role.CLERK


def can_edit_claim(user, claim) -> bool:
    return can_file_claim(user) and claim.status == ClaimState.SUBMITTED


def can_manage_programmes(user) -> bool:
    return user is not None and user.role == Role.MANAGER


def can_merge_owners(user) -> bool:
    """Merging two records of one household moves claims between owners, so between household caps: a manager's
    decision (jurisdiction is checked by the operation)."""
    return user is not None and user.role == Role.MANAGER


def can_see_personal_data(user) -> bool:
    return user is not None and user.role in PERSONAL_DATA_READERS


def mask(value: str | None) -> str | None:
    if not value:
        return value
    return "•" * max(0, len(value) - 2) + value[-2:]
