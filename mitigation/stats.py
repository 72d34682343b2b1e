"""Difference in differences for loss rates: a ratio of rate ratios with a 95% interval from Poisson counts.

Adopters' rate after installation over their rate before, divided by the same ratio for the households of the
same region that did not adopt, over the same calendar periods. Below 1: adopters' losses fell more (or rose
less) than their neighbours'. The interval is computed on the log scale with standard error
sqrt(1/a + 1/b + 1/c + 1/d) over the four event counts (each count treated as Poisson).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution
# Below these, a row says "small sample" instead of claiming an effect (stated on the page and in the README).
MIN_EVENTS = 10
MIN_HOUSEHOLD_YEARS = 20.0
# Added to each of the four counts when one of them is zero, so the ratio and its interval exist.
CONTINUITY = 0.5


@dataclass(frozen=True)
class Cell:
    """Loss events and household-years of exposure in one group and period."""

    events: int
    household_years: float

    @property
    def rate(self) -> float | None:
        """Losses per household-year."""
        return self.events / self.household_years if self.household_years > 0 else None


@dataclass(frozen=True)
class Estimate:
    ratio: float | None
    low: float | None
    high: float | None
    adopters_ratio: float | None
    others_ratio: float | None
    is_small_sample: bool
    is_corrected: bool

    @property
    def verdict(self) -> str:
        """``small_sample``, ``fewer`` (interval below 1), ``more`` (above 1) or ``unclear`` (includes 1)."""
        if self.is_small_sample or self.ratio is None:
            return "small_sample"
        if self.high < 1:
            return "fewer"
        if self.low > 1:
            return "more"
        return "unclear"

    @property
    def change_pct(self) -> float | None:
        """The estimated change in adopters' losses relative to non-adopters, in percent (-80 = 80 % fewer)."""
        return None if self.ratio is None else (self.ratio - 1) * 100


def _ratio(after: Cell, before: Cell) -> float | None:
    if not (after.rate is not None and before.rate):
        return None
    return after.rate / before.rate


def is_small(cells: tuple[Cell, ...]) -> bool:
    return any(c.events < MIN_EVENTS or c.household_years < MIN_HOUSEHOLD_YEARS for c in cells)


def difference_in_differences(adopters_before: Cell, adopters_after: Cell, others_before: Cell,
                              others_after: Cell) -> Estimate:
    """The ratio of rate ratios (adopters after/before ÷ others after/before) with its 95 % interval."""
    cells = (adopters_after, adopters_before, others_after, others_before)
    small = is_small(cells)
    raw = (_ratio(adopters_after, adopters_before), _ratio(others_after, others_before))
    if any(c.household_years <= 0 for c in cells):
        return Estimate(None, None, None, *raw, is_small_sample=True, is_corrected=False)
    corrected = any(c.events == 0 for c in cells)
    counts = [c.events + (CONTINUITY if corrected else 0) for c in cells]
    a1, a0, c1, c0 = counts
    e_a1, e_a0, e_c1, e_c0 = (c.household_years for c in cells)
    log_ratio = math.log((a1 / e_a1) / (a0 / e_a0)) - math.log((c1 / e_c1) / (c0 / e_c0))
    se = math.sqrt(sum(1 / n for n in counts))
    return Estimate(math.exp(log_ratio), math.exp(log_ratio - Z95 * se), math.exp(log_ratio + Z95 * se), *raw,
                    is_small_sample=small, is_corrected=corrected)
