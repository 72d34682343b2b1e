"""What a contract period is worth (DESIGN §13), step by step like a claim's assessment (DESIGN §5).

A pure function of the contract's terms and the period's evidence, so the same steps run for the page, the API,
the printed statement and the approval that freezes them:

1. Units: verified leopard detections per deployment-month (a deployment-month is 30 camera-days; units are
   detections × 30 ÷ camera-days, to two decimals, half up), verified reproductions (distinct young individuals;
   young leopards seen without an individual count together as one), or one unit for a period without
   retaliation.
2. Fallback: when the camera monitoring failed (no camera ran in the period, or one that ran stopped early or
   started late by more than ``GRACE_DAYS``), the units are the average of the last N verified periods (to two
   decimals, half up), or nothing, as the contract says; the breakdown says which.
3. Base: units × rate per unit.
4. Cap: at most the contract's cap per period.
5. Forfeits: a retaliation killing or a confirmed poaching violation recorded in the community's area during the
   period cancels the payment, or cuts it by the contract's percentage (once, however many there were).
6. Rounding, once, half up, to the currency's minor unit.

Amounts stay exact ``Decimal`` until step 6. Members' shares (:func:`split`) then divide the rounded total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from conflict_service.i18n import currency_precision, round_money
from performance.enums import Distribution, Fallback, Forfeiture, Indicator

CAMERA_DAYS_PER_MONTH = 30
GRACE_DAYS = 7
UNIT_QUANTUM = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Terms:
    indicator: Indicator
    rate: Decimal
    cap: Decimal | None
    forfeiture: Forfeiture
    forfeit_pct: Decimal
    fallback: Fallback
    fallback_periods: int
    currency: str


@dataclass(frozen=True)
class Forfeit:
    kind: str  # "retaliation" (a leopard killed or poisoned) or "poaching" (a confirmed violation)
    on: date
    reference: str  # "#12" of the freeze, or the policy's number


@dataclass(frozen=True)
class Evidence:
    detections: int = 0  # verified leopard detections in the period
    camera_days: Decimal = Decimal(0)  # days the linked cameras ran inside the period
    young: int = 0  # verified reproductions
    failed_deployments: tuple[str, ...] = ()  # deployments that did not run the period
    forfeits: tuple[Forfeit, ...] = ()
    history: tuple[Decimal, ...] = ()  # units of the earlier verified (not fallback) periods, latest last

    def monitoring_failed(self, indicator: Indicator) -> bool:
        return indicator.needs_cameras and (bool(self.failed_deployments) or self.camera_days <= 0)


@dataclass
class Assessment:
    units: Decimal
    total: Decimal
    is_fallback: bool
    monitoring_failed: bool
    lines: list[dict] = field(default_factory=list)

    def to_data(self) -> dict:
        return {"units": str(self.units), "total": str(self.total), "is_fallback": self.is_fallback,
                "monitoring_failed": self.monitoring_failed, "lines": self.lines}


def _line(step: str, code: str, amount, **params) -> dict:
    return {"step": step, "code": code, "amount": None if amount is None else str(amount),
            "params": {k: str(v) if isinstance(v, Decimal) else v for k, v in params.items()}}


def measured_units(terms: Terms, evidence: Evidence) -> Decimal:
    if terms.indicator == Indicator.DETECTIONS:
        if evidence.camera_days <= 0:
            return Decimal(0)
        return (Decimal(evidence.detections) * CAMERA_DAYS_PER_MONTH / Decimal(evidence.camera_days)).quantize(
            UNIT_QUANTUM, rounding=ROUND_HALF_UP)
    if terms.indicator == Indicator.REPRODUCTIONS:
        return Decimal(evidence.young)
    return Decimal(1)


def assess(terms: Terms, evidence: Evidence) -> Assessment:
    lines: list[dict] = []
    failed = evidence.monitoring_failed(terms.indicator)
    is_fallback = False
    if failed:
        lines.append(_line("units", "monitoring_failed", None, deployments=list(evidence.failed_deployments)))
        history = list(evidence.history)[-terms.fallback_periods:]
        if terms.fallback == Fallback.AVERAGE and history:
            units = (sum(history, Decimal(0)) / len(history)).quantize(UNIT_QUANTUM, rounding=ROUND_HALF_UP)
            lines.append(_line("fallback", "average", units, units=units, periods=len(history)))
            is_fallback = True
        else:
            units = Decimal(0)
            code = "nothing" if terms.fallback == Fallback.NOTHING else "no_history"
            lines.append(_line("fallback", code, units))
    else:
        units = measured_units(terms, evidence)
        if terms.indicator == Indicator.DETECTIONS:
            lines.append(_line("units", "detections", units, units=units, detections=evidence.detections,
                               camera_days=Decimal(evidence.camera_days)))
        elif terms.indicator == Indicator.REPRODUCTIONS:
            lines.append(_line("units", "reproductions", units, units=units))
        else:
            lines.append(_line("units", "no_retaliation", units))
    amount = units * terms.rate
    lines.append(_line("base", "units_times_rate", amount, units=units, rate=terms.rate))
    if terms.cap is not None and amount > terms.cap:
        amount = terms.cap
        lines.append(_line("cap", "capped", amount, cap=terms.cap))
    if evidence.forfeits:
        events = [{"kind": f.kind, "on": f.on.isoformat(), "reference": f.reference} for f in evidence.forfeits]
        if terms.forfeiture == Forfeiture.CANCEL:
            amount = Decimal(0)
            lines.append(_line("forfeit", "cancelled", amount, events=events))
        else:
            amount = amount * (HUNDRED - terms.forfeit_pct) / HUNDRED
            lines.append(_line("forfeit", "cut", amount, pct=terms.forfeit_pct, events=events))
    total = round_money(amount, terms.currency)
    lines.append(_line("rounding", "rounded", total, currency=terms.currency))
    return Assessment(units=units, total=total, is_fallback=is_fallback, monitoring_failed=failed, lines=lines)


def split(total: Decimal, weights: list[tuple[int, Decimal]], currency: str) -> list[tuple[int, Decimal]]:
    """Divide ``total`` among members ``[(owner_id, weight)]`` so that the shares sum to it exactly.

    Each share is first its exact part rounded down to the currency's minor unit; the minor units left over go one
    each to the members with the largest remainders, ties to the lower owner number (largest-remainder method).
    A member with weight 0 gets nothing; if every weight is 0 the shares are equal.
    """
    if not weights:
        return []
    if all(w <= 0 for _, w in weights):
        weights = [(owner, Decimal(1)) for owner, _ in weights]
    whole = sum((w for _, w in weights), Decimal(0))
    quantum = Decimal(1).scaleb(-currency_precision(currency))
    exact = [(owner, total * w / whole) for owner, w in weights]
    shares = {owner: part.quantize(quantum, rounding=ROUND_DOWN) for owner, part in exact}
    left = int((total - sum(shares.values(), Decimal(0))) / quantum)
    order = sorted(exact, key=lambda item: (-(item[1] - shares[item[0]]), item[0]))
    for owner, _ in order[:left]:
        shares[owner] += quantum
    return [(owner, shares[owner]) for owner, _ in weights]


def weights_for(distribution: Distribution, members: list) -> list[tuple[int, Decimal]]:
    """Members' weights: equal, or their recorded herd (head of every species counted)."""
    if distribution == Distribution.HERD_WEIGHTED:
        return [(m.id, Decimal(sum(h.head_count for h in m.herd))) for m in members]
    return [(m.id, Decimal(1)) for m in members]
