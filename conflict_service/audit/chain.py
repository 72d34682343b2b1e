"""The hash chain of audit events: how a hash is computed and how the whole chain is verified.

Three layers, each catching what the one before cannot:
- the hash chain: an event altered, removed or inserted without recomputing the hashes after it;
- the audit key (outside the database) signs every event's hash: an event rewritten with recomputed hashes, or a
  forged one appended, lacks a valid signature;
- signed checkpoints (the head found by each verification): newest events cut off, which leaves a shorter chain
  that is otherwise valid, no longer hold the head an earlier check signed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa

from conflict_service.audit.keys import AuditKeys, audit_keys
from conflict_service.audit.models import AuditCheck, AuditEvent, hashed_payload
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
    head_seq: int = 0

    @property
    def is_intact(self) -> bool:
        return self.problem is None


def verify_chain(batch_size: int = 5000, expected_head: tuple[int, str] | None = None) -> ChainReport:
    """Recompute every hash and its signature in order, then compare the head with every signed checkpoint (and
    with ``expected_head``, a head kept elsewhere); name the first event that was altered, removed or inserted."""
    keys = audit_keys()
    report = _walk(keys, batch_size)
    if report.is_intact:
        _compare_with_checkpoints(report, keys)
    if report.is_intact and expected_head is not None:
        _compare_with_head(report, *expected_head, "the head given")
    return report


def _walk(keys: AuditKeys, batch_size: int) -> ChainReport:
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    stmt = sa.select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch_size)
    result = db.session.scalars(stmt)  # streamed: a server-side cursor on PostgreSQL
    try:
        for ev in result:
            problem = _check_one(ev, expected_seq, prev_hash, keys)
            if problem:
                bad = expected_seq if ev.seq > expected_seq else ev.seq  # a gap names the missing event
                return ChainReport(checked, bad, problem, prev_hash, expected_seq - 1)
            checked += 1
            expected_seq, prev_hash = ev.seq + 1, ev.hash
    finally:
        result.close()
    return ChainReport(checked, head_hash=prev_hash, head_seq=expected_seq - 1)


def _check_one(ev: AuditEvent, expected_seq: int, prev_hash: str, keys: AuditKeys) -> str | None:
    if ev.seq != expected_seq:
        return f"event {expected_seq} is missing (the next event found is {ev.seq})"
    if ev.prev_hash != prev_hash:
        return f"event {ev.seq} does not link to the event before it"
    if compute_hash(ev.hashed_payload()) != ev.hash:
        return f"event {ev.seq} was altered after it was written"
    if not keys.is_event_mac(ev.hash, ev.mac):
        return f"event {ev.seq} is not signed with the audit key: it was rewritten or forged"
    return None


def chain_head() -> tuple[int, str]:
    """The last event's sequence number and hash: what a printed document quotes so that a reader can later check
    that the trail it saw was not rewritten (0 and the genesis hash before any event)."""
    stmt = sa.select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    row = db.session.execute(stmt).first()
    return (row.seq, row.hash) if row else (0, GENESIS_HASH)


def _compare_with_checkpoints(report: ChainReport, keys: AuditKeys) -> None:
    checkpoints = db.session.execute(sa.select(AuditCheck.checked_at, AuditCheck.head_seq, AuditCheck.head_hash,
                                               AuditCheck.signature)
                                     .where(AuditCheck.head_seq.is_not(None)).order_by(AuditCheck.id)).all()
    hashes = _hashes_at({cp.head_seq for cp in checkpoints})
    for cp in checkpoints:
        when = f"the check of {cp.checked_at:%Y-%m-%d %H:%M} UTC"
        if not keys.is_head_signature(cp.head_seq, cp.head_hash, cp.signature):
            report.first_bad_seq = cp.head_seq or None
            report.problem = f"{when} (head event {cp.head_seq}) is not signed with the audit key: it was altered"
            return
        if not _compare_with_head(report, cp.head_seq, cp.head_hash, when, hashes):
            return


def _hashes_at(seqs: set[int], chunk: int = 500) -> dict[int, str]:
    ordered, found = sorted(seqs), {}
    for i in range(0, len(ordered), chunk):
        found.update(db.session.execute(sa.select(AuditEvent.seq, AuditEvent.hash)
                                        .where(AuditEvent.seq.in_(ordered[i:i + chunk]))).all())
    return found


def _compare_with_head(report: ChainReport, seq: int, head_hash: str, when: str,
                       hashes: dict[int, str] | None = None) -> bool:
    if seq == 0 and head_hash == GENESIS_HASH:
        return True
    found = (hashes if hashes is not None else _hashes_at({seq})).get(seq)
    if found is None:
        report.first_bad_seq = report.head_seq + 1
        report.problem = (f"event {seq}, the head at {when}, is gone: the chain ends at event {report.head_seq}, "
                          "so the newest events were cut")
    elif found != head_hash:
        report.first_bad_seq = seq
        report.problem = f"event {seq} differs from the head at {when}: the chain was rewritten"
    return report.problem is None
