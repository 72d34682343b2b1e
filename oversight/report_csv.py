"""The reports as CSV: the same rows as the pages and the API, one flat line per row."""

from __future__ import annotations

from flask import Response

from conflict_service.spreadsheets import csv_response, csv_text
from oversight.reports import DEADLINE_STEPS, DIMENSIONS

STEP_FIELDS = ("count", "median", "p90", "within", "open_late", "share_within", "limit")
NAMED = ("region", "office", "programme")


def payout_columns(group_by: list[str], payments: str = "compensation") -> list[str]:
    cols = []
    for dim in (d for d in DIMENSIONS if d in group_by):
        cols += [dim, f"{dim}_name"] if dim in NAMED else [dim]
    return [*cols, "currency", "periods" if payments == "performance" else "claims", "amount"]


def deadline_columns(group_by: list[str]) -> list[str]:
    cols = ["programme", "programme_name"]
    cols += [c for g in ("region", "month") if g in group_by for c in ((g, f"{g}_name") if g == "region" else (g,))]
    return cols + [f"{step}_{name}" for step in DEADLINE_STEPS for name in STEP_FIELDS]


def flat_deadline(row: dict) -> dict:
    out = {k: v for k, v in row.items() if k not in DEADLINE_STEPS}
    for step in DEADLINE_STEPS:
        out |= {f"{step}_{name}": row[step][name] for name in STEP_FIELDS}
    return out


LIABILITY_COLUMNS = ["programme", "programme_name", "currency", "claims", "amount", "oldest"]


def text(columns: list[str], rows: list[dict]) -> str:
    return csv_text(([row.get(c) for c in columns] for row in rows), columns)


def response(name: str, columns: list[str], rows: list[dict], *, bom: bool = False) -> Response:
    return csv_response(text(columns, rows), f"{name}.csv", no_store=True, bom=bom)
