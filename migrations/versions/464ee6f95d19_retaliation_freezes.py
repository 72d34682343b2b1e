"""Retaliation freezes: a leopard killed in an area holds payments there (DESIGN §6).

Revision ID: 464ee6f95d19
Revises: fa7de76f0109
Create Date: 2026-11-21 07:23:56.654176
"""
from alembic import op
import sqlalchemy as sa
import conflict_service.db


revision = '464ee6f95d19'
down_revision = 'fa7de76f0109'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('retaliation_freezes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('cause', sa.Enum('killed', 'poisoned', name='killcause', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('killed_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=True),
    sa.Column('lat', sa.Double(), nullable=True),
    sa.Column('lon', sa.Double(), nullable=True),
    sa.Column('radius_km', sa.Double(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', conflict_service.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('lifted_at', conflict_service.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.Column('lift_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('ends_on >= killed_on', name=op.f('ck_retaliation_freezes_ends_after_killing')),
    sa.CheckConstraint('jurisdiction_id IS NOT NULL OR (lat IS NOT NULL AND lon IS NOT NULL AND radius_km > 0)', name=op.f('ck_retaliation_freezes_has_area')),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdictions.id'], name=op.f('fk_retaliation_freezes_jurisdiction_id_jurisdictions')),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['users.id'], name=op.f('fk_retaliation_freezes_lifted_by_id_users')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_retaliation_freezes_programme_id_programmes')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_retaliation_freezes_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retaliation_freezes'))
    )
    with op.batch_alter_table('retaliation_freezes', schema=None) as batch_op:
        batch_op.create_index('ix_retaliation_freezes_active', ['programme_id', 'ends_on'], unique=False)



def downgrade():
    with op.batch_alter_table('retaliation_freezes', schema=None) as batch_op:
        batch_op.drop_index('ix_retaliation_freezes_active')

    op.drop_table('retaliation_freezes')
