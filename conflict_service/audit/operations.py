"""Write audit events and keep them in one tamper-evident hash chain.

Operations call :func:`record` while they change data. The events wait in the session and are chained
and inserted just before the commit, under a lock, so that concurrent transactions cannot fork the
chain and a rolled-back change leaves no event behind.
"""

from __future__ import annotations

import enum
import logging
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from conflict_service import events
from conflict_service.audit import consistency
from conflict_service.audit.chain import GENESIS_HASH, compute_hash, verify_chain
from conflict_service.audit.keys import audit_keys
from conflict_service.audit.models import AuditCheck, AuditEvent, hashed_payload
from conflict_service.db import db, hold_write_lock
from conflict_service.timeutil import utcnow

log = logging.getLogger("conflict_service.audit")

PENDING_KEY = "audit_pending"
PG_LOCK_KEY = 7_420_001  # one advisory lock serialises appends to the chain
# PostgreSQL's advisory locks are per database; the audit table's oid in the second half of the key makes the lock
# the chain's own, so chains in different schemas of one database (each test worker's) never wait on each other.
PG_CHAIN_LOCK_KEYS = f"{PG_LOCK_KEY}, '{AuditEvent.__tablename__}'::regclass::oid::int"


def jsonable(value):
    """Make a value fit for the audit record (and its hash): plain JSON, stable across databases."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return value


def snapshot(obj, fields) -> dict:
    """The current values of ``fields`` on ``obj``, ready for :func:`record`."""
    return {name: jsonable(getattr(obj, name)) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """Only the fields that changed, as ``{field: [old, new]}``."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def created(after: dict) -> dict:
    return {k: [None, v] for k, v in after.items() if v is not None}


def record(action: str, entity, *, actor=None, changes: dict | None = None, data: dict | None = None,
           reason: str | None = None, entity_type: str | None = None, label: str | None = None,
           scope_id: int | None = None, session: Session | None = None) -> None:
    """Queue an audit event for ``entity``; it is chained and written when the transaction commits."""
    session = session or db.session
    session.info.setdefault(PENDING_KEY, []).append({
        "occurred_at": utcnow(),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_type": entity_type or getattr(entity, "__audit_type__", type(entity).__name__.lower()),
        "label": label,
        "scope_id": scope_id if scope_id is not None else getattr(entity, "audit_scope_id", None),
        "changes": jsonable(changes or {}),
        "data": jsonable(data or {}),
        "reason": reason,
        "request_id": g.get("request_id") if has_app_context() else None,
    })
    log.debug("audit %s %s actor=%s", action, type(entity).__name__, getattr(actor, "username", "system"))
    events.emit(action, entity, actor=actor, data=data or {}, reason=reason)


LOCK_CHAIN = sa.text(f"SELECT pg_advisory_xact_lock({PG_CHAIN_LOCK_KEYS})")
CHAIN_HEAD = sa.select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)


def _lock_chain(connection) -> None:
    """Hold the chain until the transaction ends: PostgreSQL's advisory lock of this chain, SQLite's one writer."""
    if connection.dialect.name == "postgresql":
        connection.execute(LOCK_CHAIN)
    else:
        hold_write_lock(connection)  # SQLite's one writer at a time is the chain's lock


def _write_pending(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    if not pending:
        return
    session.flush()  # entity ids exist from here on
    # The chain is written in plain SQL on the session's connection (its transaction): the events are never read
    # back through this session, and the ORM's unit of work cost a submission more than the three statements.
    connection = session.connection()
    _lock_chain(connection)
    head = connection.execute(CHAIN_HEAD).first()
    seq, prev = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    keys = audit_keys()
    rows = []
    for item in pending:
        seq += 1
        actor, entity = item["actor"], item["entity"]
        row = {"seq": seq, "occurred_at": item["occurred_at"], "actor_id": getattr(actor, "id", None),
               "actor_name": getattr(actor, "username", None) or "system", "action": item["action"],
               "entity_type": item["entity_type"], "entity_id": getattr(entity, "id", None),
               "entity_label": item["label"] or _label(entity), "scope_id": item["scope_id"],
               "changes": item["changes"], "data": item["data"], "reason": item["reason"],
               "request_id": item["request_id"], "prev_hash": prev}
        row["hash"] = prev = compute_hash(hashed_payload(row))
        row["mac"] = keys.event_mac(row["hash"])
        rows.append(row)
    connection.execute(sa.insert(AuditEvent.__table__), rows)


def _label(entity) -> str | None:
    label = getattr(entity, "audit_label", None)
    return str(label)[:80] if label is not None else None


def listen() -> None:
    """Write the queued events at commit and drop them on rollback, in every session (once per process)."""
    for name, fn in (("before_commit", _before_commit), ("after_soft_rollback", _after_rollback)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


def _before_commit(session: Session) -> None:
    _write_pending(session)


def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None and not previous_transaction.nested:
        session.info.pop(PENDING_KEY, None)


def flush_pending(session: Session | None = None) -> None:
    """Write queued events now (used where a caller needs the event ids before committing)."""
    _write_pending(session or db.session)


def run_chain_check(checked_by: str, expected_head: tuple[int, str] | None = None):
    """Verify the whole chain, compare it with the earlier checkpoints and the business tables with their events,
    and keep the outcome (shown to auditors); an intact outcome is a new checkpoint, signed. Returns the check."""
    report = verify_chain(expected_head=expected_head)
    if report.is_intact:
        found = consistency.mismatches()
        if found:
            report.problem = " ".join(m.problem for m in found[:5]) + (f" (and {len(found) - 5} more)"
                                                                       if len(found) > 5 else "")
            report.first_bad_seq = next((m.seq for m in found if m.seq is not None), None)
    check = AuditCheck(checked_at=utcnow(), checked_by=checked_by, events_checked=report.checked,
                       is_intact=report.is_intact, first_bad_seq=report.first_bad_seq, problem=report.problem,
                       head_hash=report.head_hash)
    if report.is_intact:
        check.head_seq, check.signature = report.head_seq, audit_keys().sign_head(report.head_seq, report.head_hash)
    db.session.add(check)
    db.session.flush()
    return check
