"""scope version: a value that moves with every change of what a user may see

One row (id 1) whose ``version`` triggers set anew whenever programmes are added, removed, renamed or moved, the
jurisdiction tree changes, or a user's own jurisdictions change (``conflict_service.jurisdictions.models``). The
value is drawn at random, not counted (53 random bits on PostgreSQL, 64 on SQLite), so neither a rolled-back change
nor a restored backup (which would set a counter or a sequence back) leaves a value that returns with other contents;
the triggers write the row back if it was deleted (tests empty tables).

Revision ID: 6b0d3f9a2c71
Revises: e5f9c3d7b2a4
Create Date: 2026-12-06 11:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '6b0d3f9a2c71'
down_revision = 'e5f9c3d7b2a4'
branch_labels = None
depends_on = None

# PostgreSQL's random() is a double with 53 random bits: a version drawn again by chance has odds of 1 in 2**53.
PG_DRAWN = "floor(random() * 9007199254740992)::bigint"
# (table, the columns whose update moves the version: None for any)
WATCHED = (("programmes", ("name", "names", "jurisdiction_id")),
           ("jurisdictions", ("parent_id", "level")),
           ("user_jurisdictions", None))


def upgrade():
    op.create_table('scope_version',
                    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('version', sa.BigInteger(), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_scope_version')))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"INSERT INTO scope_version (id, version) VALUES (1, {PG_DRAWN})")
        op.execute(f"""CREATE FUNCTION move_scope_version() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO scope_version (id, version) VALUES (1, {PG_DRAWN})
                ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
              RETURN NULL;
            END $$""")
        for table, columns in WATCHED:
            update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
            op.execute(f"CREATE TRIGGER {table}_scope_version AFTER INSERT OR DELETE OR {update} OR TRUNCATE "
                       f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION move_scope_version()")
        return
    op.execute("INSERT INTO scope_version (id, version) VALUES (1, random())")
    move = ("INSERT INTO scope_version (id, version) VALUES (1, random()) "
            "ON CONFLICT (id) DO UPDATE SET version = excluded.version;")
    for table, columns in WATCHED:
        update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
        for event, suffix in (("INSERT", "insert"), ("DELETE", "delete"), (update, "update")):
            op.execute(f"CREATE TRIGGER {table}_scope_version_{suffix} AFTER {event} ON {table} "
                       f"BEGIN {move} END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table, _columns in WATCHED:
            op.execute(f"DROP TRIGGER {table}_scope_version ON {table}")
        op.execute("DROP FUNCTION move_scope_version()")
    else:
        for table, _columns in WATCHED:
            for suffix in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER {table}_scope_version_{suffix}")
    op.drop_table('scope_version')
