"""Where a programme's money comes from, as hooks called when money moves (approved, batched, paid, failed).

A compensation programme is paid from outside the service: its hooks are empty and payouts only records the
payments. A programme kind with a fund of its own (insurance, DESIGN §5.6) registers its hooks from its
``init_app`` with :func:`register_funding`; payouts calls them without importing that package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from claims.enums import ProgrammeKind
from claims.models import Programme


@dataclass(frozen=True)
class Funding:
    """What happens to a programme's money; ``None`` means nothing (the money is not held here)."""

    award_approved: Callable | None = None  # (claim, award, actor): reserve the award, or let the claim wait
    batch_approved: Callable | None = None  # (programme, [(payment, claim)], actor): reserve the late interest
    payment_paid: Callable | None = None  # (claim, payment, actor): the money leaves the fund
    payment_failed: Callable | None = None  # (claim, payment, actor): what was reserved for it comes back


NOTHING = Funding()


def register_funding(app, kind: ProgrammeKind, funding: Funding) -> None:
    app.extensions.setdefault("funding", {})[kind] = funding


def funding_of(programme: Programme) -> Funding:
    return current_app.extensions.get("funding", {}).get(programme.kind, NOTHING)
