"""The one way a page runs a change from a button: commit and say so, or roll back and show the refusal."""

from __future__ import annotations

from flask import flash, redirect

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
