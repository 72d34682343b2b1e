"""Reads of performance: contracts, periods and observations within the reader's jurisdictions."""

from __future__ import annotations

import sqlalchemy as sa

from claims.enums import ProgrammeKind
from claims.models import Owner, Programme
from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.jurisdictions import queries as jq
from performance import evidence, payments, periods
from performance.enums import PeriodStatus, Review
from performance.models import CameraImport, Community, Contract, ContractChange, Deployment, Observation, Period
from performance.presentation import describe_line


def contracts_statement(user, programme_id: int | None = None) -> sa.Select:
    stmt = (sa.select(Contract).join(Contract.community)
            .where(Community.jurisdiction_id.in_(jq.scope_ids(user))).order_by(Contract.id))
    if programme_id:
        stmt = stmt.where(Community.programme_id == programme_id)
    return stmt


def page(stmt: sa.Select, number: int, per_page: int) -> dict:
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(stmt.limit(per_page).offset((number - 1) * per_page)))
    return {"items": items, "page": number, "per_page": per_page, "total": total,
            "pages": max(1, -(-total // per_page))}


def programmes_for(user) -> list[Programme]:
    """Active performance programmes in or above the user's jurisdictions (an import's choices)."""
    return list(db.session.scalars(sa.select(Programme).where(
        Programme.kind == ProgrammeKind.PERFORMANCE, Programme.is_active.is_(True),
        Programme.jurisdiction_id.in_(jq.related_ids(user))).order_by(Programme.name)))


def get_contract(contract_id: int, user) -> Contract:
    contract = db.session.get(Contract, contract_id)
    if contract is None or contract.community.jurisdiction_id not in jq.scope_ids(user):
        raise NotFound()
    return contract


def communities_statement(user, programme_id: int | None = None) -> sa.Select:
    stmt = (sa.select(Community).where(Community.jurisdiction_id.in_(jq.scope_ids(user)))
            .order_by(Community.name, Community.id))
    if programme_id:
        stmt = stmt.where(Community.programme_id == programme_id)
    return stmt


def managed_programmes(user) -> list[Programme]:
    """Performance programmes a manager may register communities for (run in or below their jurisdictions)."""
    return [p for p in programmes_for(user) if p.jurisdiction_id in jq.scope_ids(user)]


def owners_under(jurisdiction_id: int | None, user, limit: int) -> list[Owner]:
    """Owners registered at the offices at or below ``jurisdiction_id`` that the user sees, by village and name
    (a community's possible members); at most ``limit`` + 1, so the caller can tell there are more."""
    if jurisdiction_id not in jq.scope_ids(user):
        return []
    offices = jq.tree().descendants(jurisdiction_id)
    return list(db.session.scalars(sa.select(Owner).where(Owner.office_id.in_(offices))
                                   .order_by(Owner.village, Owner.name, Owner.id).limit(limit + 1)))


def pending_changes(contract: Contract) -> list[ContractChange]:
    return list(db.session.scalars(sa.select(ContractChange).where(
        ContractChange.contract_id == contract.id, ContractChange.is_confirmed.is_(None)).order_by(ContractChange.id)))


def get_community(community_id: int, user) -> Community:
    community = db.session.get(Community, community_id)
    if community is None or community.jurisdiction_id not in jq.scope_ids(user):
        raise NotFound()
    return community


def get_period(period_id: int, user) -> Period:
    period = db.session.get(Period, period_id)
    if period is None or period.contract.community.jurisdiction_id not in jq.scope_ids(user):
        raise NotFound()
    return period


def get_change(contract: Contract, change_id: int) -> ContractChange:
    change = db.session.get(ContractChange, change_id)
    if change is None or change.contract_id != contract.id:
        raise NotFound()
    return change


def assessment_view(period: Period) -> dict:
    """The frozen breakdown of an approved period, else the live one; each line described for the reader."""
    frozen = period.status != PeriodStatus.OPEN
    data = period.breakdown if frozen else periods.live(period).to_data()
    currency = period.contract.currency
    shares = period.shares if frozen else periods.shares_of(period.contract, periods.Decimal(data["total"]))
    return {"period": period, "currency": currency, "units": data["units"], "total": data["total"],
            "is_fallback": data["is_fallback"], "monitoring_failed": data["monitoring_failed"], "is_frozen": frozen,
            "lines": [{**line, "text": describe_line(line, currency)} for line in data["lines"]],
            "shares": shares or [], "payments": payments.payments_of([period.id])}


def observations_statement(user, review: Review | None) -> sa.Select:
    stmt = sa.select(Observation).where(evidence.in_reach(user)).order_by(Observation.event_start, Observation.id)
    return stmt.where(Observation.review == review) if review else stmt


def get_observation(observation_id: int, user) -> Observation:
    observation = db.session.get(Observation, observation_id)
    if observation is None or not db.session.scalar(sa.select(sa.literal(True)).where(
            Observation.id == observation_id, evidence.in_reach(user))):
        raise NotFound()
    return observation


def import_view(batch: CameraImport) -> dict:
    deployments = db.session.execute(sa.select(sa.func.count(), sa.func.count(Deployment.contract_id))
                                     .where(Deployment.import_id == batch.id)).one()
    observations = db.session.scalar(sa.select(sa.func.count()).select_from(Observation).join(
        Observation.deployment).where(Deployment.import_id == batch.id))
    return {"id": batch.id, "programme_id": batch.programme_id, "package_name": batch.package_name,
            "filename": batch.filename, "imported_at": batch.imported_at, "deployments": deployments[0],
            "linked": deployments[1], "observations": observations}
