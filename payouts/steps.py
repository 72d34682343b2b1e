"""The rules of DESIGN §5 as assessment steps, in the order the design gives them.

§5.5 (mitigation) reads the finding of the mitigation module (below payouts in the layers). §5.6
(insurance) is a placeholder here: the insurance package (above payouts) replaces it from its ``init_app`` with
``insurance.step.insurance`` (the policy check of a scheme's claims, then coverage and deductible).
"""

from __future__ import annotations

from decimal import Decimal

from claims.enums import LossOutcome
from conflict_service.i18n import currency_precision, round_money
from mitigation.enums import MitigationCase
from payouts.engine import HUNDRED, ZERO, Running, Step

HALF = Decimal(50)


def coverage(state: Running) -> None:
    """§5.1: the attributed predator is covered, with at least the programme's minimum confidence."""
    f, rules = state.facts, state.facts.rules
    params = {"predator": f.predator, "confidence": f.confidence, "min_confidence": rules.min_confidence,
              "covered": sorted(rules.covered_predators)}
    if f.predator in rules.covered_predators and f.confidence.rank >= rules.min_confidence.rank:
        state.info("coverage", "covered", **params)
    else:
        state.info("coverage", "not_covered", **params)
        state.refuse("not_covered")


def base(state: Running) -> None:
    """§5.2: rate in force × count × the share paid for the outcome, per verified line."""
    rules, total = state.facts.rules, ZERO
    share = {LossOutcome.KILLED: HUNDRED, LossOutcome.INJURED: rules.injured_pct,
             LossOutcome.MISSING: rules.missing_pct}
    for loss in state.facts.losses:
        params = {"count": loss.count, "species": loss.species, "age_class": loss.age_class, "outcome": loss.outcome}
        if loss.rate is None:
            state.info("base", "no_rate", date=state.facts.incident_date, **params)
            state.refuse("no_rate")
            continue
        subtotal = loss.rate * loss.count * share[loss.outcome] / HUNDRED
        total += subtotal
        state.note("base", f"base_{loss.outcome.value}", subtotal, rate=loss.rate, pct=share[loss.outcome], **params)
    state.amount = total
    state.note("base", "base_total")


def late_report(state: Running) -> None:
    """§5.3: days from the incident to the owner's report (the filing, or an earlier report the clerk recorded): on
    time unchanged; up to twice the deadline halved; later not payable."""
    f = state.facts
    days, deadline = (f.reported_date - f.incident_date).days, f.rules.report_deadline_days
    if days <= deadline:
        state.note("late_report", "on_time", days=days, deadline=deadline)
    elif days <= 2 * deadline:
        state.scale("late_report", "late_half", HALF, days=days, deadline=deadline, limit=2 * deadline)
    else:
        state.note("late_report", "too_late", days=days, limit=2 * deadline)
        state.refuse("late_report")


def husbandry(state: Running) -> None:
    """§5.4: a night-time loss outside a corral, with no herder and no guard dog present, is reduced."""
    if state.facts.circumstances.is_unguarded_night:
        state.scale("husbandry", "unguarded_night", HUNDRED - state.facts.rules.negligence_pct,
                    negligence=state.facts.rules.negligence_pct)
    else:
        state.note("husbandry", "guarded")


def mitigation(state: Running) -> None:
    """§5.5: a night loss outside the owner's working predator-proof corral is reduced; a measure in use at
    the loss earns the bonus (the finding comes from the mitigation module, in ``Facts.extra``)."""
    finding, rules = state.facts.extra.get("mitigation"), state.facts.rules
    if finding is None:
        return
    kinds = [m.kind.value for m in (finding.measures or finding.active)]
    if finding.case == MitigationCase.NONCOMPLIANCE:
        since = min(m.installed_on for m in finding.measures)
        state.scale("mitigation", "mitigation_noncompliance", HUNDRED - rules.noncompliance_pct,
                    measures=kinds, since=since, noncompliance=rules.noncompliance_pct)
    elif finding.case == MitigationCase.BONUS:
        state.scale("mitigation", "mitigation_bonus", HUNDRED + rules.mitigation_bonus_pct, measures=kinds,
                    bonus=rules.mitigation_bonus_pct)
    elif finding.active:
        state.note("mitigation", "mitigation_not_in_use", measures=kinds)
    else:
        state.note("mitigation", "mitigation_none")


def insurance(state: Running) -> None:
    """§5.6: nothing here; ``insurance.init_app`` puts the policy check of its schemes in this place."""


def place(state: Running) -> None:
    """§5.7: an incident inside one of the programme's exclusion zones is not payable."""
    f = state.facts
    if f.in_exclusion_zone is None:
        return
    if f.location is None:
        state.note("place", "place_unknown")
    elif f.in_exclusion_zone(*f.location):
        state.note("place", "excluded_zone")
        state.refuse("excluded_zone")
    else:
        state.note("place", "outside_zones")


def household_cap(state: Running) -> None:
    """§5.8: at most the annual cap less what the household already had approved this year."""
    cap, prior = state.facts.rules.household_annual_cap, state.facts.prior_approved
    if cap is None:
        return
    remaining = max(cap - prior, ZERO)
    params = {"cap": cap, "prior": prior, "year": state.facts.programme_year or str(state.facts.incident_date.year)}
    if state.amount > remaining:
        state.amount = remaining
        state.note("household_cap", "cap_limited", remaining=remaining, **params)
    else:
        state.note("household_cap", "cap_within", **params)
    if remaining == ZERO:
        state.refuse("household_cap_reached")


def rounding(state: Running) -> None:
    """§5.9: round once, half up, to the currency's minor unit; nothing left means nothing to pay."""
    currency = state.facts.currency
    state.amount = round_money(state.amount, currency)
    state.note("rounding", "rounded", digits=currency_precision(currency), currency=currency)
    if state.amount == ZERO and not state.reasons:
        state.refuse("nothing_payable")


DEFAULT_STEPS: tuple[tuple[str, Step], ...] = (
    ("coverage", coverage),
    ("base", base),
    ("late_report", late_report),
    ("husbandry", husbandry),
    ("mitigation", mitigation),
    ("insurance", insurance),
    ("place", place),
    ("household_cap", household_cap),
    ("rounding", rounding),
)
