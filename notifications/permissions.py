"""Who may do what with notifications: consent is office paperwork; the outbox is the managers' to watch."""

from conflict_service.auth.models import Role
from conflict_service.auth.roles import CASE_HANDLERS, OVERSEERS

# The outbox (who was told what, and whether it arrived): managers, who act on failures, and auditors.
OUTBOX_READERS = OVERSEERS


def can_record_consent(user) -> bool:
    return user is not None and user.role in CASE_HANDLERS


def can_resend(user) -> bool:
    return user is not None and user.role == Role.MANAGER


def can_read_outbox(user) -> bool:
    return user is not None and user.role in OUTBOX_READERS
