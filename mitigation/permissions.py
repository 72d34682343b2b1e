"""Who may do what with mitigation records (roles; the owner's office is checked by the queries).

Clerks record installations (DESIGN §2). Inspections and vaccinations happen in the field, so field
verifiers may record them as well as clerks. Managers and auditors read.
"""

from claims.permissions import READERS
from conflict_service.auth.models import Role

__all__ = ["READERS", "FIELD_ROLES", "can_view_measures", "can_record_measure", "can_inspect", "can_record_vaccination"]

FIELD_ROLES = (Role.CLERK, Role.VERIFIER)


def can_view_measures(user) -> bool:
    return user is not None and user.role in READERS


def can_record_measure(user) -> bool:
    return user is not None and user.role == Role.CLERK


def can_inspect(user) -> bool:
    return user is not None and user.role in FIELD_ROLES


def can_record_vaccination(user) -> bool:
    return user is not None and user.role in FIELD_ROLES
