"""Indexes for the claim list at scale: programme and/or status filters, newest first.

Measured with a million claims (bench/results/explain-*.txt): page 1 of "paid claims of one programme" walked
the filed_at index past 186,000 newer rows (960 ms); with these it reads the 50 rows it shows (4 ms), and the
count runs as an index-only scan (560 ms -> 20 ms).

Revision ID: 583fec774a61
Revises: efd5c9e5b805
Create Date: 2026-11-21 07:48:33.855563
"""
from alembic import op

revision = '583fec774a61'
down_revision = 'efd5c9e5b805'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('claims', schema=None) as batch_op:
        # On PostgreSQL the included columns let the list's count run from the index alone.
        batch_op.create_index('ix_claims_programme_status_filed', ['programme_id', 'status', 'filed_at'], unique=False,
                              postgresql_include=['office_id', 'incident_date'])
        batch_op.create_index('ix_claims_status_filed', ['status', 'filed_at'], unique=False,
                              postgresql_include=['office_id', 'programme_id', 'incident_date'])


def downgrade():
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('ix_claims_status_filed')
        batch_op.drop_index('ix_claims_programme_status_filed')
