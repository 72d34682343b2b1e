"""Who may print which document of a claim (jurisdiction is checked when the claim is read)."""

from flask_babel import gettext as _

from claims.permissions import READERS, can_see_personal_data
from conflict_service.auth.models import Role
from conflict_service.errors import Forbidden


def can_print_receipt(user) -> bool:
    """The receipt carries the owner's PIN, which only the office that files claims sees."""
    return user is not None and user.role == Role.CLERK


def can_print_casefile(user) -> bool:
    return user is not None and user.role in READERS


def check_print(user, kind: str) -> None:
    if kind == "receipt" and not can_print_receipt(user):
        raise Forbidden(_("Only office clerks print receipts: the receipt shows the owner's PIN."))
    if kind == "casefile" and not can_print_casefile(user):
        raise Forbidden(_("Your role cannot print case files."))


def shows_personal_data(user) -> bool:
    """Auditors get case files with the national ID and phone masked, as on screen."""
    return can_see_personal_data(user)
