"""Reads of programmes, owners and claims, always limited to the user's jurisdictions."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from claims.enums import Clock
from claims.models import Claim, HerdCount, LossLine, Owner, Programme, twin_key
from claims.states import ClaimState
from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.i18n import current_locale, local_name
from conflict_service.jurisdictions import queries as jq
from conflict_service.pagination import CountedAlongside, Page, paginate
from conflict_service.textsearch import fold, folded
from conflict_service.timeutil import utcnow


def programme_usable_at(programme: Programme, office) -> bool:
    """A programme covers an office when it is run at the office or at a level above it."""
    return programme.jurisdiction_id in jq.lineage(office)


def office_language(office) -> str:
    """The language an office works in: the official language of the programme nearest to it (run at the office,
    then at its region, then its country; active ones first), English where no programme covers it."""
    levels = [office.id, *jq.tree().ancestors(office.id)]
    rows = db.session.execute(sa.select(Programme.jurisdiction_id, Programme.official_language)
                              .where(Programme.jurisdiction_id.in_(levels))
                              .order_by(Programme.is_active.desc(), Programme.id)).all()
    nearest: dict[int, str] = {}
    for jurisdiction_id, language in rows:
        nearest.setdefault(jurisdiction_id, language)
    return next((nearest[level] for level in levels if level in nearest), "en")


def programmes_for(user, *, active_only: bool = False) -> list[Programme]:
    stmt = sa.select(Programme).where(Programme.jurisdiction_id.in_(jq.related_ids(user))).order_by(Programme.name)
    if active_only:
        stmt = stmt.where(Programme.is_active.is_(True))
    return list(db.session.scalars(stmt))


def programme_names_for(user, version: int | None = None) -> list[SimpleNamespace]:
    """Ids and names (official and in the reader's language) of the programmes a user may see (a filter's choices),
    without loading whole programmes: one statement built once, the user's id its only parameter.

    ``version``: the scope version read with the signed-in user in this request, before it changed anything
    (``g.scope_version``). The rows are then kept in this process under it and the user's id, and read again once it
    moved: database triggers move it with every change of programmes, the jurisdiction tree or users' jurisdictions,
    whichever process (or raw SQL) makes it, so a change shows on the next page. Without one, read every time."""
    kept = jq.kept_under_scope("programme_choices", version) if version is not None else None
    rows = kept.get(user.id) if kept is not None else None
    if rows is None:
        rows = [tuple(r) for r in db.session.connection().execute(_programme_names(), {"scope_user_id": user.id})]
        if kept is not None:
            jq.keep(kept, user.id, rows)
    locale = current_locale()
    return [SimpleNamespace(id=pid, name=name, local_name=local_name(name, names, locale, language))
            for pid, name, names, language in rows]


@functools.cache
def _programme_names() -> sa.Select:
    return (sa.select(Programme.id, Programme.name, Programme.names, Programme.official_language)
            .where(Programme.jurisdiction_id.in_(jq.related_ids_select())).order_by(Programme.name))


def get_programme(programme_id: int, user) -> Programme:
    programme = db.session.get(Programme, programme_id)
    if programme is None or programme.jurisdiction_id not in jq.related_ids(user):
        raise NotFound()
    return programme


def get_owner(owner_id: int, user) -> Owner:
    owner = db.session.get(Owner, owner_id)
    if owner is None or owner.office_id not in jq.office_ids(user):
        raise NotFound()
    return owner


def merged_into(owner_id: int, user) -> Owner | None:
    """The record that owner ``owner_id``, removed by a merge, lives on in (followed through later merges), if
    ``user`` may see it: an old link, a number noted on paper, still leads to the household."""
    for _hop in range(10):
        into = db.session.scalar(sa.select(AuditEvent.data).where(
            AuditEvent.entity_type == Owner.__audit_type__, AuditEvent.entity_id == owner_id,
            AuditEvent.action == "owner.merged_into").order_by(AuditEvent.seq.desc()).limit(1))
        if into is None:
            break
        owner_id = into["into"]
        owner = db.session.get(Owner, owner_id)
        if owner is not None:
            return owner if owner.office_id in jq.office_ids(user) else None
    return None


def head_count_in_force(owner_id, species, day) -> sa.ColumnElement:
    """SQL for the head count of ``species`` in an owner's herd in force on ``day`` (columns or values): the latest
    valid count made on or before the day, else the first one made after it (``None`` when never counted). The same
    rule as ``claims.models.count_in_force``; a corrected record never counts."""
    valid = sa.and_(HerdCount.owner_id == owner_id, HerdCount.species == species,
                    ~sa.exists().where(_correction.corrects_id == HerdCount.id))
    before = (sa.select(HerdCount.head_count).where(valid, HerdCount.counted_on <= day)
              .order_by(HerdCount.counted_on.desc(), HerdCount.id.desc()).limit(1).scalar_subquery())
    after = (sa.select(HerdCount.head_count).where(valid, HerdCount.counted_on > day)
             .order_by(HerdCount.counted_on, HerdCount.id).limit(1).scalar_subquery())
    return sa.func.coalesce(before, after)


_correction = aliased(HerdCount)


def owners_page(user, *, q: str | None = None, office_id: int | None = None, village: str | None = None,
                page: int = 1, per_page: int = 50) -> Page:
    stmt = sa.select(Owner).where(Owner.office_id.in_(jq.office_ids(user))).order_by(Owner.name, Owner.id)
    if q:
        stmt = stmt.where(folded(Owner.name).contains(fold(q), autoescape=True))
    if office_id:
        stmt = stmt.where(Owner.office_id == office_id)
    if village:
        stmt = stmt.where(folded(Owner.village) == fold(village))
    return paginate(stmt, page, per_page)


# What may separate the digits of an identifier as typed (a tazkira's 1400-2718-23981, a Sheba's groups).
ID_SEPARATORS = "- ./"


def id_digits(national_id: str | None) -> str:
    """A national ID as compared: without what separates its digits (``ID_SEPARATORS``); empty when none."""
    return "".join(c for c in national_id or "" if c not in ID_SEPARATORS)


def possible_duplicate_owners(user, name: str, village: str, national_id: str | None, limit: int = 5,
                              besides: int | None = None) -> list[Owner]:
    """Owners at ``user``'s offices who may be the household about to be registered: the same name in the same
    village (folded as a search folds them: «علي كريمي» is «علی کریمی»), or the same national ID (whatever separates
    its digits), other than owner ``besides`` (the one being corrected). A shared phone is not enough: families share
    one."""
    same = [Owner.twin_key == twin_key(name, village)]  # indexed, written on every owner's write
    digits = id_digits(national_id)
    if digits:
        same.append(sa.func.translate(Owner.national_id, ID_SEPARATORS, "") == digits)
    stmt = sa.select(Owner).where(Owner.office_id.in_(jq.office_ids(user)), sa.or_(*same))
    if besides is not None:
        stmt = stmt.where(Owner.id != besides)
    stmt = stmt.order_by(Owner.id).limit(limit)
    return list(db.session.scalars(stmt))


def get_claim(claim_id: int, user) -> Claim:
    stmt = (sa.select(Claim).join(Claim.owner).options(contains_eager(Claim.owner))
            .where(Claim.id == claim_id, Claim.office_id.in_(jq.office_ids(user))))
    claim = db.session.scalar(stmt)
    if claim is None:
        raise NotFound()
    return claim


def get_claim_by_number(number: str, user) -> Claim:
    claim_id = db.session.scalar(sa.select(Claim.id).where(Claim.number == number.strip().upper()))
    if claim_id is None:
        raise NotFound()
    return get_claim(claim_id, user)


@dataclass
class ClaimFilters:
    status: list[ClaimState] | None = None
    office_id: int | None = None
    programme_id: int | None = None
    owner_id: int | None = None
    incident_from: date | None = None
    incident_to: date | None = None
    q: str | None = None
    verifier_id: int | None = None
    overdue: bool | None = None
    clock: Clock | None = None
    carcass_left: bool | None = None


# Conditions on a claim that only a higher package can write in SQL (verification: a carcass left in place),
# registered by ``create_app`` under the name of the filter that uses them.
_CONDITIONS: dict[str, Callable[[], sa.ColumnElement]] = {}


def register_condition(name: str, build: Callable[[], sa.ColumnElement]) -> None:
    _CONDITIONS[name] = build


def overdue_clause(clock: Clock | None = None, now=None):
    """SQL for ``Claim.is_overdue``: the current stage (``clock``, or any) is past its due time (DESIGN §6); ``now``
    (a parameter, say) replaces the time of the call."""
    late = Claim.due_at < (utcnow() if now is None else now)
    return sa.and_(late, Claim.due_clock == clock) if clock else late


def overdue_counts(user) -> dict[Clock, int]:
    """Open claims past their current stage's due time, per stage, in the user's offices (every stage listed)."""
    stmt = (sa.select(Claim.due_clock, sa.func.count())
            .where(Claim.office_id.in_(jq.office_ids(user)), overdue_clause()).group_by(Claim.due_clock))
    counts = dict(db.session.execute(stmt).all())
    return {clock: counts.get(clock, 0) for clock in Clock}


# The filters whose value is compared as it is; in a statement built once (the claim list's) each is a parameter of
# the filter's name.
_COMPARED = ("status", "office_id", "programme_id", "owner_id", "verifier_id", "clock", "incident_from", "incident_to")


def _conditions(user, f: ClaimFilters, offices=None, now=None, named: bool = False) -> list:
    """The list's filters as SQL conditions on claims (and on owners when searching by name); ``offices`` replaces
    the user's offices (a list of ids from the tree) by another expression of the same scope. ``named``: every value
    is a parameter named as in :func:`_list_values`, so the statement serves any values of the same filters."""
    def value(name, given):
        return sa.bindparam(name, given, expanding=isinstance(given, list)) if named else given

    out = [Claim.office_id.in_(jq.office_ids(user) if offices is None else offices)]
    if f.status:
        out.append(Claim.status.in_(value("status", f.status)))
    if f.office_id:
        out.append(Claim.office_id == value("office_id", f.office_id))
    if f.programme_id:
        out.append(Claim.programme_id == value("programme_id", f.programme_id))
    if f.owner_id:
        out.append(Claim.owner_id == value("owner_id", f.owner_id))
    if f.verifier_id:
        out.append(Claim.assigned_verifier_id == value("verifier_id", f.verifier_id))
    if f.clock:
        out.append(Claim.due_clock == value("clock", f.clock))
    if f.overdue is not None:
        late = overdue_clause(now=now)
        out.append(late if f.overdue else sa.or_(Claim.due_at.is_(None), sa.not_(late)))
    if f.carcass_left is not None:
        left = _CONDITIONS["carcass_left"]()
        out.append(left if f.carcass_left else sa.not_(left))
    if f.incident_from:
        out.append(Claim.incident_date >= value("incident_from", f.incident_from))
    if f.incident_to:
        out.append(Claim.incident_date <= value("incident_to", f.incident_to))
    if f.q:
        out.append(_search(f.q, named))
    return out


def _search(q: str, named: bool) -> sa.ColumnElement:
    text = fold(q)
    if not named:
        return sa.or_(folded(Owner.name).contains(text, autoescape=True),
                      sa.func.lower(Claim.number).startswith(text, autoescape=True))
    pattern = sa.bindparam("q", _like_escaped(text))  # escaped as autoescape does, which takes no parameter
    return sa.or_(folded(Owner.name).contains(pattern, escape="/"),
                  sa.func.lower(Claim.number).startswith(pattern, escape="/"))


def _like_escaped(text: str) -> str:
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def claims_statement(user, f: ClaimFilters) -> sa.Select:
    """The claims query with owner and loss lines as ORM objects (the API, queues, exports)."""
    # The owner is joined in SQL only to search by name; otherwise it is eager-loaded, which keeps it out of the
    # page's count (a count over a million claims joined to their owners costs most of a second).
    if f.q:
        stmt = sa.select(Claim).join(Claim.owner).options(contains_eager(Claim.owner))
    else:
        stmt = sa.select(Claim).options(joinedload(Claim.owner, innerjoin=True))
    return stmt.options(selectinload(Claim.lines)).where(*_conditions(user, f))


def claim_list_statements(user, f: ClaimFilters, page: int = 1, per_page: int = 50) -> tuple[sa.Select, sa.Select]:
    """The claim list page's two statements: its count, and its rows with only the columns a row shows (with this
    user's, filters' and page's values bound: what the page runs, as :func:`claim_list_page` runs it).

    A row is a plain database row (no ORM objects): id, number, owner's name, village, incident date, status, the
    number of animals lost (summed in SQL) and whether its current stage is overdue. The owner is joined for the name,
    but the count joins it only to search by name (a count over a million claims joined to their owners costs most
    of a second).
    """
    values = _list_values(user, f, page, per_page)
    count, rows = _list_statements(f, values)
    return count.params(values), rows.params(values)


def claim_list_page(user, filters: ClaimFilters, page: int = 1, per_page: int = 50) -> Page:
    """One page of the claim list as light rows (see :func:`claim_list_statements`): two statements."""
    values = _list_values(user, filters, page, per_page)
    count, rows = _list_statements(filters, values)
    total = db.scalar_alongside(count, values)  # counted while the rows are read and shown (PostgreSQL)
    connection = db.session.connection()  # plain rows: no ORM objects to build, nothing to flush
    return CountedAlongside(connection.execute(rows, values).all(), page, per_page, total)


def _list_values(user, f: ClaimFilters, page: int, per_page: int) -> dict:
    """The values of the list's parameters: the user (their scope), the time (overdue), the page, the filters set."""
    values = {"scope_user_id": user.id, "now": utcnow(), "limit": per_page, "offset": (page - 1) * per_page}
    values.update((name, getattr(f, name)) for name in _COMPARED if getattr(f, name))
    if f.q:
        values["q"] = _like_escaped(fold(f.q))
    return values


# The list's statements by which filters are set (and how), built once each: building a statement of this size and
# working out its key in SQLAlchemy's cache of compiled statements cost more than running it (about 2 ms a page).
_LIST_STATEMENTS: dict[tuple, tuple[sa.Select, sa.Select]] = {}


def _list_statements(f: ClaimFilters, values: dict) -> tuple[sa.Select, sa.Select]:
    shape = (*(bool(getattr(f, name)) for name in _COMPARED), bool(f.q), f.overdue, f.carcass_left)
    if shape not in _LIST_STATEMENTS:
        _LIST_STATEMENTS[shape] = _build_list_statements(f, values)
    return _LIST_STATEMENTS[shape]


def _build_list_statements(f: ClaimFilters, values: dict) -> tuple[sa.Select, sa.Select]:
    now = sa.bindparam("now", values["now"])
    conditions = _conditions(None, f, jq.office_ids_select(None), now=now, named=True)  # the scope in SQL: no tree
    counted = sa.select(sa.func.count()).select_from(Claim)
    if f.q:
        counted = counted.join(Owner, Owner.id == Claim.owner_id)
    count = counted.where(*conditions)
    head_lost = (sa.select(sa.func.coalesce(sa.func.sum(LossLine.count), 0)).where(LossLine.claim_id == Claim.id)
                 .scalar_subquery())
    rows = (sa.select(Claim.id, Claim.number, Owner.name.label("owner_name"), Claim.incident_village,
                      Claim.incident_date, Claim.status, head_lost.label("head_lost"),
                      Claim.due_clock, sa.case((overdue_clause(now=now), True), else_=False).label("overdue"))
            .join(Owner, Owner.id == Claim.owner_id).where(*conditions)
            .order_by(Claim.filed_at.desc(), Claim.id.desc())
            .limit(sa.bindparam("limit", values["limit"])).offset(sa.bindparam("offset", values["offset"])))
    return count, rows


def claims_page(user, filters: ClaimFilters, page: int = 1, per_page: int = 50) -> Page:
    stmt = claims_statement(user, filters).order_by(Claim.filed_at.desc(), Claim.id.desc())
    return paginate(stmt, page, per_page)


def count_by_status(user) -> dict[ClaimState, int]:
    stmt = (sa.select(Claim.status, sa.func.count()).where(Claim.office_id.in_(jq.office_ids(user)))
            .group_by(Claim.status))
    counts = dict(db.session.execute(stmt).all())
    return {state: counts.get(state, 0) for state in ClaimState}
