"""Cells of CSV and XLSX files people open in a spreadsheet program."""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def safe_cell(value):
    """Text that a spreadsheet program would run as a formula (names, villages and notes come from users) gets a
    leading apostrophe; numbers, including negative ones written as text, and everything else stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value
