"""What field devices send: every submission received, kept whole, and the files that came with it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from claims.models import Claim
from conflict_service.auth.models import User
from conflict_service.db import Base, enum_column
from conflict_service.timeutil import utcnow
from field.enums import ReviewReason, SubmissionStatus


class FieldSubmission(Base):
    """One form instance from ODK Collect or KoboCollect (by its ``instanceID``), never deleted."""

    __tablename__ = "field_submissions"
    __audit_type__ = "field_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(sa.String(100), unique=True)
    form_version: Mapped[str] = mapped_column(sa.String(40), default="")
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    credential_id: Mapped[int | None] = mapped_column(sa.ForeignKey("field_credentials.id"))
    device_id: Mapped[str] = mapped_column(sa.String(100), default="")
    claim_ref: Mapped[str] = mapped_column(sa.String(40), default="")
    claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claims.id"), index=True)
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    xml: Mapped[str] = mapped_column(sa.Text)
    xml_sha256: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[SubmissionStatus] = mapped_column(enum_column(SubmissionStatus), index=True)
    reason: Mapped[ReviewReason | None] = mapped_column(enum_column(ReviewReason))
    reason_detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    verification_id: Mapped[int | None] = mapped_column(sa.ForeignKey("verifications.id"))
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str] = mapped_column(sa.Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    claim: Mapped[Claim | None] = relationship()
    files: Mapped[list[FieldSubmissionFile]] = relationship(back_populates="submission", lazy="selectin",
                                                            order_by="FieldSubmissionFile.id")

    @property
    def audit_label(self) -> str:
        return self.instance_id

    @property
    def audit_scope_id(self) -> int | None:
        return self.claim.office_id if self.claim is not None else self.user.audit_scope_id


class FieldSubmissionFile(Base):
    """A photo sent with a submission: checked by the evidence pipeline, kept in the evidence store by hash."""

    __tablename__ = "field_submission_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("field_submissions.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(120))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size_bytes: Mapped[int]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    evidence_id: Mapped[int | None] = mapped_column(sa.ForeignKey("evidence_files.id"))
    lat: Mapped[float | None]  # the photo's own geopoint from the form
    lon: Mapped[float | None]
    accuracy_m: Mapped[float | None]

    submission: Mapped[FieldSubmission] = relationship(back_populates="files")

    __table_args__ = (sa.UniqueConstraint("submission_id", "filename"),)
