"""Who is making this request: a signed-in browser session (web UI) or a bearer token (API)."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _

from conflict_service.auth.models import Role, User
from conflict_service.auth.operations import end_session, session_user, start_session, user_for_token
from conflict_service.errors import Forbidden, Unauthorized, is_api_request
from conflict_service.timeutil import utcnow


def load_request_user() -> None:
    """before_request: API calls authenticate only by bearer token, pages only by session cookie."""
    g.user, g.api_token = None, None
    if request.endpoint == "static":
        # The service's own files need no user: not reading the session keeps Set-Cookie and "Vary: Cookie" off
        # them, so a browser's cached copy stays good when the session cookie changes (every page renews it).
        return
    if is_api_request():
        _load_from_bearer()
    else:
        _load_from_session()


# API endpoints anyone may call: the token exchange, the documentation and the "Public" blueprint (aggregates).
PUBLIC_API = {("Auth.Token", "POST")}
# The SMS gateway's webhooks authenticate with the shared X-Gateway-Secret header (notifications.api), not a token.
PUBLIC_API_PREFIXES = ("api-docs.", "api_docs.", "Public.", "SMS gateway.")


def is_public_api(endpoint: str, method: str) -> bool:
    return (endpoint, method) in PUBLIC_API or endpoint.startswith(PUBLIC_API_PREFIXES) or method == "OPTIONS"


def require_api_authentication() -> None:
    """before_request: an API call without a valid token is refused (401) before its input is even read."""
    if not is_api_request() or request.endpoint is None or is_public_api(request.endpoint, request.method):
        return
    handler = api_handler(request.endpoint, request.method)
    roles = getattr(handler, "allowed_roles", None)
    if roles is None:  # every API operation says who may call it; one that does not is refused, not opened
        raise Forbidden(_("This operation does not say who may call it."))
    require_user(*roles, reason=getattr(handler, "refusal", None))


def roles_allowed(*roles: Role, reason=None):
    """Declare who may call an API operation (no roles: any signed-in user), once, with the named sets of
    ``conflict_service.auth.roles``. The before_request hook enforces it before the input is read, so a caller without
    the role gets 403 whatever they send (``reason``, a lazy text, says why, when the list of roles would not); the
    handler takes the caller from ``signed_in_user()`` without naming the roles again, and the operation still checks
    jurisdiction and separation of duties itself."""

    def decorator(fn):
        fn.allowed_roles, fn.refusal = tuple(roles), reason
        return fn

    return decorator


def api_handler(endpoint: str, method: str):
    """The function that answers ``method`` on an API endpoint (a MethodView's get/post/...; HEAD is its get)."""
    view = current_app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    handler = getattr(view_class, method.lower(), None) if view_class else view
    if handler is None and method == "HEAD":
        handler = getattr(view_class, "get", None)
    return handler


def _load_from_bearer() -> None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return
    found = user_for_token(raw.strip())
    if found is None:
        g.bad_token = True
        return
    g.user, g.api_token, g.scope_version = found


def _load_from_session() -> None:
    uid = session.get("uid")
    if uid is None:
        return
    now = utcnow()
    login_at = _ts(session.get("login_at"))
    seen_at = _ts(session.get("seen_at"))
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    absolute = timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
    user, live, version = session_user(uid, session.get("sid"))
    expired = login_at is None or seen_at is None or now - seen_at > idle or now - login_at > absolute
    current = user is not None and user.is_active and session.get("ver") == user.session_version and live
    if not current or expired:
        session.clear()
        g.session_expired = expired and user is not None
        if expired and current:
            g.expired_user_id = user.id  # whose work arrived after the session ran out (see login_required)
        return
    if now - seen_at >= idle / 60:
        # Written when it moved by a sixtieth of the idle limit (30 s of 30 minutes), not on every page: an unchanged
        # session is neither signed again nor sent back (Set-Cookie). The session may end that much early, never late.
        session["seen_at"] = now.timestamp()
    g.user, g.scope_version = user, version


def _ts(value) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if isinstance(value, int | float) else None


def sign_in(user: User) -> None:
    """Open a server-side session and put its key in a fresh cookie (no fixation); the caller commits."""
    session.clear()
    now = utcnow().timestamp()
    session.update(uid=user.id, sid=start_session(user), ver=user.session_version, login_at=now, seen_at=now)


def sign_out() -> None:
    """End the session on the server too, so a copy of the cookie is worthless; the caller commits."""
    if isinstance(session.get("sid"), str):
        end_session(session["sid"])
    session.clear()


def current_user() -> User | None:
    return g.get("user")


def signed_in_user() -> User:
    """The caller an API operation was admitted for: the before_request hook has checked their roles already."""
    user = current_user()
    if user is None:  # only where the hook did not run: a public endpoint or a call outside a request
        raise Unauthorized()
    return user


def require_user(*roles: Role, reason=None) -> User:
    """The signed-in user, who must hold one of ``roles`` (any role if none are given); ``reason`` is the refusal."""
    user = current_user()
    if user is None:
        if g.get("bad_token"):
            raise Unauthorized(_("The token is invalid, expired or revoked. Request a new one."))
        raise Unauthorized()
    if roles and user.role not in roles:
        raise Forbidden(str(reason) if reason else _("This needs one of these roles: {roles}.").format(
            roles=", ".join(str(Role(r).title) for r in roles)))
    return user


def login_required(*roles: Role, reason=None, keep_work=None):
    """Decorate a page: anonymous visitors go to the sign-in page; other roles get 403 (``reason`` says why).

    ``keep_work(user_id, *args, **kwargs)`` saves a form posted after its session expired (the expired, signed
    cookie still says whose it was) and returns the URL to continue from after signing in again, so nothing typed
    or chosen is lost.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if current_user() is None:
                target = request.full_path.rstrip("?")
                if keep_work is not None and request.method == "POST" and g.get("expired_user_id"):
                    target = keep_work(g.expired_user_id, *args, **kwargs) or target
                    flash(_("Your session had expired. Sign in again: what you entered and the photos you chose "
                            "are kept."), "info")
                return redirect(url_for("auth.login", next=target))
            require_user(*roles, reason=reason)
            return view(*args, **kwargs)

        return wrapper

    return decorator
