"""Demo step of insurance: the Armenian scheme's seasons, premiums, policies and donors, and its claims paid from
the fund.

It runs after payouts' step, which recorded the scheme's loss rates and left its claims alone. Everything goes
through the operations at plausible past moments (``clock_at``), in calendar order (``demo_events``): a season per
calendar year with its premium rates; most Armenian owners enrolled each January or February, most paying at once,
some in two instalments, a few still in arrears; a launch grant; verified claims approved a few days after their
verification, reserved in the fund or waiting for funds until a donor tops the fund up a week later; a payment
batch every two weeks, built by one manager, approved by the other and confirmed a few days later. One owner breaks
the no-poaching agreement: the violation is recorded and his later loss is not insured. No donor money and no
premium arrive in the last weeks, and a surplus kill in a corral, filed two days ago, is approved but waits for funds.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from claims import rule_changes
from claims.enums import Species
from claims.models import Claim
from claims.operations import update_programme
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.timeutil import clock_at, utcnow
from insurance import operations
from insurance.demo_events import Simulation, surplus_kill

PREMIUMS = {Species.SHEEP: 150, Species.GOAT: 120, Species.CATTLE: 1200}  # AMD per insured head
RULES = {"coverage_pct": Decimal(80), "deductible": Decimal(2000), "payment_sla_days": 21}
NOT_ENROLLED_PER_SEASON = 3


def load(context: dict) -> None:
    scheme = context["programmes"]["AM-SU-KPN"]
    users = context["users"]
    rng, now = random.Random(context["seed"] + 6), utcnow()
    claims = _verified(scheme)
    first_year = min([c.incident_date.year for c in claims] + [now.year])
    with clock_at(_moment(date(first_year - 1, 11, 20))):
        update_programme(scheme, RULES, users["manager_am"])
        for change in rule_changes.pending(scheme):  # money rules apply once a second manager confirms them
            rule_changes.confirm(change, users["manager2_am"])
    seasons = [_season(scheme, year, users["manager_am"], now) for year in range(first_year, now.year + 1)]
    sim = Simulation(rng, users, scheme, now)
    enrolments = _plan_enrolments(sim, seasons, context["owners"]["AM-SU-KPN"])
    sim.plan_grants(seasons)
    sim.plan_decisions(claims)
    sim.plan_batches(seasons[0].starts_on)
    sim.plan_violation(claims, enrolments)
    sim.run()
    surplus_kill(sim, enrolments)
    context["insurance"] = {"seasons": seasons, "batches": sim.batches}


def _verified(scheme) -> list[Claim]:
    stmt = (sa.select(Claim).where(Claim.programme_id == scheme.id, Claim.status == ClaimState.VERIFIED)
            .order_by(Claim.status_changed_at, Claim.id))
    return list(db.session.scalars(stmt))


RATES_AGREED = "Համաձայնեցված է գյուղական կոմիտեների հետ"


def _moment(day: date, hour: int = 9) -> datetime:
    return min(datetime(day.year, day.month, day.day, hour, tzinfo=utcnow().tzinfo), utcnow() - timedelta(hours=1))


def _season(scheme, year: int, manager, now: datetime):
    """A calendar-year season, created in the autumn before, with premium rates that rise a little each year."""
    with clock_at(_moment(date(year - 1, 12, 1))):
        season = operations.create_season(scheme, {"name": str(year), "starts_on": date(year, 1, 1),
                                                   "ends_on": date(year, 12, 31)}, manager)
        step = year - now.year + 1
        entries = [{"species": species, "amount": Decimal(amount + 15 * step if species == Species.SHEEP else amount),
                    "valid_from": date(year - 1, 12, 1)} for species, amount in PREMIUMS.items()]
        operations.record_premium_rates(season, {"entries": entries, "note": RATES_AGREED}, manager,
                                        source="demo")
    return season


def _plan_enrolments(sim: Simulation, seasons, owners) -> dict:
    """Most owners enrol each season between mid-January and February, insuring most of their herd."""
    planned: dict = {}
    for season in seasons:
        skipped = set(sim.rng.sample(range(len(owners)), NOT_ENROLLED_PER_SEASON))
        for i, owner in enumerate(owners):
            day = season.starts_on + timedelta(days=sim.rng.randint(9, 50))
            if i in skipped or _moment(day) >= sim.now - timedelta(hours=2):
                continue
            lines = [{"species": h.species, "head_count": max(1, round(h.head_count * sim.rng.uniform(0.6, 1.0)))}
                     for h in owner.herd if h.species in PREMIUMS]
            planned[(owner.id, season.id)] = (day, lines)
            sim.at(_moment(day, sim.rng.randint(6, 12)), "enrol", (owner, season, lines))
    return planned
