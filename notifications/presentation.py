"""How notifications' audit events read in histories."""

from flask_babel import lazy_gettext as L_

from conflict_service.audit import presentation


def init_app(_app) -> None:
    presentation.register({"owner.consent": L_("Consent to messages recorded"),
                           "outbox_message.resent": L_("Message queued again"),
                           "user.mail_preferences": L_("E-mail for digests changed")})
