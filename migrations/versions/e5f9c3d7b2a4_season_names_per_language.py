"""insurance seasons: names per language

A season has an official name and, like programmes and jurisdictions, a name per language (``names``, DESIGN §14).
``ALTER TABLE ADD COLUMN`` on both databases: the table is not rebuilt (policies refer to it).

Revision ID: e5f9c3d7b2a4
Revises: d4e8b2c6a1f3
Create Date: 2026-12-06 09:05:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = 'e5f9c3d7b2a4'
down_revision = 'd4e8b2c6a1f3'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('insurance_seasons', sa.Column('names', sa.JSON(), server_default='{}', nullable=False))


def downgrade():
    op.drop_column('insurance_seasons', 'names')
