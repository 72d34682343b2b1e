"""Audit events signed with the audit key; checks keep the head they found, signed (checkpoints).

Existing events are signed here, with the key of the installation that upgrades (AUDIT_KEY or its key file):
from then on an event without a valid signature is a rewritten or forged one.

Revision ID: 9b1e4c7d2a60
Revises: 29701b53cf21
Create Date: 2026-12-05 22:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '9b1e4c7d2a60'
down_revision = '29701b53cf21'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mac', sa.String(length=64), nullable=True))
    with op.batch_alter_table('audit_checks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('head_seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('signature', sa.String(length=100), nullable=True))
    _sign_existing_events()


def _sign_existing_events():
    from conflict_service.audit.keys import audit_keys  # the key comes from the app's configuration, never the database

    keys = audit_keys()
    conn = op.get_bind()
    events = sa.table('audit_events', sa.column('id', sa.Integer), sa.column('hash', sa.String),
                      sa.column('mac', sa.String))
    last_id = 0
    while True:
        rows = conn.execute(sa.select(events.c.id, events.c.hash).where(events.c.id > last_id)
                            .order_by(events.c.id).limit(BATCH)).all()
        if not rows:
            return
        conn.execute(events.update().where(events.c.id == sa.bindparam('row_id')).values(mac=sa.bindparam('mac')),
                     [{'row_id': r.id, 'mac': keys.event_mac(r.hash)} for r in rows])
        last_id = rows[-1].id


def downgrade():
    with op.batch_alter_table('audit_checks', schema=None) as batch_op:
        batch_op.drop_column('signature')
        batch_op.drop_column('head_seq')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('mac')
