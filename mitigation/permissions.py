"""Who may do what with mitigation records (roles; the owner's office is checked by the queries).

Clerks record installations (DESIGN §2). Inspections and vaccinations happen in the field, so field
verifiers may record them as well as clerks. Managers and auditors read.
"""

from conflict_service.auth.models import Role
from conflict_service.auth.roles import FIELD_RECORDERS, RECORD_READERS


def can_view_measures(user) -> bool:
    return user is not None and user.role in RECORD_READERS


def can_record_measure(user) -> bool:
    return user is not None and user.role == Role.CLERK


def can_inspect(user) -> bool:
    return user is not None and user.role in FIELD_RECORDERS


def can_record_vaccination(user) -> bool:
    return user is not None and user.role in FIELD_RECORDERS
