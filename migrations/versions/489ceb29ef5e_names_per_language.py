"""names per language; the programme year (calendar and first month)

Revision ID: 489ceb29ef5e
Revises: 0fd0f90ab04f
Create Date: 2026-12-05 22:38:41.081435
"""
from alembic import op
import sqlalchemy as sa
import conflict_service.db


revision = '489ceb29ef5e'
down_revision = '0fd0f90ab04f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("programmes") as batch:
        batch.add_column(sa.Column("names", sa.JSON(), server_default="{}", nullable=False))
        batch.add_column(sa.Column("year_calendar", sa.String(length=32), server_default="gregorian", nullable=False))
        batch.add_column(sa.Column("year_start_month", sa.Integer(), server_default="1", nullable=False))
        batch.create_check_constraint("yearcalendar", "year_calendar IN ('gregorian', 'solar_hijri')")
    with op.batch_alter_table("jurisdictions") as batch:
        batch.add_column(sa.Column("names", sa.JSON(), server_default="{}", nullable=False))
    # Iran's and Afghanistan's programmes count their year from Nowruz (DESIGN §3).
    op.execute("UPDATE programmes SET year_calendar = 'solar_hijri' WHERE jurisdiction_id IN "
               "(SELECT id FROM jurisdictions WHERE country_code IN ('IR', 'AF'))")


def downgrade():
    with op.batch_alter_table("jurisdictions") as batch:
        batch.drop_column("names")
    with op.batch_alter_table("programmes") as batch:
        batch.drop_constraint("yearcalendar", type_="check")
        batch.drop_column("year_start_month")
        batch.drop_column("year_calendar")
        batch.drop_column("names")
