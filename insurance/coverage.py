"""Facts of §5.6 for many claims at once: each claim's deciding policy and the earlier losses counted against it.

Three statements whatever the number of claims (policies with their lines, earlier approvals, their verified
lines), registered with ``payouts.assessment.register_facts`` by ``insurance.init_app``; the step in
``insurance.step`` decides with them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from claims.enums import LossOutcome, Species
from claims.models import Claim
from conflict_service.db import db
from insurance.models import Policy
from insurance.step import PolicyFacts
from payouts.facts import latest_verifications
from payouts.models import Award

GONE = (LossOutcome.KILLED, LossOutcome.MISSING)  # head no longer in the herd after the loss


def deciding_policy(policies: list[Policy], day: date) -> Policy | None:
    """The policy whose season holds ``day``; else the last one that ended before it; else the next to start."""
    holding = [p for p in policies if p.season.starts_on <= day <= p.season.ends_on]
    if holding:
        return holding[0]  # seasons of a scheme never overlap, and an owner has one policy per season
    ended = [p for p in policies if p.season.ends_on < day]
    if ended:
        return max(ended, key=lambda p: p.season.ends_on)
    upcoming = [p for p in policies if p.season.starts_on > day]
    return min(upcoming, key=lambda p: p.season.starts_on) if upcoming else None


def findings(claims: list[Claim]) -> dict[int, dict]:
    """``{claim_id: {"insurance": PolicyFacts | None}}`` for the claims of insurance schemes."""
    scheme_claims = [c for c in claims if c.programme.is_insurance]
    if not scheme_claims:
        return {}
    owners, schemes = {c.owner_id for c in scheme_claims}, {c.programme_id for c in scheme_claims}
    policies: dict[tuple[int, int], list[Policy]] = defaultdict(list)
    for policy in db.session.scalars(sa.select(Policy).where(Policy.owner_id.in_(owners),
                                                             Policy.programme_id.in_(schemes))):
        policies[(policy.owner_id, policy.programme_id)].append(policy)
    approved = list(db.session.execute(sa.select(Award.claim_id, Award.owner_id, Award.programme_id,
                                                 Award.incident_date)
                                       .where(Award.owner_id.in_(owners), Award.programme_id.in_(schemes))))
    gone = _gone_by_claim(latest_verifications([a.claim_id for a in approved])) if approved else {}
    out = {}
    for claim in scheme_claims:
        policy = deciding_policy(policies[(claim.owner_id, claim.programme_id)], claim.incident_date)
        earlier = _earlier(claim, policy, approved, gone) if policy is not None else {}
        out[claim.id] = {"insurance": None if policy is None else _facts(policy, earlier)}
    return out


def _gone_by_claim(verifications: dict) -> dict[int, dict[Species, int]]:
    out: dict[int, dict[Species, int]] = {}
    for claim_id, verification in verifications.items():
        counts: dict[Species, int] = defaultdict(int)
        for line in verification.lines:
            if line.outcome in GONE:
                counts[line.species] += line.count
        out[claim_id] = dict(counts)
    return out


def _earlier(claim: Claim, policy: Policy, approved, gone) -> dict[Species, int]:
    """Killed and missing head of the owner's approved claims with an earlier incident in the policy's season."""
    totals: dict[Species, int] = defaultdict(int)
    for a in approved:
        if (a.owner_id, a.programme_id) != (claim.owner_id, claim.programme_id) or a.claim_id == claim.id:
            continue
        if not policy.season.starts_on <= a.incident_date <= policy.season.ends_on:
            continue
        if (a.incident_date, a.claim_id) < (claim.incident_date, claim.id):
            for species, count in gone.get(a.claim_id, {}).items():
                totals[species] += count
    return dict(totals)


def _facts(policy: Policy, earlier: dict[Species, int]) -> PolicyFacts:
    return PolicyFacts(number=policy.number, season=policy.season.name, season_start=policy.season.starts_on,
                       season_end=policy.season.ends_on, cover_from=policy.cover_from, violation_on=policy.violation_on,
                       insured={ln.species: ln.head_count for ln in policy.lines}, earlier=earlier)
