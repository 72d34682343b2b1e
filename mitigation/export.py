"""The effectiveness report as CSV (the same rows as the page and the API)."""

from __future__ import annotations

from flask import Response

from conflict_service.spreadsheets import csv_response, csv_text
from mitigation.stats import MIN_EVENTS, MIN_HOUSEHOLD_YEARS

COLUMNS = ["region_code", "region", "measure_kind", "adopters", "non_adopters", "reference_date",
           "adopters_before_events", "adopters_before_household_years", "adopters_after_events",
           "adopters_after_household_years", "non_adopters_before_events", "non_adopters_before_household_years",
           "non_adopters_after_events", "non_adopters_after_household_years", "adopters_rate_ratio",
           "non_adopters_rate_ratio", "ratio_of_rate_ratios", "ci95_low", "ci95_high", "continuity_corrected",
           "small_sample", "verdict", "range_start", "range_end", "window_months", "predators", "time_of_day",
           "min_events", "min_household_years"]


def _num(value, digits=4):
    return "" if value is None else f"{value:.{digits}f}"


def _cells(row) -> list:
    out = []
    for cell in (row.adopters_before, row.adopters_after, row.others_before, row.others_after):
        out += [cell.events, _num(cell.household_years, 2)]
    return out


def _params(report) -> list:
    p = report.params
    return [report.start.isoformat(), report.end.isoformat(), p.window_months, "+".join(x.value for x in p.predators),
            p.time_of_day.value if p.time_of_day else "any", MIN_EVENTS, f"{MIN_HOUSEHOLD_YEARS:g}"]


def _row(row, report) -> list:
    est = row.estimate
    return [row.region.code, row.region.name, row.kind.value, row.adopters, row.others, row.reference_on.isoformat(),
            *_cells(row), _num(est.adopters_ratio), _num(est.others_ratio), _num(est.ratio), _num(est.low),
            _num(est.high), str(est.is_corrected).lower(), str(est.is_small_sample).lower(), est.verdict,
            *_params(report)]


def report_csv(report) -> str:
    return csv_text((_row(row, report) for row in report.rows), COLUMNS)


def report_response(report, *, bom: bool = False) -> Response:
    return csv_response(report_csv(report), "mitigation-effectiveness.csv", bom=bom)
