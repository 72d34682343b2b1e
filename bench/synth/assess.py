"""The assessment of synthetic claims: the service's own steps over facts gathered from the generated rows.

:func:`payouts.assessment.steps` (what ``create_app`` registered) runs over :class:`payouts.engine.Facts` built
here from what the generator already holds, instead of reading every claim back (``payouts.facts`` answers for a
page of claims, not for a million): the programme's rules and rates as read through the models, the §5.5 finding
of :func:`mitigation.assessment.decide` and the §5.6 policy of :func:`insurance.coverage.deciding_policy`.
Approvals are remembered so that later claims see them, as the service's facts would.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bench.synth.owners import OwnerRow
from bench.synth.world import Programme
from claims.enums import AgeClass, Confidence, LossOutcome, Predator, Species, TimeOfDay
from insurance.coverage import GONE, deciding_policy
from insurance.step import PolicyFacts
from mitigation import assessment as mitigation
from payouts import breakdown
from payouts.assessment import steps
from payouts.engine import ZERO, Assessment, Circumstances, Facts, Loss, assess
from payouts.facts import rate_in_force


@dataclass(frozen=True)
class Line:
    species: Species
    age_class: AgeClass
    outcome: LossOutcome
    count: int


@dataclass
class Draft:
    """A claim as drawn, before any row is written: what its assessment depends on."""

    id: int
    owner: OwnerRow
    programme: Programme
    incident_date: date
    filed_date: date
    location: tuple[float, float]
    circumstances: Circumstances
    lines: list[Line]
    predator: Predator | None = None
    confidence: Confidence | None = None


@dataclass(frozen=True)
class Approved:
    claim_id: int
    incident_date: date
    total: Decimal
    gone: dict[Species, int]


class Assessor:
    """Assesses drafts with the app's steps and remembers approvals (in generation order)."""

    def __init__(self):
        self.steps = steps()
        self.approved: dict[tuple[int, int], list[Approved]] = defaultdict(list)  # (owner, programme) -> awards

    def assess(self, draft: Draft) -> Assessment:
        return assess(self.facts(draft), self.steps)

    def frozen(self, result: Assessment) -> dict:
        return breakdown.to_data(result)

    def approve(self, draft: Draft, total: Decimal) -> None:
        gone: dict[Species, int] = defaultdict(int)
        for line in draft.lines:
            if line.outcome in GONE:
                gone[line.species] += line.count
        self.approved[(draft.owner.id, draft.programme.id)].append(
            Approved(draft.id, draft.incident_date, total, dict(gone)))

    def facts(self, draft: Draft) -> Facts:
        programme = draft.programme
        losses = tuple(Loss(ln.species, ln.age_class, ln.outcome, ln.count,
                            rate_in_force(programme.rate_history.get((ln.species, ln.age_class), []),
                                          draft.incident_date))
                       for ln in draft.lines)
        return Facts(currency=programme.currency, rules=programme.rules, predator=draft.predator,
                     confidence=draft.confidence, circumstances=draft.circumstances, losses=losses,
                     incident_date=draft.incident_date, reported_date=draft.filed_date,
                     is_insurance=programme.is_insurance, location=draft.location,
                     in_exclusion_zone=programme.zone_test, prior_approved=self._prior(draft),
                     extra=self._extra(draft))

    def _prior(self, draft: Draft) -> Decimal:
        """What the household already had approved in the programme for the incident's calendar year."""
        year = draft.incident_date.year
        return sum((a.total for a in self.approved.get((draft.owner.id, draft.programme.id), ())
                    if a.incident_date.year == year and a.claim_id != draft.id), ZERO)

    def _extra(self, draft: Draft) -> dict:
        extra: dict = {"mitigation": self._mitigation(draft)}
        if draft.programme.is_insurance:
            extra["insurance"] = self._policy(draft)
        return extra

    def _mitigation(self, draft: Draft) -> mitigation.MitigationFinding:
        owner, c = draft.owner, draft.circumstances
        active = [m for m in owner.measures
                  if mitigation.active_on(m, draft.incident_date, owner.inspections.get(m.id, []))]
        return mitigation.decide(mitigation.Circumstances(TimeOfDay(c.time_of_day), c.is_in_corral,
                                                          c.is_herder_present, c.is_guard_dog_present), active)

    def _policy(self, draft: Draft) -> PolicyFacts | None:
        policy = deciding_policy(draft.owner.policies, draft.incident_date)
        if policy is None:
            return None
        season = policy.season
        return PolicyFacts(number=policy.number, season=season.name, season_start=season.starts_on,
                           season_end=season.ends_on, cover_from=policy.cover_from, violation_on=policy.violation_on,
                           insured=draft.owner.insured_head, earlier=self._earlier(draft, season))

    def _earlier(self, draft: Draft, season) -> dict[Species, int]:
        """Killed and missing head of the owner's approved claims with an earlier incident in the season."""
        totals: dict[Species, int] = defaultdict(int)
        for a in self.approved.get((draft.owner.id, draft.programme.id), ()):
            if (season.starts_on <= a.incident_date <= season.ends_on
                    and (a.incident_date, a.claim_id) < (draft.incident_date, draft.id)):
                for species, count in a.gone.items():
                    totals[species] += count
        return dict(totals)
