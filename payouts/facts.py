"""Gather the facts an assessment needs, for many claims in a fixed number of statements."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from claims.circumstances import Circumstances
from claims.enums import Predator
from claims.models import Claim, Programme
from claims.years import year_bounds
from claims.zones import contains_test
from conflict_service.db import db
from mitigation import assessment as mitigation
from payouts.engine import ZERO, Facts, Loss, Rules
from payouts.models import Award, Rate, RateTable
from verification.enums import VerificationOutcome
from verification.models import Verification


def rules_of(programme: Programme) -> Rules:
    return Rules(
        covered_predators=frozenset(Predator(p) for p in programme.covered_predators or []),
        min_confidence=programme.min_confidence, report_deadline_days=programme.report_deadline_days,
        injured_pct=programme.injured_pct, missing_pct=programme.missing_pct,
        negligence_pct=programme.negligence_pct, noncompliance_pct=programme.noncompliance_pct,
        mitigation_bonus_pct=programme.mitigation_bonus_pct, coverage_pct=programme.coverage_pct,
        deductible=programme.deductible, household_annual_cap=programme.household_annual_cap,
    )


def latest_verifications(claim_ids: list[int]) -> dict[int, Verification]:
    """The confirming verification that stands for each claim (after an appeal, the newest round)."""
    stmt = (sa.select(Verification)
            .where(Verification.claim_id.in_(claim_ids), Verification.outcome == VerificationOutcome.CONFIRMED)
            .order_by(Verification.claim_id, Verification.round, Verification.recorded_at, Verification.id))
    return {v.claim_id: v for v in db.session.scalars(stmt)}  # the last one per claim wins


def rate_history(programme_ids: set[int]) -> dict[tuple, list[tuple[date, int, Decimal]]]:
    """Every rate of the programmes as ``(programme, species, age) -> [(valid_from, version, amount)]``."""
    stmt = (sa.select(Rate.programme_id, Rate.species, Rate.age_class, Rate.valid_from, RateTable.version, Rate.amount)
            .join(RateTable).where(Rate.programme_id.in_(programme_ids), RateTable.is_pending.is_(False)))
    out: dict[tuple, list] = defaultdict(list)
    for pid, species, age, valid_from, version, amount in db.session.execute(stmt):
        out[(pid, species, age)].append((valid_from, version, amount))
    return out


def rate_in_force(history: list[tuple[date, int, Decimal]], on: date) -> Decimal | None:
    """The newest ``valid_from`` on or before ``on``; for the same date, the later version corrects the earlier."""
    candidates = [(valid_from, version, amount) for valid_from, version, amount in history if valid_from <= on]
    return max(candidates)[2] if candidates else None


def approved_before(claims: list[Claim]) -> dict[int, Decimal]:
    """What each claim's household already had approved in the programme for the incident's programme year (its
    calendar and first month: in Iran the year from Nowruz)."""
    owner_ids = {c.owner_id for c in claims}
    stmt = (sa.select(Award.claim_id, Award.owner_id, Award.programme_id, Award.incident_date, Award.total)
            .where(Award.owner_id.in_(owner_ids)))
    rows = list(db.session.execute(stmt))
    out = {}
    for claim in claims:
        out[claim.id] = sum((r.total for r in rows if r.owner_id == claim.owner_id and r.claim_id != claim.id
                             and r.programme_id == claim.programme_id
                             and r.incident_date in year_bounds(claim.programme, claim.incident_date)), ZERO)
    return out


def location(claim: Claim, verification: Verification) -> tuple[float, float] | None:
    if claim.incident_lat is not None and claim.incident_lon is not None:
        return claim.incident_lat, claim.incident_lon
    if verification.visit_lat is not None and verification.visit_lon is not None:
        return verification.visit_lat, verification.visit_lon
    return None


def _mitigation(claims: list[Claim], verifications: dict[int, Verification]) -> dict:
    """§5.5: which of each owner's measures were active on the incident date, and which case applies."""
    cases = []
    for claim in claims:
        verification = verifications.get(claim.id)
        if verification is not None:
            cases.append((claim.id, claim.owner_id, claim.incident_date, Circumstances.of_claim(claim, verification)))
    return mitigation.findings_for(cases)


def facts_for(claims: list[Claim], providers=()) -> dict[int, Facts | None]:
    """Facts per claim id; None for a claim without a confirming verification (it cannot be assessed)."""
    if not claims:
        return {}
    verifications = latest_verifications([c.id for c in claims])
    rates = rate_history({c.programme_id for c in claims})
    prior = approved_before(claims)
    zones = {c.programme_id: contains_test(c.programme.exclusion_zones) for c in claims}
    extras: dict[int, dict] = defaultdict(dict)
    for claim_id, finding in _mitigation(claims, verifications).items():
        extras[claim_id]["mitigation"] = finding
    for provider in providers:  # higher modules (insurance policies) add their facts
        for claim_id, found in provider(claims).items():
            extras[claim_id].update(found)
    out: dict[int, Facts | None] = {}
    for claim in claims:
        verification = verifications.get(claim.id)
        out[claim.id] = None if verification is None else _facts(
            claim, verification, rates, prior[claim.id], zones[claim.programme_id], extras[claim.id])
    return out


def _facts(claim, verification, rates, prior, zone_test, extra) -> Facts:
    programme = claim.programme
    losses = tuple(Loss(ln.species, ln.age_class, ln.outcome, ln.count,
                        rate_in_force(rates.get((programme.id, ln.species, ln.age_class), []), claim.incident_date))
                   for ln in verification.lines)
    return Facts(currency=programme.currency, rules=rules_of(programme), predator=verification.predator,
                 confidence=verification.confidence, circumstances=Circumstances.of_claim(claim, verification),
                 losses=losses, incident_date=claim.incident_date, reported_date=claim.reported_date,
                 is_insurance=programme.is_insurance, location=location(claim, verification),
                 in_exclusion_zone=zone_test, prior_approved=prior, extra=extra,
                 programme_year=year_bounds(programme, claim.incident_date).label)
