"""Extension points that let higher packages add to pages owned by lower ones without being imported by them.

``create_app`` fills them; a lower package's page asks for the contributions and renders them in order.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from markupsafe import Markup

# A contribution takes (subject, user) and returns rendered HTML, or None when it has nothing to show.
Contribution = Callable[[object, object], "str | None"]


def contribute(app, slot: str, fn: Contribution) -> None:
    app.extensions.setdefault("slots", {}).setdefault(slot, []).append(fn)


def render_slot(slot: str, subject, user) -> list[Markup]:
    out = []
    for fn in current_app.extensions.get("slots", {}).get(slot, []):
        html = fn(subject, user)
        if html:
            out.append(Markup(html))  # noqa: S704 - each contribution is a rendered, autoescaped template
    return out
