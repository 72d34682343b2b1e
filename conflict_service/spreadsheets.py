"""Cells of CSV and XLSX files people open in a spreadsheet program."""

from __future__ import annotations

import re

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
