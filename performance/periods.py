"""A period's evidence, its assessment and its approval (DESIGN §13): units from verified observations only, the
fallback when monitoring failed, forfeits from retaliation killings and poaching in the community's area."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from claims.zones import contains_test
from conflict_service.audit.operations import record
from conflict_service.db import db, lock_row
from conflict_service.errors import Forbidden, InvalidTransition, NotEligible, NotFound
from conflict_service.jurisdictions import queries as jq
from conflict_service.timeutil import day_start, local_today, utcnow
from payouts.freezes.models import RetaliationFreeze
from performance.assessment import GRACE_DAYS, Assessment, Evidence, Forfeit, Terms, assess, split, weights_for
from performance.enums import Distribution, PeriodStatus, Review
from performance.models import Contract, Deployment, Observation, Period
from performance.permissions import check_manager

# Poaching violations are insurance's (a sibling package): read by table name, as mitigation reads verification.
POLICIES = sa.table("insurance_policies", sa.column("owner_id"), sa.column("number"), sa.column("violation_on"))


def terms_of(contract: Contract) -> Terms:
    return Terms(indicator=contract.indicator, rate=contract.rate, cap=contract.cap, forfeiture=contract.forfeiture,
                 forfeit_pct=contract.forfeit_pct, fallback=contract.fallback,
                 fallback_periods=contract.fallback_periods, currency=contract.currency)


def bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's moments in UTC: from the start of its first day to the start of the day after its last, in the
    community's time zone."""
    tz = period.contract.community.jurisdiction.timezone
    return day_start(period.starts_on, tz), day_start(period.ends_on, tz)


def deployments_of(period: Period) -> list[Deployment]:
    start, end = bounds(period)
    return list(db.session.scalars(sa.select(Deployment).where(
        Deployment.contract_id == period.contract_id, Deployment.start < end, Deployment.end > start)
        .order_by(Deployment.start, Deployment.id)))


def failed_deployments(period: Period, deployments: list[Deployment]) -> list[str]:
    """Deployments of places whose cameras left a gap of more than GRACE_DAYS in the period (a camera stolen,
    broken or set late); a place is a location name, or the point where none is given."""
    start, end = bounds(period)
    grace = timedelta(days=GRACE_DAYS)
    places: dict[object, list[Deployment]] = {}
    for d in deployments:
        places.setdefault(d.location_name or (round(d.latitude, 5), round(d.longitude, 5)), []).append(d)
    failed = []
    for group in places.values():
        reached = start
        gap = False
        for d in sorted(group, key=lambda x: x.start):
            if d.start - reached > grace:
                gap = True
            reached = max(reached, d.end)
        if gap or end - reached > grace:
            failed.extend(d.deployment_id for d in group)
    return failed


def camera_days(period: Period, deployments: list[Deployment]) -> Decimal:
    start, end = bounds(period)
    seconds = sum(max((min(d.end, end) - max(d.start, start)).total_seconds(), 0) for d in deployments)
    return (Decimal(seconds) / 86400).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def counted(period: Period) -> list[Observation]:
    """The verified leopard observations of the period (confirmed by a verifier; nothing else counts)."""
    start, end = bounds(period)
    return list(db.session.scalars(sa.select(Observation).join(Observation.deployment).where(
        Deployment.contract_id == period.contract_id, Observation.review == Review.CONFIRMED,
        Observation.event_start >= start, Observation.event_start < end).order_by(Observation.event_start)))


def forfeits(period: Period) -> list[Forfeit]:
    """Retaliation killings recorded in the community's area (its point inside the area, or its jurisdiction
    holding or held by the community's) and poaching violations by its members, during the period."""
    community = period.contract.community
    inside = contains_test(community.area)
    tree = jq.tree()
    related = {community.jurisdiction_id, *tree.ancestors(community.jurisdiction_id),
               *tree.descendants(community.jurisdiction_id)}
    found = []
    freezes = db.session.scalars(sa.select(RetaliationFreeze).where(
        RetaliationFreeze.killed_on >= period.starts_on, RetaliationFreeze.killed_on < period.ends_on)
        .order_by(RetaliationFreeze.killed_on, RetaliationFreeze.id))
    for freeze in freezes:
        by_place = freeze.lat is not None and inside is not None and inside(freeze.lat, freeze.lon)
        if by_place or freeze.jurisdiction_id in related:
            found.append(Forfeit("retaliation", freeze.killed_on, f"#{freeze.id}"))
    member_ids = [m.id for m in community.members]
    if member_ids:
        rows = db.session.execute(sa.select(POLICIES.c.number, POLICIES.c.violation_on).where(
            POLICIES.c.owner_id.in_(member_ids), POLICIES.c.violation_on >= period.starts_on,
            POLICIES.c.violation_on < period.ends_on).order_by(POLICIES.c.violation_on)).all()
        found.extend(Forfeit("poaching", row.violation_on, row.number) for row in rows)
    return found


def history(period: Period) -> list[Decimal]:
    """Units of the contract's earlier approved periods that were measured, not themselves a fallback."""
    return [p.units for p in period.contract.periods
            if p.number < period.number and p.status != PeriodStatus.OPEN and not p.is_fallback
            and p.units is not None]


def evidence(period: Period) -> Evidence:
    """What the period's units are counted from: a detection is an event (observations of one event count once)."""
    deployments = deployments_of(period)
    observations = counted(period)
    young = [o for o in observations if o.is_young]
    named = {o.verified_individual for o in young if o.verified_individual}
    events = {(o.deployment_pk, o.event_id or o.observation_id) for o in observations}
    return Evidence(detections=len(events), camera_days=camera_days(period, deployments),
                    young=len(named) + (1 if any(not o.verified_individual for o in young) else 0),
                    failed_deployments=tuple(failed_deployments(period, deployments)),
                    forfeits=tuple(forfeits(period)), history=tuple(history(period)))


def live(period: Period) -> Assessment:
    return assess(terms_of(period.contract), evidence(period))


def shares_of(contract: Contract, total: Decimal) -> list[dict]:
    """The members' shares of ``total`` by the contract's rule; empty for a lump sum to the community."""
    members = contract.community.members
    if contract.distribution == Distribution.LUMP_SUM or not members:
        return []
    names = {m.id: m.name for m in members}
    return [{"owner_id": owner, "name": names[owner], "amount": str(amount)}
            for owner, amount in split(total, weights_for(contract.distribution, members), contract.currency)]


def lock_period(period_id: int) -> Period:
    period = lock_row(Period, period_id)
    if period is None:
        raise NotFound()
    return period


def approve(period: Period, actor, today: date | None = None) -> Period:
    """A manager who verified none of the counted observations approves the period: its assessment is frozen."""
    community = period.contract.community
    check_manager(actor, community.jurisdiction_id)
    period = lock_period(period.id)  # one decision at a time: a second approver waits, then finds it approved
    if period.status != PeriodStatus.OPEN:
        raise InvalidTransition(_("This period is already approved."))
    if period.contract.is_pending:
        raise NotEligible(_("The contract waits for a second manager's confirmation."))
    if period.ends_on > (today or local_today(community.jurisdiction.timezone)):
        raise NotEligible(_("The period has not ended yet; it is approved after its last day."))
    if actor is not None and any(o.reviewed_by_id == actor.id for o in counted(period)):
        raise Forbidden(_("You verified observations this period counts; another manager approves it."))
    result = live(period)
    period.units, period.is_fallback, period.total = result.units, result.is_fallback, result.total
    period.breakdown = result.to_data()
    period.shares = shares_of(period.contract, result.total)
    # A total of nothing is never batched: the period closes at its approval instead of waiting for ever.
    settled = result.total == 0
    period.status = PeriodStatus.SETTLED if settled else PeriodStatus.APPROVED
    period.approved_by_id, period.approved_at = actor.id if actor else None, utcnow()
    db.session.flush()
    record("performance_period.settled" if settled else "performance_period.approved", period, actor=actor,
           data={"total": str(result.total), "currency": period.contract.currency, "units": str(result.units),
                 "fallback": result.is_fallback, "monitoring_failed": result.monitoring_failed})
    return period
