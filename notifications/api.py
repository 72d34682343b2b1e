"""API: owners' consent, the SMS gateway's webhooks (delivery reports, inbound texts), the outbox and previews."""

from __future__ import annotations

import hmac

from flask import current_app, request
from flask.views import MethodView
from flask_babel import gettext as _

from claims.queries import get_owner
from conflict_service.api import BEARER, blueprint
from conflict_service.auth.models import Role
from conflict_service.auth.roles import CASE_HANDLERS, RECORD_READERS
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db
from conflict_service.errors import Forbidden
from notifications import operations, queries
from notifications.enums import ConsentChannel
from notifications.permissions import OUTBOX_READERS
from notifications.schemas import (
    ConsentAnswerSchema,
    ConsentSchema,
    DeliveryReportSchema,
    InboundAnswerSchema,
    InboundSchema,
    OutboxMessageSchema,
    OutboxPageSchema,
    OutboxQuerySchema,
    PreviewQuerySchema,
    PreviewSchema,
    StaffContactAnswerSchema,
    StaffContactSchema,
)

consent = blueprint("Consent", __name__, "/owners", "Whether and how owners hear about their claims (DESIGN §11).")
gateway = blueprint("SMS gateway", __name__, "/sms",
                    "Called by the SMS gateway, not by people: delivery reports and inbound texts, checked with the "
                    "X-Gateway-Secret header.")
outbox = blueprint("Outbox", __name__, "/outbox", "Messages to owners and staff, and whether they arrived.")
me = blueprint("Mail", __name__, "/me", "Your e-mail for the daily digest and escalations.")
GATEWAY_SECRET = {"parameters": [{"in": "header", "name": "X-Gateway-Secret", "required": True,
                                  "schema": {"type": "string"}}]}


@consent.route("/<int:owner_id>/consent")
class OwnerConsent(MethodView):
    @consent.doc(security=BEARER)
    @consent.response(200, ConsentAnswerSchema)
    @roles_allowed(*RECORD_READERS)
    def get(self, owner_id):
        """The owner's recorded consent; while none is recorded, channel `none` with no date and no source."""
        owner = get_owner(owner_id, signed_in_user())
        return operations.consent_of(owner) or {"owner_id": owner.id, "channel": ConsentChannel.NONE,
                                                "language": owner.preferred_language, "recorded_on": None,
                                                "source": None}

    @consent.doc(security=BEARER)
    @consent.arguments(ConsentSchema)
    @consent.response(200, ConsentAnswerSchema)
    @roles_allowed(*CASE_HANDLERS)
    def put(self, data, owner_id):
        """Record the owner's consent: channel (sms, voice, none), language, date and how it was asked."""
        user = signed_in_user()
        found = operations.set_consent(get_owner(owner_id, user), data, user)
        db.session.commit()
        return found


def check_gateway_secret() -> None:
    expected = current_app.config.get("SMS_INBOUND_SECRET") or ""
    given = request.headers.get("X-Gateway-Secret", "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Forbidden(_("The gateway secret is missing or wrong."))


@gateway.route("/delivery")
class Delivery(MethodView):
    @gateway.doc(**GATEWAY_SECRET)
    @gateway.arguments(DeliveryReportSchema)
    @gateway.response(204)
    def post(self, data):
        """A delivery report: `{"reference", "status"}` for a message the gateway accepted."""
        check_gateway_secret()
        operations.delivery_report(data["reference"], data["status"])
        db.session.commit()


@gateway.route("/inbound")
class Inbound(MethodView):
    @gateway.doc(**GATEWAY_SECRET)
    @gateway.arguments(InboundSchema)
    @gateway.response(200, InboundAnswerSchema)
    def post(self, data):
        """A text from an owner, `{"from", "text"}`: STOP ends their messages; STATUS <number> <PIN> is answered."""
        check_gateway_secret()
        answer = operations.handle_inbound(data["sender"], data["text"])
        db.session.commit()
        return {"reply": answer.text if answer else None}


@outbox.route("")
class Outbox(MethodView):
    @outbox.doc(security=BEARER)
    @outbox.arguments(OutboxQuerySchema, location="query")
    @outbox.response(200, OutboxPageSchema)
    @roles_allowed(*OUTBOX_READERS)
    def get(self, args):
        """Messages about your offices' claims, newest first; filter by state, template or claim."""
        return queries.outbox_page(signed_in_user(), **args)


@outbox.route("/<int:message_id>/resend")
class Resend(MethodView):
    @outbox.doc(security=BEARER)
    @outbox.response(200, OutboxMessageSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, message_id):
        """Queue a failed message again (managers); audited."""
        user = signed_in_user()
        message = operations.resend(operations.get_message(message_id, user), user)
        db.session.commit()
        return message


@outbox.route("/previews")
class Previews(MethodView):
    @outbox.doc(security=BEARER)
    @outbox.arguments(PreviewQuerySchema, location="query")
    @outbox.response(200, PreviewSchema(many=True))
    @roles_allowed(*OUTBOX_READERS)
    def get(self, args):
        """Every owner's message as it reads in one locale (or all), with its length and SMS segments."""
        return queries.previews(args.get("locale"))


@me.route("/mail")
class MyMail(MethodView):
    @me.doc(security=BEARER)
    @me.response(200, StaffContactAnswerSchema)
    @roles_allowed()
    def get(self):
        """Your e-mail address for digests and escalations, and whether you want the daily digest."""
        return operations.staff_contact(signed_in_user()) or {"email": None, "is_digest_wanted": True}

    @me.doc(security=BEARER)
    @me.arguments(StaffContactSchema)
    @me.response(200, StaffContactAnswerSchema)
    @roles_allowed()
    def put(self, data):
        """Set your e-mail address; `is_digest_wanted: false` turns the daily digest off."""
        user = signed_in_user()
        found = operations.set_staff_contact(user, data, user)
        db.session.commit()
        return found


BLUEPRINTS = (consent, gateway, outbox, me)
