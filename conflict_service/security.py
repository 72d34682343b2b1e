"""Rate limits against guessing (sign-in, tokens, the public status page), Redis-backed when REDIS_URL is set."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(get_remote_address, headers_enabled=True, strategy="moving-window")

SIGN_IN_LIMIT = "10 per minute; 50 per hour"


def init_security(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "lcs")
    # Without Redis a process keeps its own counts; with Redis every gunicorn worker shares them.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter.init_app(app)
