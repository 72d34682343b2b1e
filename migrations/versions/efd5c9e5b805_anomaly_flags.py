"""Anomaly flags on claims and the managers' decisions on them (DESIGN §6).

Revision ID: efd5c9e5b805
Revises: 464ee6f95d19
Create Date: 2026-11-21 07:28:29.515187
"""
from alembic import op
import sqlalchemy as sa
import conflict_service.db


revision = 'efd5c9e5b805'
down_revision = '464ee6f95d19'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('anomaly_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('raised_at', conflict_service.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('checked_at', conflict_service.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cleared_at', conflict_service.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision', sa.Enum('dismissed', 'confirmed', name='flagdecision', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('decided_at', conflict_service.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_anomaly_flags_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_anomaly_flags_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anomaly_flags')),
    sa.UniqueConstraint('claim_id', 'rule', name=op.f('uq_anomaly_flags_claim_id_rule'))
    )
    with op.batch_alter_table('anomaly_flags', schema=None) as batch_op:
        batch_op.create_index('ix_anomaly_flags_queue', ['cleared_at', 'decision'], unique=False)



def downgrade():
    with op.batch_alter_table('anomaly_flags', schema=None) as batch_op:
        batch_op.drop_index('ix_anomaly_flags_queue')

    op.drop_table('anomaly_flags')
