"""The reports as CSV: the same rows as the pages and the API, one flat line per row."""

from __future__ import annotations

import csv
import io

from flask import Response

from conflict_service.spreadsheets import safe_cell
from oversight.reports import DEADLINE_STEPS, DIMENSIONS

STEP_FIELDS = ("count", "median", "p90", "within", "open_late", "share_within", "limit")
NAMED = ("region", "office", "programme")


def payout_columns(group_by: list[str]) -> list[str]:
    cols = []
    for dim in (d for d in DIMENSIONS if d in group_by):
        cols += [dim, f"{dim}_name"] if dim in NAMED else [dim]
    return [*cols, "currency", "claims", "amount"]


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
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def response(name: str, columns: list[str], rows: list[dict]) -> Response:
    return Response(text(columns, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"', "Cache-Control": "no-store"})
