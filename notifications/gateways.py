"""SMS gateways (DESIGN §11), chosen by ``SMS_GATEWAY`` with ``SMS_GATEWAY_URL`` and ``SMS_GATEWAY_TOKEN``.

- ``generic``: POST JSON ``{"to", "text", "reference"}`` with ``Authorization: Bearer <token>`` (RapidPro's
  external-channel style); any 2xx means accepted, and our reference is the gateway's.
- ``jasmin``: Jasmin's HTTP API, ``POST <url>/send`` with form fields ``username``/``password`` (the token is
  ``user:password``), ``to``, ``content`` (GSM-7) or ``coding=8`` with ``hex-content`` (UTF-16BE), and a delivery
  report URL; it answers ``Success "<message id>"``.
- ``kavenegar``: a registered template sent with parameters, ``POST <url>/<token>/verify/lookup.json`` with
  ``receptor``, ``template`` and ``token``, ``token2``, ``token3`` (no spaces) and ``token10`` (up to four spaces)
  and ``token20`` (a few words); it answers JSON ``{"return": {"status": 200}, "entries": [{"messageid": ...}]}``.

A gateway raises :class:`GatewayError`; ``permanent`` says a retry cannot help (refused number, bad template).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from flask import current_app, url_for

from notifications import sms, texts
from notifications.enums import Template
from notifications.models import OutboxMessage

TIMEOUT = 10


class GatewayError(Exception):
    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason, self.permanent = reason, permanent


def _post(url: str, body: bytes, headers: dict) -> tuple[int, str]:
    if not url.startswith(("http://", "https://")):
        raise GatewayError("SMS_GATEWAY_URL must be an http(s) URL", permanent=True)
    # The URL is the configured gateway's, checked above to be http(s), never one a user typed.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status, response.read(4096).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        text = error.read(500).decode("utf-8", "replace")
        # 4xx (but 408 and 429): the gateway refuses this message; trying again sends the same refusal.
        permanent = 400 <= error.code < 500 and error.code not in (408, 429)
        raise GatewayError(f"HTTP {error.code}: {text.strip()[:200]}", permanent=permanent) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise GatewayError(f"{type(error).__name__}: {getattr(error, 'reason', error)}") from error


@dataclass
class Generic:
    url: str
    token: str

    def send(self, message: OutboxMessage, reference: str) -> str:
        body = json.dumps({"to": message.address, "text": message.text, "reference": reference}).encode()
        _post(self.url, body, {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"})
        return reference


@dataclass
class Jasmin:
    url: str
    token: str

    def send(self, message: OutboxMessage, reference: str) -> str:
        username, _sep, password = self.token.partition(":")
        fields = {"username": username, "password": password, "to": message.address}
        if sms.is_gsm7(message.text):
            fields["content"] = message.text
        else:
            fields.update({"coding": "8", "hex-content": message.text.encode("utf-16-be").hex()})
        if base := current_app.config.get("PUBLIC_BASE_URL"):
            fields.update({"dlr": "yes", "dlr-level": "2", "dlr-method": "POST",
                           "dlr-url": base.rstrip("/") + url_for("SMS gateway.Delivery")})
        status, text = _post(self.url.rstrip("/") + "/send", urllib.parse.urlencode(fields).encode(),
                             {"Content-Type": "application/x-www-form-urlencoded"})
        if not text.startswith("Success"):
            raise GatewayError(text.strip()[:200] or f"HTTP {status}", permanent=True)
        return text.partition('"')[2].rstrip('"\r\n ') or reference


# Kavenegar sends only templates registered (and approved) in its panel: ours are named lcs-<template> and take
# their parameters in this order (token is always the claim's number). token, token2 and token3 take no space;
# token10 takes a phrase of up to four spaces, and only beside a token that is set (Kavenegar support's answer,
# quoted in https://github.com/kavenegar/kavenegar-php/issues/8); token20 takes a few words (kavenegar/kavenegar-go
# issue 11: "tokens that user can use space in string"; no limit found). A space beyond what a token takes becomes a
# zero-width non-joiner. The values are written in the owner's language and digits, as the plain texts are
# (texts.token_values): none of these sources restricts the script or the digits, only the spaces, so a Persian
# owner's PIN and date come in Persian digits.
KAVENEGAR_TOKENS = {
    Template.FILED: ("number", "pin"),
    Template.VISITED: ("number",),
    Template.APPROVED: ("number", None, None, "amount"),
    Template.REJECTED: ("number", "appeal_until", None, None, "reason"),
    Template.PAID: ("number", "reference", None, "amount"),
}
TOKEN_NAMES = ("token", "token2", "token3", "token10", "token20")
TOKEN_SPACES = {"token": 0, "token2": 0, "token3": 0, "token10": 4, "token20": None}  # None: no limit documented


def _spaces_within(value: str, allowed: int | None) -> str:
    """``value`` with no more than ``allowed`` spaces: the ones beyond become zero-width non-joiners."""
    if allowed is None:
        return value
    words = value.split(" ")
    return " ".join(words[:allowed + 1]) + "".join(f"\u200c{word}" for word in words[allowed + 1:])


def kavenegar_fields(message: OutboxMessage) -> dict:
    """The lookup request's fields for a message (a text without a registered template cannot be sent)."""
    names = KAVENEGAR_TOKENS.get(message.template)
    if names is None:
        raise GatewayError(f"no Kavenegar template for {message.template.value}", permanent=True)
    prefix = current_app.config.get("KAVENEGAR_TEMPLATE_PREFIX", "lcs-")
    fields = {"receptor": message.address, "template": f"{prefix}{message.template.value}"}
    values = texts.token_values(message.params or {}, message.language)
    for token, name in zip(TOKEN_NAMES, names, strict=False):
        if name is not None:
            fields[token] = _spaces_within(values.get(name, ""), TOKEN_SPACES[token])
    return fields


@dataclass
class Kavenegar:
    url: str
    token: str

    def send(self, message: OutboxMessage, reference: str) -> str:
        url = f"{self.url.rstrip('/')}/{urllib.parse.quote(self.token)}/verify/lookup.json"
        _status, text = _post(url, urllib.parse.urlencode(kavenegar_fields(message)).encode(),
                              {"Content-Type": "application/x-www-form-urlencoded"})
        try:
            answer = json.loads(text)
        except ValueError as error:
            raise GatewayError(f"not JSON: {text[:100]}") from error
        if answer.get("return", {}).get("status") != 200:
            raise GatewayError(str(answer.get("return", {}).get("message", text[:200])), permanent=True)
        entries = answer.get("entries") or [{}]
        return str(entries[0].get("messageid") or reference)


GATEWAYS = {"generic": Generic, "jasmin": Jasmin, "kavenegar": Kavenegar}


def configured():
    """The gateway the configuration names, or None when SMS is not configured (messages wait queued)."""
    name, url = current_app.config.get("SMS_GATEWAY"), current_app.config.get("SMS_GATEWAY_URL")
    if not name or not url:
        return None
    if name not in GATEWAYS:
        raise GatewayError(f"unknown SMS_GATEWAY {name!r}", permanent=True)
    return GATEWAYS[name](url, current_app.config.get("SMS_GATEWAY_TOKEN", ""))
