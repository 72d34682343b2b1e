"""Users, sign-in, lockout and API tokens."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from conflict_service.audit.operations import created, diff, record, snapshot
from conflict_service.auth.models import ApiToken, FieldCredential, Role, User, UserSession
from conflict_service.auth.passwords import DUMMY_HASH, MIN_LENGTH, hash_password, needs_rehash, verify_password
from conflict_service.db import db
from conflict_service.errors import Forbidden, Unauthorized, ValidationError
from conflict_service.i18n import format_number
from conflict_service.jurisdictions import queries as jq
from conflict_service.jurisdictions.models import Jurisdiction, scope_version
from conflict_service.timeutil import utcnow

AUDITED = ("username", "full_name", "role", "preferred_language", "is_active")
TOKEN_PREFIX = "lcs_"  # noqa: S105 - a prefix, not a secret


def _check_admin(actor) -> None:
    if actor is not None and actor.role != Role.ADMIN:
        raise Forbidden(_("Only an administrator can manage users."))


def _validate_password(password: str) -> None:
    if len(password or "") < MIN_LENGTH:
        raise ValidationError.field("password", _("Use at least {n} characters.").format(n=MIN_LENGTH))


def create_user(data: dict, actor) -> User:
    """Create a user with one role, scoped to one or more jurisdictions."""
    _check_admin(actor)
    username = data["username"].strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise ValidationError.field("username", _("This username is taken."))
    _validate_password(data["password"])
    jurisdictions = _jurisdictions(data.get("jurisdiction_ids") or [], actor)
    if not jurisdictions:
        raise ValidationError.field("jurisdiction_ids", _("Choose at least one jurisdiction."))
    user = User(username=username, full_name=data.get("full_name", "").strip(), role=Role(data["role"]),
                password_hash=hash_password(data["password"]), preferred_language=data.get("preferred_language"),
                jurisdictions=jurisdictions)
    db.session.add(user)
    db.session.flush()
    after = snapshot(user, AUDITED) | {"jurisdictions": [j.code for j in jurisdictions]}
    record("user.created", user, actor=actor, changes=created(after))
    return user


def update_user(user: User, data: dict, actor) -> User:
    """Change a user's name, role, language, jurisdictions or active flag."""
    _check_admin(actor)
    if actor is not None and actor.id == user.id and (data.get("is_active") is False or
                                                       data.get("role", Role.ADMIN) != Role.ADMIN):
        raise ValidationError.field("role", _("You cannot remove your own administrator access."))
    before = snapshot(user, AUDITED) | {"jurisdictions": [j.code for j in user.jurisdictions]}
    for key in ("full_name", "preferred_language", "is_active"):
        if key in data:
            setattr(user, key, data[key])
    if "role" in data:
        user.role = Role(data["role"])
    if "jurisdiction_ids" in data:
        js = _jurisdictions(data["jurisdiction_ids"], actor)
        if not js:
            raise ValidationError.field("jurisdiction_ids", _("Choose at least one jurisdiction."))
        user.jurisdictions = js
    data = {}
    if before["role"] != user.role or before["is_active"] != user.is_active:
        user.session_version += 1  # signs the user out everywhere
        data["sessions_ended"] = end_sessions(user)
    if before["is_active"] and not user.is_active:  # for good: reactivating the account brings none of them back
        data["tokens_revoked"] = revoke_credentials(user)
    db.session.flush()
    after = snapshot(user, AUDITED) | {"jurisdictions": [j.code for j in user.jurisdictions]}
    record("user.updated", user, actor=actor, changes=diff(before, after), data=data or None)
    return user


def set_password(user: User, password: str, actor) -> None:
    """Replace a password; every session and token of the user stops working."""
    if actor is not None and actor.id != user.id:
        _check_admin(actor)
    _validate_password(password)
    user.password_hash = hash_password(password)
    user.session_version += 1
    data = {"sessions_ended": end_sessions(user), "tokens_revoked": _revoke(ApiToken, user)}
    record("user.password_changed", user, actor=actor, data=data)


def _revoke(model, user: User) -> int:
    result = db.session.execute(sa.update(model).where(model.user_id == user.id, model.revoked_at.is_(None))
                                .values(revoked_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount


def revoke_credentials(user: User) -> int:
    """Revoke every API token and field-device credential of the user; returns how many were live."""
    return _revoke(ApiToken, user) + _revoke(FieldCredential, user)


# --- browser sessions, kept on the server so that they can be ended -----------------------------------------

def start_session(user: User) -> str:
    """Open a server-side session for a signed-in browser; the raw key goes into the (signed) cookie only."""
    raw = secrets.token_urlsafe(32)
    expired = utcnow() - timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id, UserSession.created_at < expired)
                       .execution_options(synchronize_session=False))  # the user's sessions past any use
    db.session.add(UserSession(user_id=user.id, key_hash=_token_hash(raw)))
    db.session.flush()
    return raw


def session_user(user_id, raw: str | None) -> tuple[User | None, bool, int | None]:
    """The user of a browser session, whether the session (its raw key) is live on the server, and the scope version
    (``jurisdictions.models.scope_version``: what a process kept per user and scope is good while it is unchanged),
    in one statement: every page asks. The user's jurisdictions load when first used (most pages scope their
    statements in SQL by the user's id and never read them)."""
    keyed = isinstance(raw, str)
    values = {"session_user_id": user_id, "session_key_hash": _token_hash(raw)} if keyed else {
        "session_user_id": user_id}
    row = db.session.execute(_session_user_statement(keyed), values).first()
    return (None, False, None) if row is None else (row[0], bool(row[1]), row[2])


@functools.cache
def _session_user_statement(keyed: bool) -> sa.Select:
    """:func:`session_user`'s statement, built once (with and without a session key), its values given when run:
    building it and working out its key in SQLAlchemy's cache cost about as much as running it."""
    live = (sa.select(UserSession.revoked_at.is_(None))
            .where(UserSession.key_hash == sa.bindparam("session_key_hash", type_=sa.String),
                   UserSession.user_id == User.id).scalar_subquery()
            if keyed else sa.false())
    version = sa.select(scope_version.c.version).where(scope_version.c.id == 1).scalar_subquery()
    return (sa.select(User, live, version).where(User.id == sa.bindparam("session_user_id", type_=sa.Integer))
            .options(lazyload(User.jurisdictions)))


def end_session(raw: str) -> None:
    """Sign one browser out on the server: a copy of its cookie no longer works."""
    db.session.execute(sa.update(UserSession).where(UserSession.key_hash == _token_hash(raw),
                                                    UserSession.revoked_at.is_(None))
                       .values(revoked_at=utcnow()).execution_options(synchronize_session=False))


def end_sessions(user: User) -> int:
    """End every browser session of the user (new password, changed role, deactivation)."""
    return _revoke(UserSession, user)


def _jurisdictions(ids, actor=None) -> list[Jurisdiction]:
    if not ids:
        return []
    found = list(db.session.scalars(sa.select(Jurisdiction).where(Jurisdiction.id.in_(ids))))
    if len(found) != len(set(ids)):
        raise ValidationError.field("jurisdiction_ids", _("One of the jurisdictions does not exist."))
    if actor is not None and not {j.id for j in found} <= jq.scope_ids(actor):
        raise ValidationError.field("jurisdiction_ids", _("You can only give access within your own jurisdictions."))
    return found


class SignInFailed(Unauthorized):
    """Wrong credentials or a locked account; the caller commits so the failure count is kept."""


def authenticate(username: str, password: str) -> User:
    """Check a username and password, with a temporary lockout after repeated failures.

    Raises :class:`SignInFailed` after recording the failure; the caller commits either way. An unknown name, a
    wrong password and a locked account get the same answer after the same work, so the answer does not tell
    which names exist.
    """
    user = db.session.scalar(sa.select(User).where(User.username == (username or "").strip().lower()))
    now = utcnow()
    if user is None or not user.is_active or (user.locked_until and user.locked_until > now):
        verify_password(DUMMY_HASH, password or "")
        raise SignInFailed(_refusal())
    if not verify_password(user.password_hash, password or ""):
        _count_failure(user, now)
        raise SignInFailed(_refusal())
    user.failed_login_count, user.locked_until, user.last_login_at = 0, None, now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record("user.signed_in", user, actor=user)
    return user


def _refusal() -> str:
    minutes, failures = current_app.config["LOGIN_LOCKOUT_MINUTES"], current_app.config["LOGIN_MAX_FAILURES"]
    # i18n: the failed sign-ins that lock an account, with its preposition (ru «после 5 неудачных попыток входа»)
    after = ngettext("after %(n)s failed sign-in", "after %(n)s failed sign-ins", failures,
                     n=format_number(failures))
    # i18n: %(after_failures)s is "after 5 failed sign-ins" (counted in its own plural form above)
    return ngettext("Wrong username or password, or the account is locked for %(minutes)s minute %(after_failures)s.",
                    "Wrong username or password, or the account is locked for %(minutes)s minutes %(after_failures)s.",
                    minutes, minutes=format_number(minutes), after_failures=after)


def _count_failure(user: User, now) -> None:
    """Count a wrong password in one UPDATE, so parallel attempts each add one (the row lock orders them)."""
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    reaches = User.failed_login_count + 1 >= limit
    until = now + timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
    stmt = (sa.update(User).where(User.id == user.id)
            .values(failed_login_count=sa.case((reaches, 0), else_=User.failed_login_count + 1),
                    locked_until=sa.case((reaches, until), else_=User.locked_until))
            .returning(User.failed_login_count, User.locked_until)
            .execution_options(synchronize_session=False))
    count, locked_until = db.session.execute(stmt).one()
    set_committed_value(user, "failed_login_count", count)
    set_committed_value(user, "locked_until", locked_until)
    data = {"failures": limit if count == 0 else count}
    if count == 0:
        data["locked_until"] = until
    record("user.sign_in_failed", user, actor=None, data=data)


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    """Create a bearer token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ttl = timedelta(hours=current_app.config["API_TOKEN_TTL_HOURS"])
    token = ApiToken(user_id=user.id, token_hash=_token_hash(raw), expires_at=utcnow() + ttl)
    db.session.add(token)
    db.session.flush()
    record("token.issued", user, actor=user, data={"token_id": token.id, "expires_at": token.expires_at})
    return raw, token


def user_for_token(raw: str) -> tuple[User, ApiToken, int | None] | None:
    """The user of a live bearer token, the token and the scope version, in one statement: every API request asks.
    The user's jurisdictions are not loaded with them: a scope check reads their ids, kept per process under the
    scope version read here (``jurisdictions.queries.own_ids``); anything else loads them when first read."""
    row = db.session.execute(_token_statement(), {"token_hash": _token_hash(raw)}).first()
    if row is None or not row[0].is_valid(utcnow()):
        return None
    return row[0].user, row[0], row[1]


@functools.cache
def _token_statement() -> sa.Select:
    """:func:`user_for_token`'s statement, built once: the token with its user (one row: no collection joined) and
    the scope version."""
    version = sa.select(scope_version.c.version).where(scope_version.c.id == 1).scalar_subquery()
    return (sa.select(ApiToken, version).where(ApiToken.token_hash == sa.bindparam("token_hash"))
            .options(joinedload(ApiToken.user).lazyload(User.jurisdictions)))


def revoke_token(token: ApiToken, actor) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record("token.revoked", token.user, actor=actor, data={"token_id": token.id})
