"""Who may do what with insurance (jurisdiction is checked when the records are read, or here for schemes).

Managers run a scheme (seasons, premium rates, donor contributions, corrections, poaching violations) and see its
fund; clerks enrol owners and record premiums at their office; auditors read everything in their jurisdiction.
"""

from flask_babel import gettext as _

from conflict_service.auth.models import Role
from conflict_service.auth.roles import OVERSEERS
from conflict_service.errors import Forbidden
from conflict_service.jurisdictions import queries as jq

# The scheme, its policies and premiums: the offices that enrol and collect, and the overseers. Verifiers have no
# part in insurance.
INSURANCE_READERS = (Role.CLERK, Role.MANAGER, Role.AUDITOR)


def can_read_insurance(user) -> bool:
    return user is not None and user.role in INSURANCE_READERS


def can_read_fund(user) -> bool:
    """The fund's balance, ledger and statements: managers and auditors."""
    return user is not None and user.role in OVERSEERS


def can_enrol(user) -> bool:
    return user is not None and user.role == Role.CLERK


def can_collect_premiums(user) -> bool:
    return user is not None and user.role == Role.CLERK


def can_manage_scheme(user, programme) -> bool:
    """A manager of the scheme's jurisdiction or above it (None: the server's CLI)."""
    return user is not None and user.role == Role.MANAGER and programme.jurisdiction_id in jq.scope_ids(user)


def check_manage_scheme(user, programme, message=None) -> None:
    if user is None:
        return
    if user.role != Role.MANAGER:
        raise Forbidden(message or _("Only a programme manager can run an insurance scheme."))
    if programme.jurisdiction_id not in jq.scope_ids(user):
        raise Forbidden(_("This scheme is run above your jurisdiction; a manager there runs it."))


def check_clerk(user, message) -> None:
    if user is None or user.role != Role.CLERK:
        raise Forbidden(message)
