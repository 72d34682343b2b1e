"""Who may do what with rates, decisions, batches and payments (jurisdiction is checked by the queries)."""

from conflict_service.auth.models import Role
from conflict_service.auth.roles import CASE_HANDLERS, OVERSEERS


def can_manage_payouts(user) -> bool:
    """Rates, approvals, advances, batches, confirmations and reconciliation: programme managers."""
    return user is not None and user.role == Role.MANAGER


def can_view_payouts(user) -> bool:
    return user is not None and user.role in OVERSEERS


def can_edit_payout_details(user) -> bool:
    """The office registers how an owner is paid; managers may correct it before a batch."""
    return user is not None and user.role in CASE_HANDLERS
