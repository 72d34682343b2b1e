"""The one way a page runs a change: from a button (``act``: commit and say so, or roll back and show the refusal),
or from a form (``submit``: commit, say so and go on, or roll back and show the form again with its messages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, request

from conflict_service.db import db
from conflict_service.errors import Conflict, Forbidden, ValidationError


def act(action, done: str, back: str):
    """Run a change from a button; refusals (403/409/422) come back as a message on the page.

    ``action`` may return its own success message (a string) instead of ``done``.
    """
    try:
        message = action()
        db.session.commit()
        flash(message if isinstance(message, str) else done, "success")
    except ValidationError as error:
        db.session.rollback()
        flash(" ".join(str(m) for msgs in error.errors.values() for m in msgs), "error")
    except (Forbidden, Conflict) as error:
        db.session.rollback()
        flash(str(error.message), "error")
    return redirect(back)


Done = str | list[str] | Callable[[Any], "str | list[str]"]


def submit(page: Callable[[dict], str], change: Callable[[], Any], done: Done, then: str | Callable[[Any], str], *,
           submitted: bool | None = None):
    """A form's page: ``page(errors)`` shows it, with what was typed (it reads the request's form on a POST).

    When the form is submitted (a POST, unless ``submitted`` says otherwise: a redisplay such as "Add a line"), the
    change runs: committed, ``done`` flashed and on to ``then``; refused with a ValidationError, it is rolled back and
    the form shown again with a message per field (422). ``done`` and ``then`` may be functions of what ``change``
    returned (the new record's name and page); ``done`` may be a list: a success, then notes ("info"), or empty
    (the page gone to says it all).
    """
    if not (request.method == "POST" if submitted is None else submitted):
        return page({}), 200
    try:
        result = change()
        db.session.commit()
    except ValidationError as error:
        db.session.rollback()
        return page(error.errors), 422
    messages = done(result) if callable(done) else done
    for number, message in enumerate(m for m in ([messages] if isinstance(messages, str) else messages) if m):
        flash(message, "info" if number else "success")
    return redirect(then(result) if callable(then) else then)
