"""DESIGN §5.6 as an assessment step: the policy check of an insurance scheme, then coverage and deductible.

Pure, like the rest of the engine: it reads the :class:`PolicyFacts` that ``insurance.coverage`` gathered
into ``Facts.extra["insurance"]`` (None: the owner has no policy of the scheme at all).

How losses are counted against the insured head: a claim's loss of a species is every verified head of that
species in it — killed, injured and missing — because an injured animal is a loss the scheme pays for. Earlier
claims under the same policy (approved ones, with an earlier incident in the season) reduce what is left insured
by their killed and missing head only: those animals are gone from the herd, while injured ones are still in it.
The loss is covered only if it fits in what is left; a larger loss is not payable (the scheme insures a count,
not a share of the herd). A poaching violation ends cover from its date: a loss on or after it is not covered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as L_

from claims.enums import Species
from payouts.engine import ZERO, Running

LINE_TEXT = {  # registered with payouts.breakdown.register_texts by insurance.init_app
    "insurance_no_policy": L_("No policy: the owner is not enrolled in this scheme for a season covering {date}"),
    "insurance_not_started": L_("Policy {policy} ({season}) covers losses from {start}; the incident on {date} "
                                "happened before its cover started"),
    "insurance_expired": L_("Policy {policy} ({season}) expired on {end}; the incident on {date} happened after it"),
    "insurance_violation": L_("Poaching violation on {since}: the cover of policy {policy} ended that day, before "
                              "the incident on {date}"),
    "insurance_species_not_insured": L_("{species} is not insured under policy {policy}"),
    "insurance_count_exceeded": L_("{lost} × {species} lost, larger than the insured count: policy {policy} insures "
                                   "{insured}, {left} left after earlier losses this season"),
    "insurance_active": L_("Policy {policy} ({season}) covers the incident on {date}: cover from {start} to {end}, "
                           "no poaching violation"),
    "insurance_species_covered": L_("{lost} × {species} lost, within the insured count: {insured} insured, "
                                    "{left} left after earlier losses this season"),
    "insurance_coverage": L_("Share of the assessed loss the scheme pays: {pct}"),
    "insurance_deductible": L_("Less the deductible of {deductible}, not below zero"),
}
REASON_TEXT = {
    "not_insured": L_("The owner had no active policy covering this loss: see the insurance lines for the check "
                      "that failed."),
}


@dataclass(frozen=True)
class PolicyFacts:
    """The owner's policy that decides the claim: the one whose season holds the incident date, else the nearest."""

    number: str
    season: str
    season_start: date
    season_end: date
    cover_from: date
    violation_on: date | None = None
    insured: Mapping[Species, int] = field(default_factory=dict)
    earlier: Mapping[Species, int] = field(default_factory=dict)  # killed + missing head of earlier approved claims


def lost_by_species(losses) -> dict[Species, int]:
    out: dict[Species, int] = {}
    for loss in losses:
        out[loss.species] = out.get(loss.species, 0) + loss.count
    return out


def cover_problems(policy: PolicyFacts | None, day: date) -> list[tuple[str, dict]]:
    """Why the policy does not cover a loss on ``day`` (empty: it does)."""
    if policy is None:
        return [("insurance_no_policy", {"date": day})]
    params = {"policy": policy.number, "season": policy.season, "date": day}
    if day < policy.cover_from:
        return [("insurance_not_started", params | {"start": policy.cover_from})]
    if day > policy.season_end:
        return [("insurance_expired", params | {"end": policy.season_end})]
    if policy.violation_on is not None and policy.violation_on <= day:
        return [("insurance_violation", params | {"since": policy.violation_on})]
    return []


def species_problems(policy: PolicyFacts, lost: dict[Species, int]) -> tuple[list, list]:
    """Per species: lines for what is covered, and lines for what is not."""
    covered, problems = [], []
    for species, count in sorted(lost.items()):
        insured = policy.insured.get(species, 0)
        left = max(insured - policy.earlier.get(species, 0), 0)
        params = {"policy": policy.number, "species": species, "lost": count, "insured": insured, "left": left}
        if insured == 0:
            problems.append(("insurance_species_not_insured", params))
        elif count > left:
            problems.append(("insurance_count_exceeded", params))
        else:
            covered.append(("insurance_species_covered", params))
    return covered, problems


def insurance(state: Running) -> None:
    """§5.6: an active policy insuring the lost head and no poaching violation; then × coverage, less deductible."""
    f = state.facts
    if not f.is_insurance:
        return  # compensation programmes pay what the earlier steps found
    policy = f.extra.get("insurance")
    problems = cover_problems(policy, f.incident_date)
    covered: list = []
    if policy is not None:
        covered, by_species = species_problems(policy, lost_by_species(f.losses))
        problems += by_species
    if problems:
        for code, params in problems:
            state.info("insurance", code, **params)
        state.refuse("not_insured")
        return
    state.info("insurance", "insurance_active", policy=policy.number, season=policy.season, date=f.incident_date,
               start=policy.cover_from, end=policy.season_end)
    for code, params in covered:
        state.info("insurance", code, **params)
    state.scale("insurance", "insurance_coverage", f.rules.coverage_pct)
    deductible = f.rules.deductible
    if deductible > ZERO:
        state.amount = max(state.amount - deductible, ZERO)
        state.note("insurance", "insurance_deductible", deductible=deductible)
