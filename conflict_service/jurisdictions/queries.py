"""Jurisdiction trees and the scope of a user: what they may see.

The tree is small (countries, regions, offices), so it is loaded once per request and walked in Python.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm
from flask import current_app, g, has_app_context
from flask_babel import gettext as _

from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.jurisdictions.models import Jurisdiction, Level, scope_version


@dataclass
class Tree:
    by_id: dict[int, Jurisdiction]
    children: dict[int | None, list[int]] = field(default_factory=dict)

    def descendants(self, jid: int) -> set[int]:
        out, stack = {jid}, [jid]
        while stack:
            for child in self.children.get(stack.pop(), []):
                out.add(child)
                stack.append(child)
        return out

    def ancestors(self, jid: int) -> list[int]:
        out, node = [], self.by_id.get(jid)
        while node is not None and node.parent_id is not None:
            out.append(node.parent_id)
            node = self.by_id.get(node.parent_id)
        return out


def tree() -> Tree:
    cached = g.get("_jurisdiction_tree") if has_app_context() else None
    if cached is not None:
        return cached
    rows = list(db.session.scalars(sa.select(Jurisdiction).order_by(Jurisdiction.code)))
    t = Tree(by_id={j.id: j for j in rows})
    for j in rows:
        t.children.setdefault(j.parent_id, []).append(j.id)
    g._jurisdiction_tree = t
    return t


def forget_tree() -> None:
    g.pop("_jurisdiction_tree", None)


def own_ids(user) -> frozenset[int]:
    """The ids of the user's own jurisdictions (those they were given, not those below), what a scope check needs of
    them, without loading them as objects with their parents.

    For the signed-in user of the request (``g.user``), whose statement read the scope version (``g.scope_version``)
    with them, the ids are kept in this process under that version and the user's id: database triggers move it with
    every change of users' jurisdictions, whichever process (or plain SQL) makes it, so a change counts at the next
    request, as when they were loaded with the user. Jurisdictions this session loaded or set (an administrator
    changing their own) are read as they are now; any other user's are loaded."""
    loaded = user.__dict__.get("jurisdictions")
    if loaded is None and has_app_context() and g.get("user") is user and g.get("scope_version") is not None:
        return _kept_own_ids(user.id, g.scope_version)
    return frozenset(j.id for j in user.jurisdictions)


KEPT_USERS = 5000


def kept_under_scope(kind: str, version: int) -> dict:
    """What this process keeps of ``kind`` per user while the scope version is ``version``: emptied when another
    version is asked for. Put values in with :func:`keep`."""
    extensions = current_app.extensions
    kept = extensions.get(("kept_under_scope", kind))
    if kept is None or kept[0] != version:
        kept = extensions[("kept_under_scope", kind)] = (version, {})
    return kept[1]


def keep(kept: dict, user_id: int, value) -> None:
    """Keep ``value`` for the user in ``kept`` (from :func:`kept_under_scope`); bounded: many users, one version."""
    if len(kept) >= KEPT_USERS:
        kept.clear()
    kept[user_id] = value


def _kept_own_ids(user_id: int, version: int) -> frozenset[int]:
    kept = kept_under_scope("own_jurisdictions", version)
    ids = kept.get(user_id)
    if ids is None:
        rows = db.session.connection().execute(_own_ids_with_version(), {"scope_user_id": user_id}).all()
        ids = frozenset(jid for _version, jid in rows if jid is not None)
        # Kept only when read with the very version they are kept under (one statement, one snapshot): not when it
        # moved since the user's statement (a change committed since, or this request's own, not committed yet).
        if rows and rows[0][0] == version:
            keep(kept, user_id, ids)
    return ids


@functools.cache
def _own_ids_with_version() -> sa.Select:
    """The scope version and the user's own jurisdictions (a row with none when they hold none), in one statement."""
    own = _USER_JURISDICTIONS
    return (sa.select(scope_version.c.version, own.c.jurisdiction_id).select_from(scope_version)
            .outerjoin(own, own.c.user_id == sa.bindparam("scope_user_id", type_=sa.Integer))
            .where(scope_version.c.id == 1))


def scope_ids(user) -> set[int]:
    """Every jurisdiction at or below the user's own: the ones whose records they may see."""
    t = tree()
    out: set[int] = set()
    for jid in own_ids(user):
        out |= t.descendants(jid)
    return out


def office_ids(user) -> set[int]:
    t = tree()
    return {jid for jid in scope_ids(user) if t.by_id[jid].level == Level.OFFICE}


def lineage(jurisdiction: Jurisdiction) -> Iterator[int]:
    """The jurisdiction's id and the ids above it, nearest first, from its own parents (``Jurisdiction.parent`` is
    loaded with it, two levels deep: office, region, country), without loading the tree: ``[jid, *ancestors(jid)]``.
    Read lazily, from the parents' ids: a caller that stops at the id it looks for (``in``, ``any``) loads no parent
    above it (an office's country, two levels up, is not loaded with the office: its id is the region's parent id)."""
    node = jurisdiction
    yield node.id
    while node is not None and node.parent_id is not None:
        yield node.parent_id
        node = node.parent


def in_scope(user, jurisdiction: Jurisdiction | None) -> bool:
    """``jurisdiction.id in scope_ids(user)`` for one loaded jurisdiction, without loading the tree: it is at or below
    one of the user's own when one of the user's own is in its lineage."""
    if jurisdiction is None:
        return False
    own = own_ids(user)
    return any(jid in own for jid in lineage(jurisdiction))


def related_ids(user) -> set[int]:
    """The user's scope plus the levels above it (a national programme is run above an office)."""
    t = tree()
    ids = scope_ids(user)
    for jid in own_ids(user):
        ids |= set(t.ancestors(jid))
    return ids


_NODE, _PARENT = sa.orm.aliased(Jurisdiction, name="node"), sa.orm.aliased(Jurisdiction, name="parent")
# The users' own jurisdictions (the auth package's association table, named here without importing it: auth is built
# on this package).
_USER_JURISDICTIONS = sa.table("user_jurisdictions", sa.column("user_id"), sa.column("jurisdiction_id"))


def _own_select(user) -> sa.Select:
    """The user's own jurisdictions as SQL with one parameter (their id), however many they hold: a statement with a
    list of ids per use would carry dozens of parameters, which SQLAlchemy expands and psycopg re-parses on every
    execution (over 50 it no longer caches the parsed statement). Without a user, the id is given when the statement
    is executed, as the parameter ``scope_user_id`` (a statement built once)."""
    table = _USER_JURISDICTIONS
    user_id = sa.bindparam("scope_user_id", user.id if user is not None else None, type_=sa.Integer)
    return sa.select(table.c.jurisdiction_id).where(table.c.user_id == user_id)


def office_ids_select(user) -> sa.Select:
    """The offices of :func:`office_ids` as SQL, for a statement that needs the scope but not the tree in Python:
    offices at the user's jurisdictions or one or two levels below them (country, region, office)."""
    own = _own_select(user)
    office, parent = _NODE, _PARENT
    return (sa.select(office.id).outerjoin(parent, parent.id == office.parent_id)
            .where(office.level == Level.OFFICE,
                   sa.or_(office.id.in_(own), office.parent_id.in_(own), parent.parent_id.in_(own))))


def related_ids_select(user=None) -> sa.CompoundSelect:
    """The jurisdictions of :func:`related_ids` as SQL: the user's scope and the levels above their own (without a
    user, the parameter ``scope_user_id`` names them when the statement is executed)."""
    own = _own_select(user)
    node, parent = _NODE, _PARENT
    below = (sa.select(node.id).outerjoin(parent, parent.id == node.parent_id)
             .where(sa.or_(node.id.in_(own), node.parent_id.in_(own), parent.parent_id.in_(own))))
    above = sa.select(node.parent_id).where(node.id.in_(own), node.parent_id.is_not(None))
    two_above = (sa.select(parent.parent_id).select_from(node).join(parent, parent.id == node.parent_id)
                 .where(node.id.in_(own), parent.parent_id.is_not(None)))
    return sa.union(below, above, two_above)


def is_visible(user, jurisdiction_id: int | None) -> bool:
    return jurisdiction_id is not None and jurisdiction_id in scope_ids(user)


def common_scope(ids) -> int | None:
    """The deepest jurisdiction at or above every one of ``ids`` (an audit event's scope for something that spans
    several offices or regions); when they lie in different countries, the first one's."""
    t = tree()
    chains = [[jid, *t.ancestors(jid)] for jid in ids if jid in t.by_id]
    if not chains:
        return None
    shared = set(chains[0]).intersection(*chains[1:])
    return next((jid for jid in chains[0] if jid in shared), chains[0][0])


def offices_for(user) -> list[Jurisdiction]:
    t = tree()
    return sorted((t.by_id[i] for i in office_ids(user)), key=lambda j: j.code)


def visible(user) -> list[Jurisdiction]:
    t = tree()
    return sorted((t.by_id[i] for i in related_ids(user)), key=lambda j: j.code)


def get_by_code(code: str) -> Jurisdiction:
    j = db.session.scalar(sa.select(Jurisdiction).where(Jurisdiction.code == code.upper()))
    if j is None:
        raise NotFound(_("No jurisdiction with the code {code}.").format(code=code))
    return j


def country_of(jurisdiction: Jurisdiction) -> Jurisdiction:
    t = tree()
    node = jurisdiction
    while node.parent_id is not None:
        node = t.by_id[node.parent_id]
    return node


def home_timezone(user) -> str:
    """The zone a user's times are shown in: their first office's (or jurisdiction's); UTC for a user without one."""
    own = sorted(user.jurisdictions, key=lambda j: (j.level != Level.OFFICE, j.id)) if user is not None else []
    return own[0].timezone if own else "UTC"
