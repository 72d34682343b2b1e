"""The assessment engine (DESIGN §5): pure functions over plain data, no database and no Flask.

:func:`assess` runs an ordered list of named steps over a :class:`Running` state. Each step reads the
:class:`Facts`, may scale or limit the running amount, adds lines to the breakdown and may mark the claim
not payable with a reason code. Higher modules replace a named step (``mitigation``, ``insurance``) with
:func:`with_step` instead of editing this list, and bring the facts they need in ``Facts.extra``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from claims.circumstances import Circumstances
from claims.enums import AgeClass, Confidence, LossOutcome, Predator, Species

HUNDRED = Decimal(100)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Rules:
    """The programme's rules used by the assessment (percentages as numbers: 25 means 25 %)."""

    covered_predators: frozenset[Predator]
    min_confidence: Confidence = Confidence.PROBABLE
    report_deadline_days: int = 3
    injured_pct: Decimal = Decimal(30)
    missing_pct: Decimal = ZERO
    negligence_pct: Decimal = Decimal(25)
    noncompliance_pct: Decimal = Decimal(50)
    mitigation_bonus_pct: Decimal = Decimal(10)
    coverage_pct: Decimal = Decimal(80)
    deductible: Decimal = ZERO
    household_annual_cap: Decimal | None = None


@dataclass(frozen=True)
class Loss:
    """A verified loss line with the rate in force on the incident date (None: no rate)."""

    species: Species
    age_class: AgeClass
    outcome: LossOutcome
    count: int
    rate: Decimal | None


@dataclass(frozen=True)
class Facts:
    """Everything one claim's assessment depends on, gathered beforehand (see ``payouts.facts``)."""

    currency: str
    rules: Rules
    predator: Predator
    confidence: Confidence
    circumstances: Circumstances
    losses: tuple[Loss, ...]
    incident_date: date
    reported_date: date  # the office's day the owner reported the loss (DESIGN §5.3), at or before filing
    is_insurance: bool = False
    location: tuple[float, float] | None = None  # (lat, lon)
    in_exclusion_zone: Callable[[float, float], bool] | None = None  # None: the programme has no zones
    prior_approved: Decimal = ZERO
    programme_year: str | None = None  # the programme year of the incident, in its calendar ("1405", "2026")
    extra: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Line:
    """One step of the breakdown: a message code with its parameters, and the amount after the step."""

    step: str
    code: str
    amount: Decimal | None
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Assessment:
    currency: str
    payable: bool
    total: Decimal
    lines: tuple[Line, ...]
    reasons: tuple[str, ...]


@dataclass
class Running:
    """The working state handed from step to step."""

    facts: Facts
    amount: Decimal = ZERO
    lines: list[Line] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def note(self, step: str, code: str, amount: Decimal | None = None, **params) -> None:
        self.lines.append(Line(step, code, self.amount if amount is None else amount, params))

    def info(self, step: str, code: str, **params) -> None:
        """A line that explains without an amount (coverage, a missing rate)."""
        self.lines.append(Line(step, code, None, params))

    def scale(self, step: str, code: str, pct: Decimal, **params) -> None:
        """Multiply what is left by ``pct`` percent, exactly, and say so."""
        self.amount = self.amount * pct / HUNDRED
        self.note(step, code, pct=pct, **params)

    def refuse(self, reason: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)


Step = Callable[[Running], None]


def with_step(steps: tuple[tuple[str, Step], ...], name: str, fn: Step) -> tuple[tuple[str, Step], ...]:
    """The same steps with the one called ``name`` replaced by ``fn`` (its place in the order is kept)."""
    if name not in {n for n, _ in steps}:
        raise KeyError(f"no assessment step named {name!r}")
    return tuple((n, fn if n == name else f) for n, f in steps)


def assess(facts: Facts, steps: tuple[tuple[str, Step], ...]) -> Assessment:
    """Run every step; a claim with any reason is not payable and its total is zero."""
    state = Running(facts)
    for _name, step in steps:
        step(state)
    payable = not state.reasons
    total = state.amount if payable else ZERO
    return Assessment(facts.currency, payable, total, tuple(state.lines), tuple(state.reasons))
