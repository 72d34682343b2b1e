"""Owners hear about their claim (DESIGN §11): audited claim events become queued messages, in the same
transaction (``conflict_service.events``)."""

from __future__ import annotations

from datetime import timedelta

from claims.models import Claim
from conflict_service import events
from conflict_service.timeutil import local_date, utcnow
from notifications.enums import Template
from notifications.operations import queue_for_owner


def _round(claim: Claim) -> int:
    return 2 if claim.appealed_at else 1  # an appeal starts a second round: its messages are new ones


def _base(claim: Claim) -> dict:
    return {"number": claim.number}


def _filed(claim, data):
    return _base(claim) | {"pin": claim.pin}


def _approved(claim, data):
    amount, currency = data.get("total"), data.get("currency") or claim.programme.currency
    return _base(claim) | {"amount": str(amount), "currency": currency}


def _rejected(claim, data):
    until = local_date(utcnow(), claim.office.timezone) + timedelta(days=claim.programme.appeal_days)
    return _base(claim) | {"reason_code": data.get("reason_code"), "appeal_until": until.isoformat()}


def _paid(claim, data):
    amount, currency = data.get("amount"), data.get("currency") or claim.programme.currency
    reference = data.get("external_reference") or data.get("reference", "")  # what the owner's bank shows
    return _base(claim) | {"amount": str(amount), "currency": currency, "reference": reference}


EVENTS = {
    "claim.submitted": (Template.FILED, _filed),
    "claim.verify_confirm": (Template.VISITED, lambda claim, data: _base(claim)),
    "claim.approve": (Template.APPROVED, _approved),
    "claim.verify_reject": (Template.REJECTED, _rejected),
    "claim.reject": (Template.REJECTED, _rejected),
    "claim.pay": (Template.PAID, _paid),
}


def _subscriber(template: Template, params):
    def on_event(claim, *, data, **_ignored):
        if isinstance(claim, Claim):
            queue_for_owner(claim, template, params(claim, data or {}),
                            key=f"{template.value}:claim:{claim.id}:{_round(claim)}")
    return on_event


_SUBSCRIBERS = {action: _subscriber(template, params) for action, (template, params) in EVENTS.items()}


def init_app(_app) -> None:
    for action, fn in _SUBSCRIBERS.items():
        events.subscribe(action, fn)
