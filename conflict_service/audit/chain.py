"""The hash chain of audit events: how a hash is computed and how the whole chain is verified."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa

from conflict_service.audit.models import AuditEvent, hashed_payload
from conflict_service.db import db

GENESIS_HASH = "0" * 64


def compute_hash(payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def seal(values: dict, prev_hash: str) -> str:
    """Link an event given as column values to the one before it: sets ``prev_hash`` and returns its hash."""
    values["prev_hash"] = prev_hash
    return compute_hash(hashed_payload(values))


@dataclass
class ChainReport:
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    head_hash: str | None = None

    @property
    def is_intact(self) -> bool:
        return self.first_bad_seq is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Recompute every hash in order; name the first event that was altered, removed or inserted."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    stmt = sa.select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch_size)
    result = db.session.scalars(stmt)  # streamed: a server-side cursor on PostgreSQL
    try:
        for ev in result:
            problem = _check_one(ev, expected_seq, prev_hash)
            if problem:
                bad = expected_seq if ev.seq > expected_seq else ev.seq  # a gap names the missing event
                return ChainReport(checked, bad, problem, prev_hash)
            checked += 1
            expected_seq, prev_hash = ev.seq + 1, ev.hash
    finally:
        result.close()
    return ChainReport(checked, head_hash=prev_hash)


def _check_one(ev: AuditEvent, expected_seq: int, prev_hash: str) -> str | None:
    if ev.seq != expected_seq:
        return f"event {expected_seq} is missing (the next event found is {ev.seq})"
    if ev.prev_hash != prev_hash:
        return f"event {ev.seq} does not link to the event before it"
    if compute_hash(ev.hashed_payload()) != ev.hash:
        return f"event {ev.seq} was altered after it was written"
    return None
