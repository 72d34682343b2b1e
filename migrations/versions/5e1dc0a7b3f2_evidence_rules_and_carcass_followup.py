"""evidence rules per programme; the later disposal of a carcass left in place

Revision ID: 5e1dc0a7b3f2
Revises: b9cc8a493c25
Create Date: 2026-12-06 02:20:00.000000
"""
from alembic import op
import sqlalchemy as sa
import conflict_service.db


revision = '5e1dc0a7b3f2'
down_revision = 'b9cc8a493c25'
branch_labels = None
depends_on = None

CONFIRMED_SIGNS = '["neck_bites", "tracks", "canine_spacing", "camera_trap_image"]'
ALL_SIGNS = ('["neck_bites", "canine_spacing", "claw_marks", "drag_marks", "carcass_cached", "tracks", "scat", "hair", '
             '"camera_trap_image"]')


def upgrade():
    with op.batch_alter_table("programmes") as batch:
        batch.add_column(sa.Column("is_confirmed_carcass_required", sa.Boolean(), server_default=sa.true(),
                                   nullable=False))
        batch.add_column(sa.Column("confirmed_signs", sa.JSON(), server_default=CONFIRMED_SIGNS, nullable=False))
        batch.add_column(sa.Column("confirmed_min_signs", sa.Integer(), server_default="2", nullable=False))
        batch.add_column(sa.Column("confirmed_min_photos", sa.Integer(), server_default="1", nullable=False))
        batch.add_column(sa.Column("is_probable_carcass_required", sa.Boolean(), server_default=sa.false(),
                                   nullable=False))
        batch.add_column(sa.Column("probable_signs", sa.JSON(), server_default=ALL_SIGNS, nullable=False))
        batch.add_column(sa.Column("probable_min_signs", sa.Integer(), server_default="1", nullable=False))
        batch.add_column(sa.Column("probable_min_photos", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("verifications") as batch:
        batch.add_column(sa.Column("carcass_disposed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("carcass_disposed_how", sa.Enum(
            "buried", "burned", "removed", "left_in_place", name="carcassdisposedhow", native_enum=False,
            create_constraint=True, length=32), nullable=True))
        batch.add_column(sa.Column("carcass_disposed_by", sa.String(length=160), nullable=True))
        batch.add_column(sa.Column("carcass_disposal_recorded_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("carcass_disposal_recorded_at", conflict_service.db.UTCDateTime(timezone=True),
                                   nullable=True))
        batch.create_foreign_key(batch.f("fk_verifications_carcass_disposal_recorded_by_id_users"), "users",
                                 ["carcass_disposal_recorded_by_id"], ["id"])


def downgrade():
    with op.batch_alter_table("verifications") as batch:
        batch.drop_constraint(batch.f("fk_verifications_carcass_disposal_recorded_by_id_users"), type_="foreignkey")
        batch.drop_constraint(batch.f("ck_verifications_carcassdisposedhow"), type_="check")
        for name in ("carcass_disposal_recorded_at", "carcass_disposal_recorded_by_id", "carcass_disposed_by",
                     "carcass_disposed_how", "carcass_disposed_on"):
            batch.drop_column(name)
    with op.batch_alter_table("programmes") as batch:
        for name in ("probable_min_photos", "probable_min_signs", "probable_signs", "is_probable_carcass_required",
                     "confirmed_min_photos", "confirmed_min_signs", "confirmed_signs",
                     "is_confirmed_carcass_required"):
            batch.drop_column(name)
