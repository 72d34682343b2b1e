"""HTTP Digest (RFC 7616, the MD5 / qop=auth subset OpenRosa clients use) and Basic authentication for devices.

Nonces are stateless: ``<unix time>.<HMAC of it under the app's secret key>``. An old nonce with a valid HMAC
answers ``stale=true`` so that ODK Collect retries with its cached password instead of asking the verifier again.
Nonce counts are not tracked: a captured request could be replayed within the nonce's lifetime, which for this
service re-sends the same submission (answered 202, changing nothing) or re-reads what was already seen.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, request

from conflict_service.auth import field_credentials as credentials
from conflict_service.auth.models import FieldCredential
from conflict_service.timeutil import utcnow

NONCE_SECONDS = 15 * 60


@dataclass
class Outcome:
    credential: FieldCredential | None = None
    stale: bool = False
    attempted: bool = False  # credentials were sent (and were wrong): counts against the rate limit


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _mac(stamp: str) -> str:
    key = current_app.config["SECRET_KEY"].encode() if isinstance(current_app.config["SECRET_KEY"], str) \
        else current_app.config["SECRET_KEY"]
    return hmac.new(key, f"openrosa-nonce:{stamp}".encode(), hashlib.sha256).hexdigest()[:32]


def new_nonce() -> str:
    stamp = f"{int(utcnow().timestamp())}.{secrets.token_hex(4)}"
    return f"{stamp}.{_mac(stamp)}"


def _nonce_state(nonce: str) -> str:
    """'fresh', 'stale' or 'bad'."""
    stamp, _sep, mac = nonce.rpartition(".")
    if not stamp or not hmac.compare_digest(mac, _mac(stamp)):
        return "bad"
    try:
        age = utcnow().timestamp() - int(stamp.split(".")[0])
    except ValueError:
        return "bad"
    return "fresh" if -60 <= age <= NONCE_SECONDS else "stale"


def challenge_headers(stale: bool = False) -> list[tuple[str, str]]:
    """The 401 challenges: Digest first (what Collect prefers), Basic only over HTTPS."""
    digest = (f'Digest realm="{credentials.REALM}", qop="auth", algorithm=MD5, nonce="{new_nonce()}", '
              f'opaque="{secrets.token_hex(8)}", domain="/openrosa"')
    if stale:
        digest += ", stale=true"
    headers = [("WWW-Authenticate", digest)]
    if request.is_secure:
        headers.append(("WWW-Authenticate", f'Basic realm="{credentials.REALM}", charset="UTF-8"'))
    return headers


def authenticate() -> Outcome:
    auth = request.authorization
    if auth is None:
        return Outcome()
    if auth.type == "basic":
        return _basic(auth)
    if auth.type == "digest":
        return _digest(auth)
    return Outcome(attempted=True)


def _basic(auth) -> Outcome:
    if not request.is_secure:  # a password in the clear over HTTP is refused even when right
        return Outcome(attempted=True)
    credential = credentials.by_username(auth.username or "")
    if credential is None or not credential.is_active or not credentials.matches_password(credential,
                                                                                             auth.password or ""):
        return Outcome(attempted=True)
    return Outcome(credential)


def _digest(auth) -> Outcome:
    p = auth.parameters
    if p.get("realm") != credentials.REALM or p.get("algorithm", "MD5").upper() != "MD5" or not _same_target(
            p.get("uri", "")):
        return Outcome(attempted=True)
    state = _nonce_state(p.get("nonce", ""))
    if state == "bad":
        return Outcome(attempted=True)
    credential = credentials.by_username(p.get("username", ""))
    key = credential.digest_key if credential is not None else _md5("absent:absent:absent")
    ha2 = _md5(f"{request.method}:{p.get('uri', '')}")
    qop = p.get("qop")
    if qop == "auth":
        expected = _md5(f"{key}:{p.get('nonce')}:{p.get('nc', '')}:{p.get('cnonce', '')}:auth:{ha2}")
    elif qop is None:
        expected = _md5(f"{key}:{p.get('nonce')}:{ha2}")
    else:
        return Outcome(attempted=True)
    if credential is None or not credential.is_active or not hmac.compare_digest(expected, p.get("response", "")):
        return Outcome(attempted=True)
    if state == "stale":
        return Outcome(stale=True)  # right password, old nonce: a new challenge, not a failure
    return Outcome(credential)


def _same_target(uri: str) -> bool:
    """The digest's uri names this request (path, and query if any), as RFC 7616 §3.4.6 asks."""
    parts = urlsplit(uri)
    if parts.path != request.path:
        return False
    return parts.query == request.query_string.decode("latin-1")
