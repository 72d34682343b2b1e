"""Do the business tables agree with their audit events? Packages register checks (a payment's amount and state,
an approved amount...): a row changed in the database without an event, or against it, is named.

A check is ``fn() -> list[Mismatch]``; ``create_app`` registers them with :func:`register`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

EXTENSION = "audit_consistency"


@dataclass(frozen=True)
class Mismatch:
    problem: str  # English, for the CLI and the stored check, like the chain's problems
    seq: int | None = None  # the audit event that disagrees, if there is one


def register(app, check: Callable[[], list[Mismatch]]) -> None:
    app.extensions.setdefault(EXTENSION, []).append(check)


def mismatches() -> list[Mismatch]:
    """Every disagreement the registered checks find."""
    found: list[Mismatch] = []
    for check in current_app.extensions.get(EXTENSION, []):
        found.extend(check())
    return found
