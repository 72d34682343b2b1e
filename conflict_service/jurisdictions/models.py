import sqlalchemy as sa
from flask_babel import lazy_gettext as L_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conflict_service.db import Base, enum_column
from conflict_service.enums import TitledEnum
from conflict_service.i18n import NamedInLanguages

RANGE_COUNTRIES = ("IR", "AM", "AZ", "GE", "TR", "IQ", "AF", "PK", "TM", "UZ", "KZ", "RU", "TJ")


class Level(TitledEnum):
    COUNTRY = "country"
    REGION = "region"
    OFFICE = "office"

    @classmethod
    def _titles(cls):
        return {cls.COUNTRY: L_("Country"), cls.REGION: L_("Region"), cls.OFFICE: L_("Office")}


class Jurisdiction(NamedInLanguages, Base):
    """A country, a region (province) in it, or a local office in a region."""

    __tablename__ = "jurisdictions"
    __audit_type__ = "jurisdiction"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    short_code: Mapped[str] = mapped_column(sa.String(12))
    level: Mapped[Level] = mapped_column(enum_column(Level))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jurisdictions.id"), index=True)
    country_code: Mapped[str] = mapped_column(sa.String(2), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    names: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")  # locale → name (DESIGN §14)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    is_active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped["Jurisdiction | None"] = relationship(remote_side=[id], lazy="joined", join_depth=2)

    __table_args__ = (sa.UniqueConstraint("country_code", "level", "short_code"),)

    @property
    def audit_label(self) -> str:
        return self.code

    @property
    def audit_scope_id(self) -> int:
        return self.id

    @property
    def office_code(self) -> str:
        return self.short_code

    def __repr__(self) -> str:
        return f"<Jurisdiction {self.code}>"


# A value that moves whenever what a user may see can change: programmes (added, removed, renamed, moved), the
# jurisdiction tree (added, removed, moved) and users' own jurisdictions. Database triggers set it (migration
# 6b0d3f9a2c71), on every path that writes those tables, raw SQL included; it is never counted up but drawn anew at
# random, so neither a rolled-back change nor a restored backup can leave a value that comes back later with other
# contents. Read with the signed-in user (one statement), it keys what a process keeps per user and scope (the
# claim list's programme choices): a change made by any process shows on the next page of every process.
scope_version = sa.Table(
    "scope_version",
    Base.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.BigInteger, nullable=False),
)
