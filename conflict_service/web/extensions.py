"""Extension points that let higher packages add to pages owned by lower ones without being imported by them.

``create_app`` fills them; a lower package's page asks for the contributions and renders them in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


# A form part: a higher package's fields on a lower package's form (``render(values, errors)`` -> HTML) and what
# to do with them once the form's own operation succeeded (``apply(subject, form, user)``), in the same
# transaction: a ValidationError from it is shown on the form and nothing is saved.
@dataclass(frozen=True)
class FormPart:
    render: Callable[[dict, dict], str]
    apply: Callable[[object, object, object], None]


def add_form_part(app, form: str, part: FormPart) -> None:
    app.extensions.setdefault("form_parts", {}).setdefault(form, []).append(part)


def form_parts(form: str) -> list[FormPart]:
    return current_app.extensions.get("form_parts", {}).get(form, [])


def render_form_parts(form: str, values, errors) -> list[Markup]:
    return [Markup(part.render(values, errors)) for part in form_parts(form)]  # noqa: S704 - rendered templates
