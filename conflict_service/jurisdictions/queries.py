"""Jurisdiction trees and the scope of a user: what they may see.

The tree is small (countries, regions, offices), so it is loaded once per request and walked in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm
from flask import g, has_app_context
from flask_babel import gettext as _

from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.jurisdictions.models import Jurisdiction, Level


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


def scope_ids(user) -> set[int]:
    """Every jurisdiction at or below the user's own: the ones whose records they may see."""
    t = tree()
    out: set[int] = set()
    for j in user.jurisdictions:
        out |= t.descendants(j.id)
    return out


def office_ids(user) -> set[int]:
    t = tree()
    return {jid for jid in scope_ids(user) if t.by_id[jid].level == Level.OFFICE}


def lineage(jurisdiction: Jurisdiction) -> list[int]:
    """The jurisdiction's id and the ids above it, nearest first, from its own parents (``Jurisdiction.parent`` is
    loaded with it, two levels deep: office, region, country), without loading the tree: ``[jid, *ancestors(jid)]``."""
    out, node = [], jurisdiction
    while node is not None:
        out.append(node.id)
        node = node.parent
    return out


def in_scope(user, jurisdiction: Jurisdiction | None) -> bool:
    """``jurisdiction.id in scope_ids(user)`` for one loaded jurisdiction, without loading the tree: it is at or below
    one of the user's own when one of the user's own is in its lineage."""
    if jurisdiction is None:
        return False
    own = {j.id for j in user.jurisdictions}
    return not own.isdisjoint(lineage(jurisdiction))


def related_ids(user) -> set[int]:
    """The user's scope plus the levels above it (a national programme is run above an office)."""
    t = tree()
    ids = scope_ids(user)
    for j in user.jurisdictions:
        ids |= set(t.ancestors(j.id))
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
