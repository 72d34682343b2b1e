"""Bulk inserts for synthetic data: ``COPY`` on PostgreSQL (psycopg 3), ``executemany`` elsewhere."""

from __future__ import annotations

import json
from collections import defaultdict

import sqlalchemy as sa

from conflict_service.db import Base


class Writer:
    """Writes rows of the service's tables on one connection, each chunk in its own transaction."""

    def __init__(self, connection: sa.Connection):
        self.connection = connection
        self.is_pg = connection.dialect.name == "postgresql"
        self.counts: dict[str, int] = defaultdict(int)
        self._next: dict[str, int] = {}
        self._fill: dict[str, dict] = {}

    def prime(self) -> None:
        """Read every table's highest id now, so that allocating ids later never touches the connection."""
        for name, table in Base.metadata.tables.items():
            if "id" in table.c and name not in self._next:
                self._next[name] = self._highest(table) + 1

    def _highest(self, table: sa.Table) -> int:
        return self.connection.scalar(sa.select(sa.func.max(table.c.id))) or 0

    def next_id(self, table: str) -> int:
        if table not in self._next:
            self._next[table] = self._highest(Base.metadata.tables[table]) + 1
        value = self._next[table]
        self._next[table] = value + 1
        return value

    def _defaults(self, table: sa.Table) -> dict:
        """The column defaults of the model (the ORM would fill them), computed once per table."""
        if table.name not in self._fill:
            self._fill[table.name] = {
                column.name: column.default.arg(None) if column.default.is_callable else column.default.arg
                for column in table.columns if column.default is not None and not column.primary_key}
        return self._fill[table.name]

    def write(self, name: str, rows: list[dict]) -> None:
        if not rows:
            return
        table = Base.metadata.tables[name]
        fill = self._defaults(table)
        if self.is_pg:
            self._copy(table, rows, fill)
        else:
            self._insert_many(table, rows, fill)
        self.counts[name] += len(rows)

    def _insert_many(self, table: sa.Table, rows: list[dict], fill: dict) -> None:
        """One ``executemany`` of tuples, each value converted by its column type's own bind processor (what
        ``table.insert()`` would do row by row, without the per-row bookkeeping of a Core statement)."""
        columns = list(dict.fromkeys([*rows[0], *fill]))
        dialect = self.connection.dialect
        convert = [table.c[c].type._cached_bind_processor(dialect) for c in columns]
        statement = (f"INSERT INTO {table.name} ({', '.join(columns)}) "  # noqa: S608 - names from the models
                     f"VALUES ({', '.join('?' * len(columns))})")
        values = [tuple(value if f is None or value is None else f(value)
                        for f, value in zip(convert, [row[c] if c in row else fill.get(c) for c in columns],
                                            strict=True))
                  for row in rows]
        self.connection.exec_driver_sql(statement, values)

    def _copy(self, table: sa.Table, rows: list[dict], fill: dict) -> None:
        columns = list(dict.fromkeys([*rows[0], *fill]))
        json_columns = {c.name for c in table.columns if isinstance(c.type, sa.JSON)}
        enum_columns = {c.name for c in table.columns if isinstance(c.type, sa.Enum)}
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"  # noqa: S608 - names from the models
        raw = self.connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([_copy_value(row[c] if c in row else fill.get(c), c in json_columns,
                                            c in enum_columns) for c in columns])

    def commit(self) -> None:
        """End the transaction: COPY runs on the driver's connection, which SQLAlchemy does not see beginning one."""
        self.connection.commit()
        if self.is_pg:
            self.connection.connection.driver_connection.commit()

    def fix_sequences(self) -> None:
        """PostgreSQL: move each id sequence past the ids allocated here, so the service's inserts fit after them."""
        if not self.is_pg:
            return
        for name in self._next:
            table = Base.metadata.tables[name]
            if "id" in table.c:
                self.connection.execute(sa.select(sa.func.setval(
                    sa.func.pg_get_serial_sequence(name, "id"),
                    sa.select(sa.func.coalesce(sa.func.max(table.c.id), 1)).scalar_subquery())))


def _copy_value(value, is_json: bool, is_enum: bool):
    if value is None or isinstance(value, str):
        return value
    if is_json:
        return json.dumps(value, ensure_ascii=False)
    return value.value if is_enum else value
