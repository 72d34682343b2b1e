"""herd history: dated counts per species, never overwritten; corrections name the count they correct

Revision ID: 7d3e5a91c2b4
Revises: 5e1dc0a7b3f2
Create Date: 2026-12-06 02:20:00
"""
from alembic import op
import sqlalchemy as sa
import conflict_service.db


revision = '7d3e5a91c2b4'
down_revision = '5e1dc0a7b3f2'
branch_labels = None
depends_on = None


def upgrade():
    # Every existing count stays as the first row of its species' history, recorded when the owner was registered.
    with op.batch_alter_table('herd_counts', schema=None) as batch_op:
        batch_op.drop_constraint('uq_herd_counts_owner_id_species', type_='unique')
        batch_op.add_column(sa.Column('recorded_at', conflict_service.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('recorded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('corrects_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('note', sa.Text(), server_default='', nullable=False))
        batch_op.create_foreign_key('fk_herd_counts_recorded_by_id_users', 'users', ['recorded_by_id'], ['id'])
        batch_op.create_foreign_key('fk_herd_counts_corrects_id_herd_counts', 'herd_counts', ['corrects_id'], ['id'])
        batch_op.create_unique_constraint('uq_herd_counts_corrects_id', ['corrects_id'])
        batch_op.create_index('ix_herd_counts_owner_species_day', ['owner_id', 'species', 'counted_on'], unique=False)
    op.execute("UPDATE herd_counts SET recorded_at = (SELECT owners.created_at FROM owners "
               "WHERE owners.id = herd_counts.owner_id), recorded_by_id = (SELECT owners.created_by_id FROM owners "
               "WHERE owners.id = herd_counts.owner_id)")
    with op.batch_alter_table('herd_counts', schema=None) as batch_op:
        batch_op.alter_column('recorded_at', existing_type=conflict_service.db.UTCDateTime(timezone=True), nullable=False)


def downgrade():
    # Back to one count per species: the one in force today (corrected records and older counts are dropped).
    op.execute("DELETE FROM herd_counts WHERE id IN (SELECT corrects_id FROM herd_counts WHERE corrects_id IS NOT NULL)")
    op.execute("DELETE FROM herd_counts WHERE EXISTS (SELECT 1 FROM herd_counts newer "
               "WHERE newer.owner_id = herd_counts.owner_id AND newer.species = herd_counts.species "
               "AND (newer.counted_on > herd_counts.counted_on OR (newer.counted_on = herd_counts.counted_on "
               "AND newer.id > herd_counts.id)))")
    with op.batch_alter_table('herd_counts', schema=None) as batch_op:
        batch_op.drop_index('ix_herd_counts_owner_species_day')
        batch_op.drop_constraint('uq_herd_counts_corrects_id', type_='unique')
        batch_op.drop_constraint('fk_herd_counts_corrects_id_herd_counts', type_='foreignkey')
        batch_op.drop_constraint('fk_herd_counts_recorded_by_id_users', type_='foreignkey')
        batch_op.drop_column('note')
        batch_op.drop_column('corrects_id')
        batch_op.drop_column('recorded_by_id')
        batch_op.drop_column('recorded_at')
        batch_op.create_unique_constraint('uq_herd_counts_owner_id_species', ['owner_id', 'species'])
