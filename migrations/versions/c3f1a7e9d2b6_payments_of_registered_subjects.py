"""payments of registered subjects (performance periods); period state in_payment

A payment pays a claim or, now, a subject a higher package registers with payouts (an approved performance
period, whole or one member's share): ``payments.claim_id`` becomes nullable, ``subject``/``subject_id``/
``subject_part``/``jurisdiction_id`` are added, with a CHECK that a payment has exactly one of the two and a
partial unique index that a subject's part has one live payment at most. ``performance_periods.status`` gains
``in_payment`` (the CHECK constraint is rewritten: autogenerate does not see enum values).

On SQLite the stored table definitions are edited (SQLite's documented procedure, as revisions fa7de76f0109 and
b9cc8a493c25 do): rebuilding ``payments`` would fail on the fund ledger's rows that refer to it. Appending
columns there is what ``ALTER TABLE ADD COLUMN`` itself does; existing rows read NULL for them.

Revision ID: c3f1a7e9d2b6
Revises: 7d3e5a91c2b4
Create Date: 2026-12-06 05:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'c3f1a7e9d2b6'
down_revision = '7d3e5a91c2b4'
branch_labels = None
depends_on = None

LIVE = "status IN ('pending', 'sent', 'confirmed')"
SUBJECT_LIVE = f"subject IS NOT NULL AND {LIVE}"
ONE_SUBJECT = ("(claim_id IS NOT NULL AND subject IS NULL) OR (claim_id IS NULL AND subject IS NOT NULL AND "
               "subject_id IS NOT NULL AND subject_part IS NOT NULL AND jurisdiction_id IS NOT NULL)")
PERIOD_STATES = "status IN ('open', 'approved', 'paid')"
PERIOD_STATES_NEW = "status IN ('open', 'approved', 'in_payment', 'paid')"

NEW_COLUMNS = ("\tsubject VARCHAR(40), \n\tsubject_id INTEGER, \n\tsubject_part INTEGER, \n"
               "\tjurisdiction_id INTEGER, \n")
NEW_CONSTRAINTS = (f", \n\tCONSTRAINT ck_payments_one_subject CHECK ({ONE_SUBJECT}), \n"
                   "\tCONSTRAINT fk_payments_jurisdiction_id_jurisdictions FOREIGN KEY(jurisdiction_id) "
                   "REFERENCES jurisdictions (id)")


def _edit_sqlite(table, edit):
    bind = op.get_bind()
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
                               ).scalar_one()
    new_sql = edit(sql)
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (new_sql, table))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def _replace_once(sql, old, new):
    if sql.count(old) != 1:
        raise RuntimeError(f"expected exactly one {old!r} in the stored table definition")
    return sql.replace(old, new)


def _payments_up(sql):
    sql = _replace_once(sql, "\tclaim_id INTEGER NOT NULL, \n", "\tclaim_id INTEGER, \n")
    sql = _replace_once(sql, "\tfailure_reason TEXT, \n", "\tfailure_reason TEXT, \n" + NEW_COLUMNS)
    head, tail = sql.rstrip().rsplit("\n)", 1)
    return head + NEW_CONSTRAINTS + "\n)" + tail


def _payments_down(sql):
    sql = _replace_once(sql, "\tclaim_id INTEGER, \n", "\tclaim_id INTEGER NOT NULL, \n")
    return _replace_once(sql, NEW_CONSTRAINTS, "")


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        _edit_sqlite('payments', _payments_up)
        _edit_sqlite('performance_periods', lambda sql: _replace_once(sql, PERIOD_STATES, PERIOD_STATES_NEW))
    else:
        op.alter_column('payments', 'claim_id', existing_type=sa.Integer(), nullable=True)
        op.add_column('payments', sa.Column('subject', sa.String(length=40), nullable=True))
        op.add_column('payments', sa.Column('subject_id', sa.Integer(), nullable=True))
        op.add_column('payments', sa.Column('subject_part', sa.Integer(), nullable=True))
        op.add_column('payments', sa.Column('jurisdiction_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_payments_jurisdiction_id_jurisdictions'), 'payments', 'jurisdictions',
                              ['jurisdiction_id'], ['id'])
        op.create_check_constraint(op.f('ck_payments_one_subject'), 'payments', sa.text(ONE_SUBJECT))
        op.drop_constraint(op.f('ck_performance_periods_periodstatus'), 'performance_periods', type_='check')
        op.create_check_constraint(op.f('ck_performance_periods_periodstatus'), 'performance_periods',
                                   sa.text(PERIOD_STATES_NEW))
    op.create_index('ix_payments_subject', 'payments', ['subject', 'subject_id'], unique=False)
    op.create_index('uq_payments_live_per_subject', 'payments', ['subject', 'subject_id', 'subject_part'],
                    unique=True, sqlite_where=sa.text(SUBJECT_LIVE), postgresql_where=sa.text(SUBJECT_LIVE))


def downgrade():
    op.drop_index('uq_payments_live_per_subject', table_name='payments',
                  sqlite_where=sa.text(SUBJECT_LIVE), postgresql_where=sa.text(SUBJECT_LIVE))
    op.drop_index('ix_payments_subject', table_name='payments')
    op.execute("UPDATE performance_periods SET status = 'approved' WHERE status = 'in_payment'")
    op.execute("DELETE FROM payments WHERE claim_id IS NULL")
    if op.get_bind().dialect.name == 'sqlite':
        _edit_sqlite('performance_periods', lambda sql: _replace_once(sql, PERIOD_STATES_NEW, PERIOD_STATES))
        _edit_sqlite('payments', _payments_down)
        for column in ('jurisdiction_id', 'subject_part', 'subject_id', 'subject'):
            op.execute(f"ALTER TABLE payments DROP COLUMN {column}")
        return
    op.drop_constraint(op.f('ck_performance_periods_periodstatus'), 'performance_periods', type_='check')
    op.create_check_constraint(op.f('ck_performance_periods_periodstatus'), 'performance_periods',
                               sa.text(PERIOD_STATES))
    op.drop_constraint(op.f('ck_payments_one_subject'), 'payments', type_='check')
    op.drop_constraint(op.f('fk_payments_jurisdiction_id_jurisdictions'), 'payments', type_='foreignkey')
    op.drop_column('payments', 'jurisdiction_id')
    op.drop_column('payments', 'subject_part')
    op.drop_column('payments', 'subject_id')
    op.drop_column('payments', 'subject')
    op.alter_column('payments', 'claim_id', existing_type=sa.Integer(), nullable=False)
