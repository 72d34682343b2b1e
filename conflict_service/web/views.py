"""Pages and hooks shared by every package: navigation, language switcher, health check."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, current_app, g, jsonify, redirect, request, session, url_for
from flask_babel import ngettext

from conflict_service.audit.operations import record
from conflict_service.auth.session import login_required
from conflict_service.db import db
from conflict_service.i18n import InputError, date_echo, normalise, parse_date
from conflict_service.web.extensions import render_slot

bp = Blueprint("web", __name__)


@dataclass(frozen=True)
class NavItem:
    label: object  # a lazy string
    endpoint: str
    roles: frozenset


def nav(label, endpoint: str, *roles) -> NavItem:
    return NavItem(label, endpoint, frozenset(roles))


def nav_items() -> list[dict]:
    """The signed-in user's menu, its current page's item marked as active."""
    user = g.get("user")
    if user is None:
        return []
    path = request.path
    return [{"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))}
            for label, url in _nav_links(user.role)]


def nav_key() -> tuple:
    """What the menu's HTML depends on besides the reader's language: the role and the items marked active."""
    return g.user.role, tuple(item["url"] for item in nav_items() if item["active"])


def _nav_links(role) -> tuple:
    """A role's menu items and their URLs, built once per process (and site root)."""
    links = current_app.extensions.setdefault("nav_links", {})
    key = (role, request.script_root)
    if key not in links:
        links[key] = tuple((item.label, url_for(item.endpoint)) for item in current_app.extensions.get("nav", [])
                           if role in item.roles)
    return links[key]


def safe_next(target: str | None, fallback: str) -> str:
    """Only follow a same-site relative path after sign-in or a language change."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.post("/language")
def set_language():
    code = normalise(request.form.get("lang"))
    if code:
        session["lang"] = code
        user = g.get("user")
        if user is not None and user.preferred_language != code:
            record("user.language_changed", user, actor=user, changes={"preferred_language": [
                user.preferred_language, code]})
            user.preferred_language = code
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), "/"))


@bp.get("/dates/echo")
@login_required()
def typed_date():
    """What a typed date reads as (the Gregorian beside a Solar Hijri date), for app.js to echo while typing;
    the form itself is checked by the same parser when it is sent."""
    try:
        day = parse_date(request.args.get("value", "")[:60])
    except InputError as error:
        return jsonify(iso=None, text="", error=str(error))
    return jsonify(iso=day.isoformat(), text=date_echo(day), error=None)


@bp.get("/healthz")
def health():
    db.session.execute(sa.text("SELECT 1"))
    return jsonify(status="ok")


def files_chosen(n: int) -> str:
    """The status line beside a file input once several files are chosen (uploads.js writes the count and names)."""
    # i18n: {n} is the number of files chosen, written by the page in the reader's digits; {names} their names
    return ngettext("{n} file: {names}", "{n} files: {names}", n)


@bp.app_context_processor
def _globals():
    return {"nav_items": nav_items, "nav_key": nav_key, "slot": render_slot, "files_chosen": files_chosen}
