"""Synthetic households, measures and verified leopard losses with a known ("planted") effect.

Rows are inserted in bulk, straight into the tables: thousands of claims through every operation would make
the test slow and would test nothing more about the report, whose query is the production one.
Losses follow a Poisson process per household: a base rate per household-year at night and by day, an
optional region-wide trend from a given date, and for adopters a factor on night losses from the day after
installation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from claims.enums import Confidence, Predator, TimeOfDay
from claims.models import Claim, Owner
from claims.states import ClaimState
from conflict_service.db import db
from mitigation.enums import MeasureKind
from mitigation.models import Measure
from verification.enums import VerificationOutcome
from verification.models import Verification

COUNTED = [ClaimState.VERIFIED, ClaimState.APPROVED, ClaimState.IN_PAYMENT, ClaimState.PAID]


@dataclass
class Plan:
    households: int = 400
    adopter_share: float = 0.5
    night_rate: float = 0.5  # losses per household-year
    day_rate: float = 0.0
    effect: float = 1.0  # factor on adopters' night losses once protected (0.2 = 80 % fewer)
    trend_from: date | None = None  # from this date every household's rate is multiplied by `trend`
    trend: float = 1.0
    install_from: date = date(2022, 1, 1)
    install_to: date = date(2023, 12, 31)
    start: date = date(2020, 1, 1)
    end: date = date(2025, 12, 31)
    kind: MeasureKind = MeasureKind.PREDATOR_PROOF_CORRAL
    seed: int = 1
    owners: list[int] = field(default_factory=list)


def _events(rng: random.Random, rate_at, top: float, start: date, end: date) -> list[date]:
    """A Poisson process whose rate per household-year is ``rate_at(day)`` (at most ``top``), by thinning."""
    out, t, span = [], 0.0, (end - start).days + 1
    while top > 0:
        t += rng.expovariate(top / 365.25)
        if t >= span:
            return out
        day = start + timedelta(days=int(t))
        if rng.random() < rate_at(day) / top:
            out.append(day)
    return out


def plant(country, plan: Plan) -> Plan:
    """Insert the plan's households, measures and verified losses in ``country`` (a tests.factories.Country)."""
    rng = random.Random(plan.seed)
    clerk, verifier = country.clerk, country.verifier
    plan.owners = _insert(Owner, [{"name": f"Synthetic {plan.seed}-{i}", "village": f"V{i % 7}",
                                   "office_id": country.office.id, "created_by_id": clerk.id}
                                  for i in range(plan.households)])
    adopters = {o: plan.install_from + timedelta(days=rng.randrange((plan.install_to - plan.install_from).days + 1))
                for o in rng.sample(plan.owners, round(plan.households * plan.adopter_share))}
    _insert(Measure, [{"owner_id": o, "kind": plan.kind, "installed_on": day, "cost": Decimal(1000), "currency": "IRR",
                       "funder": "Synthetic", "owner_contribution": Decimal(0), "created_by_id": clerk.id}
                      for o, day in adopters.items()])
    top = max(plan.night_rate, plan.day_rate) * max(1.0, plan.trend) * max(1.0, plan.effect)
    losses = []
    for owner_id in plan.owners:
        protected_from = adopters[owner_id] + timedelta(days=1) if owner_id in adopters else None

        def trend(day):
            return plan.trend if plan.trend_from and day >= plan.trend_from else 1.0

        def night(day, since=protected_from):
            return plan.night_rate * trend(day) * (plan.effect if since and day >= since else 1.0)

        losses += [(owner_id, d, TimeOfDay.NIGHT) for d in _events(rng, night, top, plan.start, plan.end)]
        losses += [(owner_id, d, TimeOfDay.DAY)
                   for d in _events(rng, lambda day: plan.day_rate * trend(day), top, plan.start, plan.end)]
    insert_losses(country, losses, clerk, verifier, rng)
    return plan


def insert_losses(country, losses, clerk, verifier, rng, *, predator=Predator.LEOPARD, states=None) -> list[int]:
    """Claims (one per loss) in a counted state, each with a confirmed verification naming ``predator``."""
    claims = []
    for owner_id, day, tod in losses:
        moment = datetime.combine(day, time(22 if tod == TimeOfDay.NIGHT else 11), tzinfo=UTC)
        claims.append({"number": f"SYN-{rng.getrandbits(48):012x}", "pin": "000000", "owner_id": owner_id,
                       "programme_id": country.programme.id, "office_id": country.office.id,
                       "filed_by_id": clerk.id, "status": rng.choice(states or COUNTED), "status_changed_at": moment,
                       "incident_at": moment, "incident_date": day, "incident_village": "V", "time_of_day": tod,
                       "reported_at": moment, "filed_at": moment, "filed_date": day})
    ids = _insert(Claim, claims)
    _insert(Verification, [{"claim_id": cid, "verifier_id": verifier.id, "round": 1, "visited_at": c["incident_at"],
                            "predator": predator, "confidence": Confidence.CONFIRMED,
                            "outcome": VerificationOutcome.CONFIRMED} for cid, c in zip(ids, claims, strict=True)])
    return ids


def _insert(model, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    table = model.__table__
    result = db.session.execute(sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return [row[0] for row in result]
