"""Who may see and do what in oversight: the dashboard and reports, exports, anomaly flags (jurisdiction is checked by
the queries). Managers and auditors read all of it (``OVERSEERS``); only a manager decides on a flag (DESIGN §2, §6).
The public pages (claim status, transparency) need no sign-in."""

from conflict_service.auth.models import Role
from conflict_service.auth.roles import OVERSEERS


def can_read_reports(user) -> bool:
    return user is not None and user.role in OVERSEERS


def can_read_flags(user) -> bool:
    return user is not None and user.role in OVERSEERS


def can_decide_flags(user) -> bool:
    return user is not None and user.role == Role.MANAGER
