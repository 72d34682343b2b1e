"""Cells of CSV and XLSX files people open in a spreadsheet program, and the one way to build a CSV download."""

from __future__ import annotations

import csv
import io
import re

from flask import Response

# Excel reads a CSV file as UTF-8 (Persian, Arabic, Armenian names) only when it starts with this mark; other
# programs and scripts do not need it, so it is offered (``bom``), not imposed.
BOM = "\ufeff"
CSV_MEDIA = "text/csv; charset=utf-8"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
# What a bank or mobile-money operator reads in an account column: a phone (+98 915 555 0101) or an account number.
_ACCOUNT = re.compile(r"\+?[0-9][0-9 ]*|[A-Za-z0-9][A-Za-z0-9 /.-]*")


def safe_cell(value):
    """Text that a spreadsheet program would run as a formula (names, villages and notes come from users) gets a
    leading apostrophe; numbers, including negative ones written as text, and everything else stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_account(value):
    """An account number or phone as the bank reads it; anything else (a formula typed or imported as an account)
    is guarded like any other text cell."""
    if value is None or (isinstance(value, str) and _ACCOUNT.fullmatch(value)):
        return value
    return safe_cell(value) if isinstance(value, str) and value.startswith(FORMULA_START) else value


def csv_text(rows, header=None, *, line_end: str = "\r\n", safe: bool = True) -> str:
    """Rows (sequences of cells) as CSV text, after an optional header line. ``safe`` passes every cell through
    :func:`safe_cell`; a caller whose columns need other treatment makes the cells safe itself."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_end)
    if header is not None:
        writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row] if safe else row)
    return buffer.getvalue()


def csv_response(text: str, filename: str, *, no_store: bool = False, bom: bool = False) -> Response:
    """A CSV file to download: UTF-8 ``text/csv``, saved as ``filename``; ``no_store`` when it holds what only the
    signed-in reader may see and must not be kept by a cache; ``bom`` for Excel (see :data:`BOM`)."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if no_store:
        headers["Cache-Control"] = "no-store"
    return Response(BOM + text if bom else text, content_type=CSV_MEDIA, headers=headers)
