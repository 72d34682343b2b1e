"""The vocabulary of notifications: consent channels, message states and media, owner message templates."""

from flask_babel import lazy_gettext as L_
from flask_babel import lazy_pgettext as LP_

from conflict_service.enums import TitledEnum


class ConsentChannel(TitledEnum):
    SMS = "sms"
    VOICE = "voice"
    NONE = "none"

    @classmethod
    def _titles(cls):
        return {cls.SMS: L_("Text messages (SMS)"), cls.VOICE: L_("Voice calls"), cls.NONE: L_("No messages")}


class ConsentSource(TitledEnum):
    OFFICE = "office"
    PHONE = "phone"
    FIELD = "field"
    SMS = "sms"

    @classmethod
    def _titles(cls):
        return {cls.OFFICE: L_("Asked at the office"), cls.PHONE: L_("Asked by telephone"),
                cls.FIELD: L_("Asked during a site visit"), cls.SMS: L_("By text message")}


class MessageState(TitledEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"

    @classmethod
    def _titles(cls):
        return {cls.QUEUED: L_("Queued"), cls.SENDING: L_("Being sent"), cls.SENT: LP_("message status", "Sent"),
                cls.DELIVERED: L_("Delivered"), cls.FAILED: LP_("message status", "Failed")}


class Medium(TitledEnum):
    SMS = "sms"
    EMAIL = "email"

    @classmethod
    def _titles(cls):
        return {cls.SMS: L_("SMS"), cls.EMAIL: L_("E-mail")}


class Template(TitledEnum):
    """What a message says; owners' texts are in notifications.texts, staff mail in notifications.digests."""

    FILED = "filed"
    VISITED = "visited"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"
    STATUS = "status"
    STOPPED = "stopped"
    DIGEST = "digest"
    ESCALATION = "escalation"

    @classmethod
    def _titles(cls):
        return {cls.FILED: L_("Claim filed"), cls.VISITED: L_("Site visit recorded"),
                cls.APPROVED: LP_("message template", "Approved"), cls.REJECTED: LP_("message template", "Rejected"),
                cls.PAID: LP_("message template", "Paid"), cls.STATUS: L_("Status answer"),
                cls.STOPPED: L_("Messages stopped"), cls.DIGEST: L_("Daily digest"),
                cls.ESCALATION: L_("Escalation")}
