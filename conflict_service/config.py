"""Configuration read from the environment.

Every setting has a safe default for the embedded (SQLite) mode; production sets ``CONFLICT_DEPLOYMENT=production``
and must then provide ``SECRET_KEY`` and usually ``DATABASE_URL`` and ``REDIS_URL``.
"""

import os
from pathlib import Path

DEFAULTS = {
    "DEPLOYMENT": "development",
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "UTC",
    "EVIDENCE_MAX_BYTES": 10 * 1024 * 1024,
    # Photos are shrunk in the browser before upload to this longest side (px) and JPEG quality (0-1).
    "PHOTO_MAX_SIDE": 2048,
    "PHOTO_QUALITY": 0.75,
    # No picture is decoded beyond this many pixels (conflict_service.images); Pillow's own limit is ~89 million.
    "IMAGE_MAX_PIXELS": 40_000_000,
    "API_TOKEN_TTL_HOURS": 12,
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_ABSOLUTE_HOURS": 12,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCKOUT_MINUTES": 15,
    "PAGE_SIZE": 50,
    "MAX_PAGE_SIZE": 200,
    "PUBLIC_BASE_URL": "",
    # Without PUBLIC_BASE_URL, documents outside production may print the request's address for these hosts only
    # (comma-separated; empty: localhost, 127.0.0.1, [::1]). In production PUBLIC_BASE_URL is required to print.
    "DOCUMENT_HOSTS": "",
    "REDIS_URL": "",
    "ESCALATION_HOURS": 24,  # an item overdue longer is escalated to its jurisdiction's managers (DESIGN §11)
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "lcs_session",
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
    # flask-smorest / OpenAPI
    "API_TITLE": "Leopard conflict compensation API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}

INT_KEYS = {
    "EVIDENCE_MAX_BYTES", "API_TOKEN_TTL_HOURS", "SESSION_IDLE_MINUTES", "SESSION_ABSOLUTE_HOURS",
    "LOGIN_MAX_FAILURES", "LOGIN_LOCKOUT_MINUTES", "PAGE_SIZE", "MAX_PAGE_SIZE", "MAX_CONTENT_LENGTH",
    "PHOTO_MAX_SIDE", "IMAGE_MAX_PIXELS", "ESCALATION_HOURS",
}
ENV_KEYS = ["DATABASE_URL", "SECRET_KEY", "AUDIT_KEY", "AUDIT_KEY_FILE", "REDIS_URL", "PUBLIC_BASE_URL",
            "DOCUMENT_HOSTS", "RQ_CASEFILES_QUEUE", "TRUSTED_PROXIES", "PHOTO_QUALITY", "SMS_GATEWAY",
            "SMS_GATEWAY_URL", "SMS_GATEWAY_TOKEN", "SMS_INBOUND_SECRET", "MAIL_URL", "MAIL_FROM",
            "NOTIFICATIONS_SENDER", "RQ_NOTIFICATIONS_QUEUE", "TRANSLATIONS_DIR", *sorted(INT_KEYS)]


class ConfigError(RuntimeError):
    """The service cannot start with this configuration."""


def load_config(app, overrides=None):
    """Fill ``app.config`` from defaults, the environment and explicit overrides (tests)."""
    app.config.update(DEFAULTS)
    app.config["DEPLOYMENT"] = os.environ.get("CONFLICT_DEPLOYMENT", DEFAULTS["DEPLOYMENT"])
    for key in ENV_KEYS:
        if key in os.environ:
            app.config[key] = int(os.environ[key]) if key in INT_KEYS else os.environ[key]
    app.config["PHOTO_QUALITY"] = float(app.config["PHOTO_QUALITY"])
    # Flask's own defaults already hold SESSION_COOKIE_SECURE=False, so setdefault would never apply: set it.
    app.config["SESSION_COOKIE_SECURE"] = app.config["DEPLOYMENT"] == "production"
    if overrides:
        app.config.update(overrides)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.setdefault("DATABASE_URL", f"sqlite:///{instance / 'conflict.db'}")
    app.config.setdefault("EVIDENCE_DIR", str(instance / "evidence"))
    _require_secret_key(app)
    _require_audit_key(app)


def _require_secret_key(app):
    if app.config.get("SECRET_KEY"):
        return
    if app.debug or app.testing or app.config.get("TESTING"):
        # A throw-away key is acceptable only where sessions need not survive a restart.
        app.config["SECRET_KEY"] = os.urandom(32).hex()
        return
    raise ConfigError(
        "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random value "
        "(for example: python -c 'import secrets; print(secrets.token_hex(32))'), "
        "or run in debug mode for local development."
    )


def _require_audit_key(app):
    """In production the audit key must be chosen, and kept away from the database (see README, Security)."""
    if app.config["DEPLOYMENT"] != "production" or app.config.get("AUDIT_KEY") or app.config.get("AUDIT_KEY_FILE"):
        return
    raise ConfigError(
        "Neither AUDIT_KEY nor AUDIT_KEY_FILE is set. The audit trail is signed with a key kept outside the database: "
        "set AUDIT_KEY to a long random value or AUDIT_KEY_FILE to a file holding one (at least 32 characters)."
    )
