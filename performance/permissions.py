"""Who may do what with performance contracts (jurisdiction is checked here against the community or programme).

Managers create communities and contracts, confirm each other's contracts and changes, and approve periods;
verifiers and managers import camera-trap packages; verifiers review the leopard observations; auditors read.
"""

from flask_babel import gettext as _

from conflict_service.auth.models import Role
from conflict_service.errors import Forbidden
from conflict_service.jurisdictions import queries as jq

PERFORMANCE_READERS = (Role.VERIFIER, Role.MANAGER, Role.AUDITOR)
IMPORTERS = (Role.VERIFIER, Role.MANAGER)


def can_read_performance(user) -> bool:
    return user is not None and user.role in PERFORMANCE_READERS


def can_manage_contracts(user) -> bool:
    return user is not None and user.role == Role.MANAGER


def can_review(user) -> bool:
    return user is not None and user.role == Role.VERIFIER


def check_manager(user, jurisdiction_id: int) -> None:
    """A manager of ``jurisdiction_id`` or above it (None: the server's command line, acting for the service)."""
    if user is None:
        return
    if user.role != Role.MANAGER:
        raise Forbidden(_("Only a programme manager writes and confirms performance contracts and approves their "
                          "periods."))
    if jurisdiction_id not in jq.scope_ids(user):
        raise Forbidden(_("This community is outside your jurisdiction; a manager there decides for it."))


def check_in_reach(user, jurisdiction_id: int, roles, message) -> None:
    """``user`` has one of ``roles`` and ``jurisdiction_id`` is in or above their jurisdictions."""
    if user is None:
        return
    if user.role not in roles:
        raise Forbidden(message)
    if jurisdiction_id not in jq.scope_ids(user) | jq.related_ids(user):
        raise Forbidden(_("This programme is outside your jurisdiction."))
