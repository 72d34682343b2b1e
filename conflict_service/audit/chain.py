"""The hash chain of audit events: how a hash is computed and how the whole chain is verified."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa

from conflict_service.audit.models import AuditEvent
from conflict_service.db import db

GENESIS_HASH = "0" * 64


def compute_hash(payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


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


def chain_head() -> tuple[int, str]:
    """The last event's sequence number and hash: what a printed document quotes so that a reader can later check
    that the trail it saw was not rewritten (0 and the genesis hash before any event)."""
    stmt = sa.select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    row = db.session.execute(stmt).first()
    return (row.seq, row.hash) if row else (0, GENESIS_HASH)
