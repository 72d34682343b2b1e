"""Words for people: the audit actions of retaliation freezes."""

from flask_babel import lazy_gettext as L_

from conflict_service.audit.presentation import register


def register_texts() -> None:
    """Describe the freezes' audit actions for people (``create_app`` calls it)."""
    register({
        "freeze.recorded": L_("Leopard killing recorded: retaliation freeze {label} holds payments in its area"),
        "freeze.lifted": L_("Retaliation freeze {label} lifted early"),
    })
