"""Words for people: the audit actions of anomaly flags."""

from flask_babel import lazy_gettext as L_

from conflict_service.audit.presentation import register, register_value
from oversight.flags.rules import RULES


def register_texts() -> None:
    """Describe the flags' audit actions and rules for people (``create_app`` calls it)."""
    register({
        "claim.flag_raised": L_("Anomaly flag raised: {rule}"),
        "claim.flag_cleared": L_("Anomaly flag no longer applies: {rule}"),
        "claim.flag_decided": L_("Anomaly flag decided: {rule}"),
    })
    register_value("rule", lambda code: str(RULES[code].title))
