"""Audit events for synthetic data, chained by :func:`conflict_service.audit.chain.seal` as the service chains them.

The chain continues from the newest event under the advisory lock that normal writes take (held by the caller), so
``flask audit verify`` passes afterwards.
"""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa

from bench.synth.writer import Writer
from conflict_service.audit.chain import GENESIS_HASH, seal
from conflict_service.audit.keys import audit_keys
from conflict_service.db import Base


class Chain:
    """Events waiting to be written, already numbered and hashed."""

    def __init__(self, connection: sa.Connection, writer: Writer):
        table = Base.metadata.tables["audit_events"]
        head = connection.execute(sa.select(table.c.seq, table.c.hash).order_by(table.c.seq.desc()).limit(1)).first()
        self.seq, self.prev = (head.seq, head.hash) if head else (0, GENESIS_HASH)
        self.keys = audit_keys()  # signed as the service signs them, or the chain would read as forged
        self.writer = writer
        self.rows: list[dict] = []

    def add(self, at: datetime, actor: tuple[int, str] | None, action: str, entity: tuple[str, int | None, str | None],
            scope_id: int | None, changes: dict | None = None, data: dict | None = None,
            reason: str | None = None) -> None:
        """One event: ``actor`` is (id, username) or None for the system, ``entity`` (type, id, label); ``changes``
        and ``data`` hold plain JSON values already (what ``audit.operations.jsonable`` would make of them)."""
        self.seq += 1
        entity_type, entity_id, label = entity
        row = {"id": self.writer.next_id("audit_events"), "seq": self.seq, "occurred_at": at,
               "actor_id": actor[0] if actor else None, "actor_name": actor[1] if actor else "system",
               "action": action, "entity_type": entity_type, "entity_id": entity_id, "entity_label": label,
               "scope_id": scope_id, "changes": changes or {}, "data": data or {},
               "reason": reason, "request_id": None}
        row["hash"] = self.prev = seal(row, self.prev)
        row["mac"] = self.keys.event_mac(row["hash"])
        if self.writer.is_pg:  # COPY takes JSON text: encode once here
            row["changes"] = json.dumps(row["changes"], ensure_ascii=False)
            row["data"] = json.dumps(row["data"], ensure_ascii=False)
        self.rows.append(row)

    def take(self) -> list[dict]:
        rows, self.rows = self.rows, []
        return rows

    def flush(self) -> None:
        self.writer.write("audit_events", self.take())
