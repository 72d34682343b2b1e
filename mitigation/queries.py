"""Reads of measures, inspections and dogs, always limited to the offices of the reader.

"Today" is the office's local date (DESIGN §3), so the due and overdue lists compare each office's records
with that office's calendar.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, selectinload

from claims.models import Owner
from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.jurisdictions import queries as jq
from conflict_service.pagination import Page, paginate
from conflict_service.textsearch import fold, folded
from conflict_service.timeutil import local_today
from mitigation.enums import MeasureKind, MeasureStatus, VaccineKind
from mitigation.models import GuardianDog, Inspection, Measure, Vaccination
from mitigation.rules import inspection_cutoff


def office_days(user, office_id: int | None = None) -> dict[date, list[int]]:
    """The reader's offices grouped by their local date today (offices span several time zones)."""
    tree = jq.tree()
    out: dict[date, list[int]] = defaultdict(list)
    for oid in jq.office_ids(user):
        if office_id is None or oid == office_id:
            out[local_today(tree.by_id[oid].timezone)].append(oid)
    return dict(out)


def _per_office(days: dict[date, list[int]], condition) -> sa.ColumnElement[bool]:
    """OR over groups of offices: ``condition(local_today)`` for the owners of the offices on that date."""
    parts = [sa.and_(Owner.office_id.in_(ids), condition(today)) for today, ids in days.items()]
    return sa.or_(*parts) if parts else sa.false()


def get_measure(measure_id: int, user) -> Measure:
    stmt = (sa.select(Measure).join(Measure.owner).options(contains_eager(Measure.owner))
            .where(Measure.id == measure_id, Owner.office_id.in_(jq.office_ids(user))))
    measure = db.session.scalar(stmt)
    if measure is None:
        raise NotFound()
    return measure


def get_dog(dog_id: int, user) -> GuardianDog:
    measure = get_measure(dog_id, user)
    if measure.dog is None:
        raise NotFound()
    return measure.dog


def inspections_of(measure: Measure) -> list[Inspection]:
    return list(db.session.scalars(sa.select(Inspection).where(Inspection.measure_id == measure.id)
                                   .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())))


@dataclass
class MeasureFilters:
    owner_id: int | None = None
    office_id: int | None = None
    village: str | None = None
    kind: MeasureKind | None = None
    status: MeasureStatus | None = None
    due: bool = False


def due_condition(days: dict[date, list[int]]) -> sa.ColumnElement[bool]:
    anchor = sa.func.coalesce(Measure.last_inspected_on, Measure.installed_on)
    not_abandoned = sa.or_(Measure.status.is_(None), Measure.status != MeasureStatus.ABANDONED)
    return sa.and_(not_abandoned, _per_office(days, lambda today: anchor <= inspection_cutoff(today)))


def _filtered(stmt: sa.Select, user, f: MeasureFilters) -> sa.Select:
    """Apply the reader's offices and the filters to a statement that already joins Measure and Owner."""
    stmt = stmt.where(Owner.office_id.in_(jq.office_ids(user)))
    for column, value in ((Measure.owner_id, f.owner_id), (Owner.office_id, f.office_id), (Measure.kind, f.kind),
                          (Measure.status, f.status)):
        if value is not None:
            stmt = stmt.where(column == value)
    if f.village:
        stmt = stmt.where(folded(Owner.village) == fold(f.village))
    if f.due:
        stmt = stmt.where(due_condition(office_days(user)))
    return stmt


def measures_statement(user, f: MeasureFilters) -> sa.Select:
    return _filtered(sa.select(Measure).join(Measure.owner).options(contains_eager(Measure.owner)), user, f)


def measures_page(user, filters: MeasureFilters, page: int = 1, per_page: int = 50) -> Page:
    stmt = measures_statement(user, filters).order_by(Owner.village, Owner.name, Measure.kind, Measure.installed_on,
                                                      Measure.id)
    return paginate(stmt, page, per_page)


def measures_of_owner(owner: Owner) -> list[Measure]:
    """Every measure of an owner the caller already may see (the owner page checked the jurisdiction)."""
    stmt = (sa.select(Measure).where(Measure.owner_id == owner.id)
            .order_by(Measure.installed_on.desc(), Measure.id.desc()))
    return list(db.session.scalars(stmt))


def count_due(user) -> int:
    stmt = (sa.select(sa.func.count(Measure.id)).join(Measure.owner)
            .where(Owner.office_id.in_(jq.office_ids(user)), due_condition(office_days(user))))
    return db.session.scalar(stmt) or 0


# --- villages ----------------------------------------------------------------------------------------------

@dataclass
class VillageSummary:
    village: str
    office_id: int
    households: int = 0
    measures: int = 0
    attention: int = 0  # needs repair or failed
    by_kind: dict = field(default_factory=dict)


def village_summaries(user, f: MeasureFilters) -> list[VillageSummary]:
    """Measures counted per village (and office), by kind, with how many need attention; two statements."""
    place = (Owner.village, Owner.office_id)
    by_status = _filtered(sa.select(*place, Measure.kind, Measure.status, sa.func.count()).select_from(Measure)
                          .join(Measure.owner), user, f).group_by(*place, Measure.kind, Measure.status)
    out: dict[tuple, VillageSummary] = {}
    for village, office_id, kind, status, n in db.session.execute(by_status):
        row = out.setdefault((village, office_id), VillageSummary(village, office_id))
        row.measures += n
        row.by_kind[kind] = row.by_kind.get(kind, 0) + n
        row.attention += n if status in (MeasureStatus.NEEDS_REPAIR, MeasureStatus.FAILED) else 0
    households = _filtered(sa.select(*place, sa.func.count(sa.distinct(Measure.owner_id))).select_from(Measure)
                           .join(Measure.owner), user, f).group_by(*place)
    for village, office_id, n in db.session.execute(households):
        out[(village, office_id)].households = n
    return sorted(out.values(), key=lambda r: (r.village.lower(), r.office_id))


# --- guardian dogs -----------------------------------------------------------------------------------------

def overdue_condition(days: dict[date, list[int]]) -> sa.ColumnElement[bool]:
    """The SQL twin of rules.overdue_kinds: a latest dose past its due date, or no rabies dose at all."""
    v, later = aliased(Vaccination), aliased(Vaccination)
    is_latest = ~sa.exists().where(later.dog_id == v.dog_id, later.kind == v.kind, sa.or_(
        later.given_on > v.given_on, sa.and_(later.given_on == v.given_on, later.id > v.id)))
    past_due = _per_office(days, lambda today: sa.exists().where(
        v.dog_id == GuardianDog.measure_id, is_latest, v.next_due_on < today))
    no_rabies = ~sa.exists().where(v.dog_id == GuardianDog.measure_id, v.kind == VaccineKind.RABIES)
    return sa.or_(past_due, no_rabies)


def dogs_statement(user, *, overdue: bool = False, office_id: int | None = None) -> sa.Select:
    """Dogs still kept (their measure not last found abandoned), with owner and measure in one statement."""
    stmt = (sa.select(GuardianDog).join(GuardianDog.measure).join(Measure.owner)
            .options(contains_eager(GuardianDog.measure).contains_eager(Measure.owner),
                     selectinload(GuardianDog.vaccinations))
            .where(Owner.office_id.in_(jq.office_ids(user)),
                   sa.or_(Measure.status.is_(None), Measure.status != MeasureStatus.ABANDONED)))
    if office_id is not None:
        stmt = stmt.where(Owner.office_id == office_id)
    if overdue:
        stmt = stmt.where(overdue_condition(office_days(user, office_id)))
    return stmt


def dogs_page(user, *, overdue: bool = False, office_id: int | None = None, page: int = 1,
              per_page: int = 50) -> Page:
    stmt = dogs_statement(user, overdue=overdue, office_id=office_id).order_by(Owner.village, GuardianDog.name,
                                                                               GuardianDog.measure_id)
    return paginate(stmt, page, per_page)


def count_overdue_dogs(user) -> int:
    inner = dogs_statement(user, overdue=True).with_only_columns(GuardianDog.measure_id).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(inner)) or 0
