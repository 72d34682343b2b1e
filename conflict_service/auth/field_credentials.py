"""Field-device credentials: created by a verifier for ODK Collect or KoboCollect, shown once, revocable.

The device authenticates with HTTP Digest (or Basic over HTTPS); both are checked against the stored Digest key
``MD5(username:realm:password)`` (RFC 7616 §3.4.2), in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import zlib

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_

from conflict_service.audit.operations import record
from conflict_service.auth.models import FieldCredential, Role, User
from conflict_service.auth.queries import administers
from conflict_service.db import db
from conflict_service.errors import Forbidden, NotFound, ValidationError
from conflict_service.timeutil import utcnow

REALM = "leopard-conflict-field"
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: typed on a phone keyboard
PASSWORD_GROUPS, GROUP_LENGTH = 5, 4  # 20 symbols of 31: 99 bits
MAX_ACTIVE = 5
# The languages ODK Collect's own screens come in (its ``app_language``) for ours: Dari readers get its Persian. It has
# no Sorani, Armenian, Azerbaijani, Kazakh, Turkmen, Uzbek or Tajik: there the app keeps the phone's language.
COLLECT_LANGUAGES = {"en": "en", "fa": "fa", "fa_AF": "fa", "ps": "ps", "ar": "ar", "ur": "ur", "ka": "ka", "tr": "tr",
                     "ru": "ru"}
# The menu item of Collect's "Configure with QR code" screen that reads a code from a saved picture, as Collect names it
# in its languages (its string ``import_qrcode_sd``; Pashto, Georgian and Turkish show the English one).
COLLECT_IMPORT_ITEM = {"en": "Import QR code", "fa": "QR کد را وارد شد", "ar": "استيراد رمز QR",
                       "ur": "QR کوڈ باہر سے لایئں", "ru": "Импортировать QR-код"}
PROJECT_NAME = L_("Leopard conflict compensation")
PROJECT_ICON, PROJECT_COLOUR = "\N{LEOPARD}", "#5b4a2f"  # the service's mark and its header's brown


def digest_key(username: str, password: str, realm: str = REALM) -> str:
    return hashlib.md5(f"{username}:{realm}:{password}".encode(), usedforsecurity=False).hexdigest()


def _password() -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(PASSWORD_GROUPS))


def _username(user: User) -> str:
    while True:
        candidate = f"{user.username}.{''.join(secrets.choice(ALPHABET) for _ in range(4))}"
        if not db.session.scalar(sa.select(FieldCredential.id).where(FieldCredential.username == candidate)):
            return candidate


def create(user: User, data: dict, actor: User) -> tuple[FieldCredential, str]:
    """Make a credential for the actor's own field device; the password is returned once and never stored."""
    if actor.id != user.id:
        raise Forbidden(_("Field-device credentials are created by their owner, on their own profile."))
    if user.role != Role.VERIFIER:
        raise Forbidden(_("Only field verifiers send site visits from a field device."))
    if len(active_for(user)) >= MAX_ACTIVE:
        raise ValidationError.field("label", _("You already have {n} active devices; revoke one first.").format(
            n=MAX_ACTIVE))
    password = _password()
    credential = FieldCredential(user_id=user.id, username=_username(user), label=(data.get("label") or "").strip(),
                                 digest_key=digest_key("", "", ""), created_at=utcnow())
    credential.digest_key = digest_key(credential.username, password)
    db.session.add(credential)
    db.session.flush()
    record("user.field_credential_created", user, actor=actor,
           data={"credential_id": credential.id, "username": credential.username, "label": credential.label})
    return credential, password


def active_for(user: User) -> list[FieldCredential]:
    return [c for c in all_for(user) if c.revoked_at is None]


def all_for(user: User) -> list[FieldCredential]:
    stmt = sa.select(FieldCredential).where(FieldCredential.user_id == user.id).order_by(FieldCredential.created_at,
                                                                                          FieldCredential.id)
    return list(db.session.scalars(stmt))


def get(user: User, credential_id: int, actor: User) -> FieldCredential:
    """One credential of ``user``, for the user themself or an administrator of theirs."""
    if actor.id != user.id and not (actor.role == Role.ADMIN and administers(actor, user)):
        raise NotFound()
    credential = db.session.get(FieldCredential, credential_id)
    if credential is None or credential.user_id != user.id:
        raise NotFound()
    return credential


def revoke(credential: FieldCredential, actor: User) -> FieldCredential:
    """Stop a credential from working (its owner, or an administrator); revoking twice changes nothing."""
    if credential.revoked_at is None:
        credential.revoked_at, credential.revoked_by_id = utcnow(), actor.id
        record("user.field_credential_revoked", credential.user, actor=actor,
               data={"credential_id": credential.id, "username": credential.username})
    return credential


def by_username(username: str) -> FieldCredential | None:
    return db.session.scalar(sa.select(FieldCredential).where(FieldCredential.username == username))


def matches_password(credential: FieldCredential, password: str) -> bool:
    """Basic authentication: the password gives the same Digest key."""
    return hmac.compare_digest(credential.digest_key, digest_key(credential.username, password))


def note_use(credential: FieldCredential) -> None:
    """Remember when a device was last seen (at most once a minute, to spare writes)."""
    now = utcnow()
    if credential.last_used_at is None or (now - credential.last_used_at).total_seconds() > 60:
        credential.last_used_at = now


def collect_settings(credential: FieldCredential, password: str, locale: str) -> dict:
    """What ODK Collect's and KoboCollect's *Configure with QR code* reads (their settings JSON): this server, this
    device's username and password, the project as the service names it in ``locale``, the app's screens in that
    language where it has them, and visits sent as soon as the phone has any connection (a verifier comes back into
    range for minutes, not for a Wi-Fi network); the form and the verifier's cases kept as the server has them,
    checked for once an hour to spare a paid-by-the-megabyte connection. Settings not named keep Collect's defaults.
    """
    general = {"server_url": server_url(), "username": credential.username, "password": password,
               "autosend": "wifi_and_cellular", "form_update_mode": "match_exactly",
               "periodic_form_updates_check": "every_one_hour"}
    if locale in COLLECT_LANGUAGES:
        general["app_language"] = COLLECT_LANGUAGES[locale]
    with force_locale(locale):
        name = str(PROJECT_NAME)
    return {"general": general, "admin": {}, "project": {"name": name, "icon": PROJECT_ICON, "color": PROJECT_COLOUR}}


def collect_import_item(locale: str) -> str:
    """What Collect calls its menu item that imports a settings code from a picture, in the language it will most
    likely show for a reader of ``locale`` (its English one where it has none)."""
    return COLLECT_IMPORT_ITEM.get(COLLECT_LANGUAGES.get(locale, "en"), COLLECT_IMPORT_ITEM["en"])


def collect_settings_code(credential: FieldCredential, password: str, locale: str) -> str:
    """The settings QR code's text for this credential (what the profile page draws and the API answers)."""
    return collect_code(collect_settings(credential, password, locale))


def collect_code(settings: dict) -> str:
    """The text of a settings QR code: the JSON compressed with zlib, in base64 (as ODK Collect reads it)."""
    text = json.dumps(settings, ensure_ascii=False, separators=(",", ":"))
    return base64.b64encode(zlib.compress(text.encode(), 9)).decode("ascii")


def server_url() -> str:
    """What to type into ODK Collect or KoboCollect as the server URL: under ``PUBLIC_BASE_URL``, else (within a
    request) the address the request came to. Outside a request without it there is none: a ``RuntimeError``."""
    from flask import current_app, has_request_context, request  # noqa: PLC0415 - within an app context only

    base = current_app.config.get("PUBLIC_BASE_URL") or (request.host_url if has_request_context() else "")
    if not base:
        raise RuntimeError("PUBLIC_BASE_URL is not set: the address phones reach the service at")
    return f"{base.rstrip('/')}/openrosa"
