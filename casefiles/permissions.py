"""Who may print which document of a claim (jurisdiction is checked when the claim is read)."""

from flask_babel import lazy_gettext as L_

from claims.permissions import can_see_personal_data
from conflict_service.auth.models import Role
from conflict_service.auth.roles import RECORD_READERS

# Why everyone but a clerk is refused the receipt (the API and the page declare Role.CLERK with it).
RECEIPT_REFUSAL = L_("Only office clerks print receipts: the receipt shows the owner's PIN.")


def can_print_receipt(user) -> bool:
    """The receipt carries the owner's PIN, which only the office that files claims sees."""
    return user is not None and user.role == Role.CLERK


def can_print_casefile(user) -> bool:
    return user is not None and user.role in RECORD_READERS


def shows_personal_data(user) -> bool:
    """Auditors get case files with the national ID and phone masked, as on screen."""
    return can_see_personal_data(user)
