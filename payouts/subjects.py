"""What payouts pays besides claims: subjects a higher package registers (an approved performance period).

A programme kind whose payments are not for claims registers its :class:`Subjects` from its ``init_app`` with
:func:`register_subjects`. Batches of such a programme take its payable subjects instead of claims, and the
payment file, confirmations, failures and bank statements treat their payments as they treat claims', calling
the hooks below so that the subject's own state follows (payouts never imports the package that registered it).
A subject is paid in parts (0: the whole subject; else e.g. one member's share, numbered by the member's owner id);
``uq_payments_live_per_subject`` lets each part have one live payment only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app

from claims.enums import ProgrammeKind
from claims.models import Programme
from payouts.enums import PaymentMethod


@dataclass(frozen=True)
class Part:
    """One payment a subject is owed: its part number, amount and payee as they are now."""

    part: int
    principal: Decimal
    payee_name: str
    method: PaymentMethod
    account: str | None
    reference: str  # unique to the subject and part; payouts adds the attempt number


@dataclass(frozen=True)
class Due:
    """A payable subject, locked, with the parts that have no live payment."""

    subject_id: int
    jurisdiction_id: int  # who sees its payments (a community's office or region)
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Subjects:
    """A kind of subject and its hooks; every hook runs inside the caller's transaction and audits itself."""

    name: str  # stored in payments.subject, e.g. "performance_period"
    # (programme, actor, wanted: set[int]) -> [Due] in id order, locked; refuses a wanted subject that is not payable
    lock_due: Callable
    # (programme, actor) -> [(subject, Due)] without locking: what a new batch would pay, for its form
    waiting: Callable
    batched: Callable  # (subject_id, batch, actor): its parts are in a batch now
    unbatched: Callable  # (subject_id, batch, actor): its batch was cancelled before approval
    paid: Callable  # (subject_id, payment, actor): one of its payments was confirmed
    failed: Callable  # (subject_id, payment, actor): one of its payments failed
    labels: Callable  # (subject_ids) -> {subject_id: (label, url or None)} for pages and files


def register_subjects(app, kind: ProgrammeKind, subjects: Subjects) -> None:
    app.extensions.setdefault("payout_subjects", {})[kind] = subjects


def subjects_of(programme: Programme) -> Subjects | None:
    """The subjects a programme's batches pay, or None when they pay claims."""
    return current_app.extensions.get("payout_subjects", {}).get(programme.kind)


def subjects_named(name: str) -> Subjects:
    return next(s for s in current_app.extensions.get("payout_subjects", {}).values() if s.name == name)


def labels(payments) -> dict[tuple[str, int], tuple[str, str | None]]:
    """The label (and page) of each subject these payments pay, one call per kind of subject."""
    wanted: dict[str, set[int]] = {}
    for p in payments:
        if p.subject:
            wanted.setdefault(p.subject, set()).add(p.subject_id)
    return {(name, sid): label for name, ids in wanted.items()
            for sid, label in subjects_named(name).labels(ids).items()}
