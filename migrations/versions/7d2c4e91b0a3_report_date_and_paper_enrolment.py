"""the owner's report: how and when (DESIGN §5.3), its backdating limit; a paper enrolment's reference

Revision ID: 7d2c4e91b0a3
Revises: 489ceb29ef5e
Create Date: 2026-12-06 02:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '7d2c4e91b0a3'
down_revision = '489ceb29ef5e'
branch_labels = None
depends_on = None

CHANNELS = "'office', 'phone', 'ranger', 'paper_form', 'field_record'"


def upgrade():
    with op.batch_alter_table("programmes") as batch:
        batch.add_column(sa.Column("report_backdating_days", sa.Integer(), server_default="7", nullable=False))
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("report_channel", sa.String(length=32), server_default="office", nullable=False))
        batch.create_check_constraint("reportchannel", f"report_channel IN ({CHANNELS})")
    with op.batch_alter_table("insurance_policies") as batch:
        batch.add_column(sa.Column("paper_reference", sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table("insurance_policies") as batch:
        batch.drop_column("paper_reference")
    with op.batch_alter_table("claims") as batch:
        batch.drop_constraint("reportchannel", type_="check")
        batch.drop_column("report_channel")
    with op.batch_alter_table("programmes") as batch:
        batch.drop_column("report_backdating_days")
