"""incident time may be unknown; toman display

Revision ID: 7204ce60df3b
Revises: 583fec774a61
Create Date: 2026-12-05 19:08:41.690786
"""
import re

from alembic import op
import sqlalchemy as sa
import conflict_service.db


revision = '7204ce60df3b'
down_revision = '583fec774a61'
branch_labels = None
depends_on = None

INCIDENT_AT = re.compile(r"\bincident_at DATETIME( NOT NULL)?,")


def _incident_at_nullable(nullable: bool):
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        op.alter_column('claims', 'incident_at', existing_type=conflict_service.db.UTCDateTime(timezone=True),
                        nullable=nullable)
        return
    # Rebuilding `claims` (batch mode) would drop the old table with foreign keys on (see fa7de76f0109); removing a
    # NOT NULL constraint is one of the edits SQLite documents for the stored schema
    # (https://sqlite.org/lang_altertable.html, "otheralter"). Putting it back is safe once no row is NULL.
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'claims'").scalar_one()
    new_sql, found = INCIDENT_AT.subn("incident_at DATETIME," if nullable else "incident_at DATETIME NOT NULL,", sql)
    if found != 1:
        raise RuntimeError("the column incident_at of claims was not found")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'claims'", (new_sql,))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    _incident_at_nullable(True)
    op.add_column('programmes', sa.Column('is_toman_shown', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    op.drop_column('programmes', 'is_toman_shown')
    # An unknown time becomes the start of the incident's day (UTC): the older schema has no way to say "unknown".
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("UPDATE claims SET incident_at = incident_date || ' 00:00:00.000000' WHERE incident_at IS NULL")
    else:
        op.execute("UPDATE claims SET incident_at = incident_date::timestamp AT TIME ZONE 'UTC' "
                   "WHERE incident_at IS NULL")
    _incident_at_nullable(False)
