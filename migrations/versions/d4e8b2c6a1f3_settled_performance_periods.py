"""performance periods: state settled (approved with nothing to pay)

An approved period whose total is nothing (fully forfeited, or no verified units) is never batched; it is now
``settled`` instead of ``approved`` for ever. ``performance_periods.status`` gains ``settled`` (the CHECK
constraint is rewritten: autogenerate does not see enum values) and the approved periods of total 0 already
stored become settled (none of them can have a payment: a batch takes only periods with a total above 0).

On SQLite the stored table definition is edited, as revision c3f1a7e9d2b6 does.

Revision ID: d4e8b2c6a1f3
Revises: c3f1a7e9d2b6
Create Date: 2026-12-06 08:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = 'd4e8b2c6a1f3'
down_revision = 'c3f1a7e9d2b6'
branch_labels = None
depends_on = None

OLD = "status IN ('open', 'approved', 'in_payment', 'paid')"
NEW = "status IN ('open', 'approved', 'in_payment', 'paid', 'settled')"
NAME = 'ck_performance_periods_periodstatus'


def _rewrite_check(old, new):
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        op.drop_constraint(op.f(NAME), 'performance_periods', type_='check')
        op.create_check_constraint(op.f(NAME), 'performance_periods', sa.text(new))
        return
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = "
                               "'performance_periods'").scalar_one()
    if sql.count(old) != 1:
        raise RuntimeError(f"expected exactly one {old!r} in the stored table definition")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'performance_periods'",
                         (sql.replace(old, new),))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    _rewrite_check(OLD, NEW)
    op.execute("UPDATE performance_periods SET status = 'settled' WHERE status = 'approved' AND total = 0")


def downgrade():
    op.execute("UPDATE performance_periods SET status = 'approved' WHERE status = 'settled'")
    _rewrite_check(NEW, OLD)
