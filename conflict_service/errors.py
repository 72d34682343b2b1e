"""Domain errors, and the one place that turns them into HTTP answers (JSON for the API, a page for the UI)."""

from __future__ import annotations

import logging

import marshmallow
from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from flask_babel.speaklater import LazyString
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    status = 400
    code = "error"
    default_message = L_("The request could not be carried out.")

    def __init__(self, message=None, errors: dict | None = None):
        super().__init__(str(message or self.default_message))
        self.message = message or self.default_message
        self.errors = errors or {}


class NotFound(DomainError):
    status, code = 404, "not_found"
    default_message = L_("Not found.")


class Forbidden(DomainError):
    status, code = 403, "forbidden"
    default_message = L_("You are not allowed to do this.")


class Unauthorized(DomainError):
    status, code = 401, "unauthorized"
    default_message = L_("Please sign in.")


class Conflict(DomainError):
    status, code = 409, "conflict"
    default_message = L_("This conflicts with the current state of the record.")


class InvalidTransition(Conflict):
    code = "invalid_transition"


class NotEligible(Conflict):
    code = "not_eligible"


class ValidationError(DomainError):
    """Bad input: ``errors`` maps each field to a list of messages."""

    status, code = 422, "validation_error"
    default_message = L_("Some fields need attention.")

    def __init__(self, errors: dict, message=None):
        super().__init__(message, errors)

    @classmethod
    def field(cls, name: str, message) -> ValidationError:
        return cls({name: [message]})


class ServiceUnavailable(DomainError):
    status, code = 503, "unavailable"
    default_message = L_("The service is temporarily unavailable. Nothing was changed; please try again shortly.")


def plain(value):
    """Turn lazy strings inside nested error structures into plain strings for JSON.

    A field's messages are always a list: marshmallow keeps a lazily translated built-in message ("This field
    is required.") as a bare value, because it is not a ``str``.
    """
    if isinstance(value, dict):
        return {str(k): [str(v)] if isinstance(v, LazyString) else plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value if isinstance(value, int | float | bool) or value is None else str(value)


def flatten_marshmallow(messages) -> dict:
    """webargs nests errors by location ({"json": {...}}); the API answers per field, each with a list."""
    if isinstance(messages, dict) and set(messages) <= {"json", "query", "form", "files", "headers", "view_args"}:
        merged: dict = {}
        for part in messages.values():
            merged.update(part if isinstance(part, dict) else {"_schema": part})
        messages = merged
    return _as_lists(messages if isinstance(messages, dict) else {"_schema": messages})


def _as_lists(messages: dict) -> dict:
    """Every leaf becomes a list of messages (marshmallow leaves a lone lazy message unwrapped)."""
    out = {}
    for key, value in messages.items():
        if isinstance(value, dict):
            out[key] = _as_lists(value)
        elif isinstance(value, list | tuple):
            out[key] = [str(v) if not isinstance(v, dict) else _as_lists(v) for v in value]
        else:
            out[key] = [str(value)]
    return out


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message, errors: dict | None = None):
    if is_api_request():
        body = {"code": code, "status": status, "message": str(message), "errors": plain(errors or {})}
        if getattr(g, "request_id", None):
            body["request_id"] = g.request_id
        return jsonify(body), status
    html = render_template("errors.html", status=status, message=str(message), errors=plain(errors or {}))
    return html, status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        return error_response(error.status, error.code, error.message, error.errors)

    @app.errorhandler(marshmallow.ValidationError)
    def _marshmallow(error: marshmallow.ValidationError):
        return error_response(422, "validation_error", ValidationError.default_message,
                              flatten_marshmallow(error.messages))

    @app.errorhandler(DataError)
    def _unstorable(error: DataError):
        # A value the database refuses (out of range, NUL byte...) that slipped past validation: the input's fault.
        log.warning("database refused a value: %s", error.orig)
        return error_response(422, "validation_error", _("A value could not be stored; check what you entered."))

    @app.errorhandler(OperationalError)
    def _database_down(error: OperationalError):
        log.error("database unavailable: %s", error.orig)
        return error_response(503, "unavailable", ServiceUnavailable.default_message)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code == 422:  # raised by webargs/flask-smorest with the validation messages attached
            messages = getattr(error, "data", {}).get("messages", {})
            return error_response(422, "validation_error", ValidationError.default_message,
                                  flatten_marshmallow(messages))
        body, status = error_response(error.code or 500, _http_code(error), _http_message(error))
        allowed = getattr(error, "valid_methods", None)
        return body, status, ({"Allow": ", ".join(allowed)} if allowed else {})

    if not app.testing:  # in tests an unexpected error should fail loudly with its traceback

        @app.errorhandler(Exception)
        def _unexpected(error: Exception):
            log.exception("unhandled error")
            return error_response(500, "internal_error", _("Something went wrong on our side. The error was logged."))


def _http_code(error: HTTPException) -> str:
    return (error.name or "error").lower().replace(" ", "_")


def _http_message(error: HTTPException):
    messages = {
        400: L_("The request could not be understood."),
        401: L_("Please sign in."),
        403: L_("You are not allowed to do this."),
        404: L_("Not found."),
        405: L_("This method is not allowed here."),
        413: L_("The upload is too large."),
        415: L_("This content type is not supported."),
        429: L_("Too many attempts. Please wait a moment and try again."),
    }
    return messages.get(error.code, error.description or L_("The request could not be carried out."))
