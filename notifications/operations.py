"""Consent, queueing owners' messages, delivery reports and inbound texts (STOP, STATUS), resending (DESIGN §11).

Operations change rows, flush and audit; the caller commits. Queued messages are sent after the commit
(notifications.sender), so a rolled-back change sends nothing.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, pgettext
from flask_babel import gettext as _

from claims.models import Claim, Owner
from claims.operations import move_one_per_owner
from conflict_service.audit.operations import diff, record, snapshot
from conflict_service.db import db
from conflict_service.errors import Forbidden, InvalidTransition, NotFound, ValidationError
from conflict_service.i18n import LOCALES, plain_digits
from conflict_service.jurisdictions.queries import office_ids
from conflict_service.timeutil import local_date, local_today, utcnow
from notifications import profiles, texts
from notifications.enums import ConsentChannel, ConsentSource, Medium, MessageState, Template
from notifications.models import Consent, OutboxMessage, StaffContact
from notifications.permissions import can_record_consent, can_resend
from oversight import public  # the status page's lookup, and its lock after wrong PINs

log = logging.getLogger(__name__)
CONSENT_FIELDS = ("channel", "language", "recorded_on", "source")


# --- consent -----------------------------------------------------------------------------------------------

def consent_of(owner: Owner) -> Consent | None:
    return db.session.get(Consent, owner.id)


def owner_merged(kept: Owner, *, data: dict, actor=None, reason: str | None = None, **_event) -> None:
    """``owner.merged``: the messages sent to the merged record are the kept owner's; of two consents the one
    recorded last is the household's word (a "no" given at the other office after an older "yes" is not overruled by
    the merge; see :func:`claims.operations.move_one_per_owner`)."""
    merged_id = data["merged"]
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.owner_id == merged_id).values(owner_id=kept.id))
    changes = move_one_per_owner(Consent, merged_id, kept.id, copied=(*CONSENT_FIELDS, "recorded_by_id"),
                                 summary=lambda consent: snapshot(consent, CONSENT_FIELDS))
    if changes:  # the merged record's consent, recorded last, is the household's word now
        record("owner.consent", kept, actor=actor, reason=reason, changes=changes, data={"merged": merged_id})


def record_office_sms_consent(owner: Owner, actor) -> Consent:
    """The owner agreed at the office, today, to texts in their preferred language (the registration form's box)."""
    if not owner.phone:
        raise ValidationError.field("consent_sms", _("The owner has no phone number; record one first."))
    return set_consent(owner, {"channel": ConsentChannel.SMS, "language": owner.preferred_language,
                               "recorded_on": local_today(owner.office.timezone), "source": ConsentSource.OFFICE},
                       actor)


def set_consent(owner: Owner, data: dict, actor) -> Consent:
    """Record how the owner agreed (or declined) to hear about their claims; every change is audited."""
    if actor is not None and not can_record_consent(actor):
        raise Forbidden(_("Only office clerks and managers record an owner's consent."))
    if data["channel"] != ConsentChannel.NONE and not owner.phone:
        raise ValidationError.field("channel", _("The owner has no phone number; record one first."))
    consent = consent_of(owner)
    before = snapshot(consent, CONSENT_FIELDS) if consent else {}
    if consent is None:
        consent = Consent(owner_id=owner.id, owner=owner)
        db.session.add(consent)
    for name in CONSENT_FIELDS:
        setattr(consent, name, data[name])
    consent.recorded_by_id = actor.id if actor else None
    db.session.flush()
    record("owner.consent", owner, actor=actor, changes=diff(before, snapshot(consent, CONSENT_FIELDS)))
    return consent


# --- queueing ------------------------------------------------------------------------------------------------

def _link() -> str | None:
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        return None
    # From the URL map, not url_for: messages are queued by the command line and workers too, outside any request.
    return f"{base.rstrip('/')}{current_app.url_map.bind('').build('public.status_lookup')}"


TEXTS_CONSENTED = sa.select(Consent.language).where(Consent.owner_id == sa.bindparam("owner"),
                                                   Consent.channel == ConsentChannel.SMS)


def queue_for_owner(claim: Claim, template: Template, params: dict, key: str) -> OutboxMessage | None:
    """Queue an owner's message about ``claim`` if they consented to SMS; the same ``key`` is queued once."""
    owner = claim.owner
    if not owner.phone:
        return None
    # The language they agreed to be texted in, alone: the consent row would come with its owner and the owner's
    # office (their joined relations), which every claim submission would read again.
    language = db.session.scalar(TEXTS_CONSENTED, {"owner": claim.owner_id})
    if language is None:
        return None
    if db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.key == key)):
        return None
    office = claim.office
    profile = profiles.profile_for(office.country_code)
    link = _link() if profile.links and template == Template.FILED else None
    message = OutboxMessage(
        key=key, medium=Medium.SMS, owner_id=owner.id, claim_id=claim.id, office_id=office.id, address=owner.phone,
        language=language, template=template, params=params, text=texts.render(template, params, language, link),
        next_attempt_at=profiles.after_quiet_hours(utcnow(), profile, office.timezone))
    db.session.add(message)
    db.session.flush()
    return message


def reply(phone: str, template: Template, params: dict, language: str, text: str, *, claim: Claim | None = None,
          owner: Owner | None = None) -> OutboxMessage:
    """An answer to an inbound text: sent at once (the owner asked), whatever the quiet hours."""
    message = OutboxMessage(key=f"reply:{secrets.token_hex(8)}", medium=Medium.SMS, address=phone,
                            owner_id=owner.id if owner else None, claim_id=claim.id if claim else None,
                            office_id=claim.office_id if claim else None, language=language, template=template,
                            params=params, text=text)
    db.session.add(message)
    db.session.flush()
    return message


# --- delivery reports ------------------------------------------------------------------------------------

DELIVERED = {"delivered", "delivrd", "success", "sent_to_handset", "10"}
UNDELIVERED = {"failed", "undeliv", "undelivered", "rejectd", "rejected", "expired", "deleted", "unknown", "11",
               "14"}


def delivery_report(reference: str, status: str) -> OutboxMessage:
    """Record what the gateway says became of a message (a report for an unknown reference is 404)."""
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.gateway_reference == reference))
    if message is None:
        raise NotFound(_("No message was sent with this reference."))
    word = status.strip().lower()
    if word in DELIVERED:
        message.state, message.delivered_at = MessageState.DELIVERED, utcnow()
    elif word in UNDELIVERED:
        message.state, message.last_error = MessageState.FAILED, _("The gateway reports: {status}").format(
            status=status.strip()[:60])
    db.session.flush()
    return message


# --- inbound texts ---------------------------------------------------------------------------------------------

STATUS_TEXT = re.compile(r"^\s*STATUS\s+(.+?)\s+(\S+)\s*$", re.IGNORECASE)
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
# The word an owner texts to stop messages, in their language (a Persian herder texts «لغو»); pages name it through
# stop_keyword(), and every language's word is understood whatever language the owner chose.
def stop_keyword() -> str:
    """The stop word in the reader's language, as pages and messages name it."""
    # i18n: one word an owner can type in an SMS to stop all messages (Persian: لغو); no spaces
    return pgettext("keyword an owner texts to stop messages", "STOP")


def stop_words() -> set[str]:
    """Every word that stops an owner's messages: the usual English ones and each language's own."""
    words = set(STOP_WORDS)
    for locale in LOCALES:
        with force_locale(locale):
            words.add(stop_keyword().strip().upper())
    return words


def normalise_phone(text: str) -> str:
    digits = re.sub(r"[^\d+]", "", plain_digits(text or ""))
    return digits[2:] if digits.startswith("00") else digits.lstrip("+")


def owners_with_phone(phone: str) -> list[Owner]:
    wanted = normalise_phone(phone)
    if len(wanted) < 6:
        return []
    # Phones are typed in many ways (+98 912..., 0912...): compare the last nine digits.
    tail = wanted[-9:]
    candidates = db.session.scalars(sa.select(Owner).where(Owner.phone.is_not(None), Owner.phone.contains(tail[-4:])))
    return [o for o in candidates if normalise_phone(o.phone).endswith(tail)]


def handle_inbound(sender: str, text: str) -> OutboxMessage | None:
    """Act on a text from an owner: ``STOP`` ends their consent; ``STATUS <number> <PIN>`` is answered."""
    words = plain_digits(text or "").strip()
    if words.upper() in stop_words():
        return _stop(sender)
    match = STATUS_TEXT.match(words)
    if match:
        return _status(sender, *match.groups())
    return None


def _stop(sender: str) -> None:
    for owner in owners_with_phone(sender):
        consent = consent_of(owner)
        if consent is not None and consent.channel != ConsentChannel.NONE:
            set_consent(owner, {"channel": ConsentChannel.NONE, "language": consent.language,
                                "recorded_on": local_date(utcnow(), owner.office.timezone),
                                "source": ConsentSource.SMS}, None)
            _cancel_queued(owner)
    return None


def _cancel_queued(owner: Owner) -> None:
    db.session.execute(sa.update(OutboxMessage).where(
        OutboxMessage.owner_id == owner.id, OutboxMessage.state == MessageState.QUEUED).values(
        state=MessageState.FAILED, last_error="STOP"))


def _status(sender: str, number: str, pin: str) -> OutboxMessage:
    try:
        claim = public.find_claim(number)
    except NotFound as error:
        return reply(sender, Template.STATUS, {}, _language(None), str(error.message))
    language = _language(claim)
    with force_locale(language):
        try:
            public.check_pin(claim, pin)
        except ValidationError as error:
            return reply(sender, Template.STATUS, {"number": claim.number}, language,
                         str(next(iter(error.errors.values()))[0]), claim=claim)
        params = {"number": claim.number, "state": str(claim.status.title).lower(), "next": public.next_step(claim)}
    return reply(sender, Template.STATUS, params, language, texts.render(Template.STATUS, params, language),
                 claim=claim, owner=claim.owner)


def _language(claim: Claim | None) -> str:
    if claim is None:
        return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    consent = db.session.get(Consent, claim.owner_id)
    return consent.language if consent else claim.owner.preferred_language


# --- resending -------------------------------------------------------------------------------------------------

def get_message(message_id: int, user) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id)
    if message is None or (message.office_id is not None and message.office_id not in office_ids(user)) or (
            message.office_id is None and message.user_id != user.id):
        raise NotFound()
    return message


def resend(message: OutboxMessage, actor) -> OutboxMessage:
    """Queue a failed message again, now; audited."""
    if not can_resend(actor):
        raise Forbidden(_("Only programme managers resend messages."))
    if message.state != MessageState.FAILED:
        raise InvalidTransition(_("This message is {state}; only a failed message can be sent again.").format(
            state=str(message.state.title).lower()))
    message.state, message.next_attempt_at, message.attempts = MessageState.QUEUED, utcnow(), 0
    db.session.flush()
    record("outbox_message.resent", message, actor=actor, data={"template": message.template.value,
                                                                 "last_error": message.last_error})
    return message


def retry_delay(attempts: int) -> timedelta:
    """Back-off after a failed attempt: 1, 4, 16, 64 minutes..."""
    return timedelta(minutes=4 ** max(attempts - 1, 0))


# --- staff e-mail ----------------------------------------------------------------------------------------------

def staff_contact(user) -> StaffContact | None:
    return db.session.get(StaffContact, user.id)


def set_staff_contact(user, data: dict, actor) -> StaffContact:
    """A staff member's e-mail address and whether they want the daily digest; audited."""
    contact = staff_contact(user)
    before = {"email": contact.email, "is_digest_wanted": contact.is_digest_wanted} if contact else {}
    if contact is None:
        contact = StaffContact(user_id=user.id)
        db.session.add(contact)
    contact.email, contact.is_digest_wanted = data["email"], data["is_digest_wanted"]
    db.session.flush()
    record("user.mail_preferences", user, actor=actor, changes=diff(before, {
        "email": contact.email, "is_digest_wanted": contact.is_digest_wanted}))
    return contact
