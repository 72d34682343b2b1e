from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as L_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conflict_service.db import Base, enum_column
from conflict_service.enums import TitledEnum
from conflict_service.jurisdictions.models import Jurisdiction
from conflict_service.jurisdictions.queries import common_scope
from conflict_service.timeutil import utcnow


class Role(TitledEnum):
    CLERK = "clerk"
    VERIFIER = "verifier"
    MANAGER = "manager"
    AUDITOR = "auditor"
    ADMIN = "admin"

    @classmethod
    def _titles(cls):
        return {cls.CLERK: L_("Office clerk"), cls.VERIFIER: L_("Field verifier"), cls.MANAGER: L_("Programme manager"),
                cls.AUDITOR: L_("Auditor"), cls.ADMIN: L_("Administrator")}


user_jurisdictions = sa.Table(
    "user_jurisdictions",
    Base.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("jurisdiction_id", sa.ForeignKey("jurisdictions.id"), primary_key=True),
)


class User(Base):
    __tablename__ = "users"
    __audit_type__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(160), default="")
    role: Mapped[Role] = mapped_column(enum_column(Role))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    preferred_language: Mapped[str | None] = mapped_column(sa.String(10))
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_login_count: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    jurisdictions: Mapped[list[Jurisdiction]] = relationship(secondary=user_jurisdictions, lazy="selectin",
                                                             order_by=Jurisdiction.code)

    @property
    def audit_label(self) -> str:
        return self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def audit_scope_id(self) -> int | None:
        """Events about an account (created, changed, tokens, sign-ins) belong to where it works."""
        return common_scope(j.id for j in self.jurisdictions)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class ApiToken(Base):
    """A bearer token for API clients; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")

    def is_valid(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now and self.user.is_active


class UserSession(Base):
    """A signed-in browser session, kept on the server so that it can be ended: signing out, a new password, a
    changed role or a deactivation revoke it, and a copied cookie stops working at once. The cookie carries a
    random key; only its SHA-256 is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class FieldCredential(Base):
    """A username and generated password for a field device (ODK Collect, KoboCollect), never the web password.

    Only the HTTP Digest key ``MD5(username:realm:password)`` is kept: Digest needs it, and the password it comes
    from is a long random string the service generated, so it cannot be guessed back from the key.
    """

    __tablename__ = "field_credentials"
    __audit_type__ = "field_credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    username: Mapped[str] = mapped_column(sa.String(100), unique=True)
    label: Mapped[str] = mapped_column(sa.String(80), default="")
    digest_key: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.user.is_active

    @property
    def audit_scope_id(self) -> int | None:
        return self.user.audit_scope_id

    @property
    def audit_label(self) -> str:
        return self.username
