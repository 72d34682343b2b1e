"""owners.twin_key: the name and the village as a search folds them, indexed

Households of one name in one village are compared by this key (the same_name_elsewhere flag) instead of folding
every owner's name and village again in each statement (PostgreSQL's translate(), SQLite's Python function: about
100 ms over 20,000 owners, on every claim page that refreshes its flags). The key is written here for every owner,
and by the Owner model's events on every write after.

Revision ID: 8c1e4b7d2f90
Revises: 6b0d3f9a2c71
Create Date: 2026-12-07 17:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

from conflict_service.textsearch import fold

revision = '8c1e4b7d2f90'
down_revision = '6b0d3f9a2c71'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    with op.batch_alter_table('owners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('twin_key', sa.String(length=300), nullable=True))
        batch_op.create_index(batch_op.f('ix_owners_twin_key'), ['twin_key'], unique=False)
    owners = sa.table('owners', sa.column('id', sa.Integer), sa.column('name', sa.String),
                      sa.column('village', sa.String), sa.column('twin_key', sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(owners.c.id, owners.c.name, owners.c.village).order_by(owners.c.id)).all()
    update = (owners.update().where(owners.c.id == sa.bindparam('owner_id'))
              .values(twin_key=sa.bindparam('key')))
    for start in range(0, len(rows), BATCH):
        # claims.models.twin_key, written out: a migration keeps what it wrote even if the model's code moves on
        bind.execute(update, [{'owner_id': i, 'key': f"{fold(name or '')}\n{fold(village or '')}"}
                              for i, name, village in rows[start:start + BATCH]])


def downgrade():
    with op.batch_alter_table('owners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_owners_twin_key'))
        batch_op.drop_column('twin_key')
