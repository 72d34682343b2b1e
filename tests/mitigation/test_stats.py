"""The ratio of rate ratios and its interval, worked out by hand."""

import math

import pytest

from mitigation.stats import Cell, difference_in_differences


def test_ratio_and_interval_by_hand():
    # adopters: 200 losses in 400 household-years before, 40 in 400 after; others: 200 and 200 in 400 each.
    est = difference_in_differences(Cell(200, 400), Cell(40, 400), Cell(200, 400), Cell(200, 400))
    assert est.ratio == pytest.approx(0.2)
    # standard error on the log scale: sqrt(1/40 + 1/200 + 1/200 + 1/200) = sqrt(0.04) = 0.2
    assert est.low == pytest.approx(0.2 * math.exp(-1.959964 * 0.2), rel=1e-6)  # 0.13514
    assert est.high == pytest.approx(0.2 * math.exp(1.959964 * 0.2), rel=1e-6)  # 0.29598
    assert round(est.low, 4) == 0.1351 and round(est.high, 4) == 0.296
    assert est.adopters_ratio == pytest.approx(0.2) and est.others_ratio == pytest.approx(1.0)
    assert est.verdict == "fewer" and est.change_pct == pytest.approx(-80)


def test_exposure_enters_the_rates():
    # adopters 50 losses in 100 hh-years before, 30 in 60 after (the same rate, 0.5); others double: 20/100 → 40/100
    est = difference_in_differences(Cell(50, 100), Cell(30, 60), Cell(20, 100), Cell(40, 100))
    assert est.adopters_ratio == pytest.approx(1.0) and est.others_ratio == pytest.approx(2.0)
    assert est.ratio == pytest.approx(0.5)
    se = math.sqrt(1 / 50 + 1 / 30 + 1 / 20 + 1 / 40)
    assert est.high == pytest.approx(0.5 * math.exp(1.959964 * se), rel=1e-6)
    # 0.5 (0.25 to 1.01): half the losses is the best guess, but the interval still includes 1
    assert round(est.low, 2) == 0.25 and round(est.high, 2) == 1.01 and est.verdict == "unclear"


def test_zero_count_gets_the_stated_correction_and_is_a_small_sample():
    est = difference_in_differences(Cell(30, 100), Cell(0, 100), Cell(30, 100), Cell(30, 100))
    assert est.is_corrected and est.is_small_sample and est.verdict == "small_sample"
    assert est.ratio == pytest.approx(0.5 / 30.5)  # every count + 0.5
    assert est.adopters_ratio == 0.0


def test_small_sample_thresholds():
    enough = difference_in_differences(Cell(10, 20), Cell(10, 20), Cell(10, 20), Cell(10, 20))
    assert not enough.is_small_sample and enough.verdict == "unclear"
    few_events = difference_in_differences(Cell(9, 20), Cell(10, 20), Cell(10, 20), Cell(10, 20))
    few_years = difference_in_differences(Cell(10, 19.9), Cell(10, 20), Cell(10, 20), Cell(10, 20))
    assert few_events.verdict == few_years.verdict == "small_sample"


def test_no_exposure_gives_no_ratio():
    est = difference_in_differences(Cell(0, 0), Cell(10, 50), Cell(10, 50), Cell(10, 50))
    assert est.ratio is None and est.low is None and est.verdict == "small_sample"
