"""Parts of a page that are the same for every reader of one kind, rendered once per process (README "Performance").

``{% call rendered_once('name', key...) %}...{% endcall %}`` keeps the block's HTML under its name, the reader's
locale and the key, and writes the kept copy on every later page. Only for blocks whose HTML is fixed by those and
by the code and catalogs the process loaded (which change only with a deploy, that starts new processes): the
language menu, the navigation of a role, a filter form's fixed choices. Nothing read from the database, the session
or the request may enter such a block unless the key names it, so no copy can go stale and every gunicorn process
writes the same HTML; a value from the request in the key must be one of a few known ones (an unknown one is given
as ``None``), so the kept copies stay few.
"""

from __future__ import annotations

from flask import current_app, request
from markupsafe import Markup

from conflict_service.i18n import current_locale


def rendered_once(name: str, *key, caller) -> Markup:
    """The block's HTML for ``name``, ``key`` and the reader's locale (and the site's root path, which its links
    carry): rendered the first time in this process, then reused."""
    kept = current_app.extensions.setdefault("rendered_once", {})
    full = (name, current_locale(), request.script_root, *key)
    try:
        return kept[full]
    except KeyError:
        html = kept[full] = caller()  # the block's own output: Markup, autoescaped
        return html


def known(value, choices) -> object | None:
    """``value`` if it is one of ``choices`` (keys of pairs, or plain values), else ``None``: a key from the request
    that cannot multiply the kept copies."""
    return value if value in {c[0] if isinstance(c, tuple) else c for c in choices} else None
