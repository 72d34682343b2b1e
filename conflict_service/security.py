"""Rate limits against guessing (sign-in, tokens, the public status page), Redis-backed when REDIS_URL is set."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(get_remote_address, headers_enabled=True, strategy="moving-window")

SIGN_IN_LIMIT = "10 per minute; 50 per hour"
STATUS_LIMIT = "30 per hour"

# Limits count per purpose, not per route: every way of trying a password (the sign-in page, the token endpoint, a
# field device's Digest sign-in) draws on one "sign-in" allowance per address, and both status-page forms on one
# "status" allowance, so adding a route never adds guesses.
sign_in_limit = limiter.shared_limit(SIGN_IN_LIMIT, scope="sign-in", methods=["POST"])
status_limit = limiter.shared_limit(STATUS_LIMIT, scope="status", methods=["POST"])


def failed_sign_in_limit(deduct_when):
    """The shared sign-in allowance, drawn on only when ``deduct_when(response)`` says an attempt failed."""
    return limiter.shared_limit(SIGN_IN_LIMIT, scope="sign-in", deduct_when=deduct_when)


def init_security(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "lcs")
    # Without Redis a process keeps its own counts; with Redis every gunicorn worker shares them.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter.init_app(app)
