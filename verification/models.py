"""Assignments of verifiers, site-visit records with their evidence checklist, and evidence files."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from claims.enums import AgeClass, Confidence, LossOutcome, Predator, Species, TimeOfDay
from claims.models import Claim
from conflict_service.auth.models import User
from conflict_service.db import Base, enum_column
from conflict_service.timeutil import utcnow
from verification.enums import AssignmentEnd, CarcassDisposal, EvidenceKind, RejectionReason, VerificationOutcome
from verification.geo import distance_km

# A photo is worth a second look when its camera says it was taken this far from the incident, or this long
# before it (incident times are approximate, so a day of slack).
PHOTO_FAR_KM = 5.0
PHOTO_EARLY_HOURS = 24.0


class Assignment(Base):
    """A verifier put on a claim; reassignments end the previous row (kept as history)."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    verifier_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    assigned_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[AssignmentEnd | None] = mapped_column(enum_column(AssignmentEnd))
    round: Mapped[int] = mapped_column(default=1)  # 1: first verification; 2: after the appeal

    verifier: Mapped[User] = relationship(foreign_keys=[verifier_id], lazy="joined")
    assigned_by: Mapped[User] = relationship(foreign_keys=[assigned_by_id], lazy="joined")

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class Verification(Base):
    """What a field verifier found at the site: evidence, attribution, verified losses, outcome."""

    __tablename__ = "verifications"
    __audit_type__ = "verification"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    verifier_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    round: Mapped[int] = mapped_column(default=1)
    visited_at: Mapped[datetime]
    visit_lat: Mapped[float | None]
    visit_lon: Mapped[float | None]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Evidence checklist (DESIGN §3)
    has_carcass: Mapped[bool] = mapped_column(default=False)
    has_neck_bites: Mapped[bool] = mapped_column(default=False)
    canine_spacing_mm: Mapped[int | None]
    has_claw_marks: Mapped[bool] = mapped_column(default=False)
    has_drag_marks: Mapped[bool] = mapped_column(default=False)
    is_carcass_cached: Mapped[bool] = mapped_column(default=False)
    has_tracks: Mapped[bool] = mapped_column(default=False)
    has_scat: Mapped[bool] = mapped_column(default=False)
    has_hair: Mapped[bool] = mapped_column(default=False)
    has_camera_trap_image: Mapped[bool] = mapped_column(default=False)

    predator: Mapped[Predator] = mapped_column(enum_column(Predator))
    confidence: Mapped[Confidence] = mapped_column(enum_column(Confidence))

    # Circumstances as corrected at the site; None keeps what the claim says.
    time_of_day: Mapped[TimeOfDay | None] = mapped_column(enum_column(TimeOfDay))
    is_in_corral: Mapped[bool | None]
    is_herder_present: Mapped[bool | None]
    is_guard_dog_present: Mapped[bool | None]

    carcass_disposal: Mapped[CarcassDisposal | None] = mapped_column(enum_column(CarcassDisposal))
    outcome: Mapped[VerificationOutcome] = mapped_column(enum_column(VerificationOutcome))
    rejection_reason: Mapped[RejectionReason | None] = mapped_column(enum_column(RejectionReason))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    # A carcass left in place, disposed of later (recorded by a follow-up visit or call): this clears the flag.
    carcass_disposed_on: Mapped[date | None]
    carcass_disposed_how: Mapped[CarcassDisposal | None] = mapped_column(
        enum_column(CarcassDisposal, name="carcassdisposedhow"))
    carcass_disposed_by: Mapped[str | None] = mapped_column(sa.String(160))  # who did it (owner, ranger, ...)
    carcass_disposal_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    carcass_disposal_recorded_at: Mapped[datetime | None]

    claim: Mapped[Claim] = relationship()
    verifier: Mapped[User] = relationship(foreign_keys=[verifier_id], lazy="joined")
    carcass_disposal_recorded_by: Mapped[User | None] = relationship(foreign_keys=[carcass_disposal_recorded_by_id])
    lines: Mapped[list[VerifiedLossLine]] = relationship(back_populates="verification", cascade="all, delete-orphan",
                                                         order_by="VerifiedLossLine.position", lazy="selectin")

    @property
    def audit_label(self) -> str:
        return f"verification {self.round}"

    @property
    def is_carcass_left(self) -> bool:
        """Flag: the carcass was left in place and nobody has recorded its disposal since (poisoning risk)."""
        return self.carcass_disposal == CarcassDisposal.LEFT_IN_PLACE and self.carcass_disposed_on is None

    @property
    def head_verified(self) -> int:
        return sum(line.count for line in self.lines)


class VerifiedLossLine(Base):
    """A loss as the verifier found it (may differ from what was claimed)."""

    __tablename__ = "verified_loss_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    verification_id: Mapped[int] = mapped_column(sa.ForeignKey("verifications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    species: Mapped[Species] = mapped_column(enum_column(Species))
    age_class: Mapped[AgeClass] = mapped_column(enum_column(AgeClass))
    outcome: Mapped[LossOutcome] = mapped_column(enum_column(LossOutcome))
    count: Mapped[int]

    verification: Mapped[Verification] = relationship(back_populates="lines")

    __table_args__ = (sa.CheckConstraint("count > 0", name="count_positive"),)


class Appeal(Base):
    """An owner's appeal of a rejected claim, filed by a clerk; one per claim (DESIGN §4)."""

    __tablename__ = "appeals"
    __audit_type__ = "appeal"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"), unique=True)
    filed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    grounds: Mapped[str] = mapped_column(sa.Text)

    filed_by: Mapped[User] = relationship(foreign_keys=[filed_by_id], lazy="joined")


class EvidenceFile(Base):
    """A photo or document attached to a claim, stored under its SHA-256 (never under the uploaded name)."""

    __tablename__ = "evidence_files"
    __audit_type__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind))
    content_type: Mapped[str] = mapped_column(sa.String(40))
    size_bytes: Mapped[int]
    display_name: Mapped[str] = mapped_column(sa.String(120), default="")
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    width: Mapped[int | None]
    height: Mapped[int | None]
    exif_taken_at: Mapped[datetime | None]
    exif_lat: Mapped[float | None]
    exif_lon: Mapped[float | None]
    has_thumbnail: Mapped[bool] = mapped_column(default=False)

    uploaded_by: Mapped[User] = relationship(lazy="joined")
    claim: Mapped[Claim] = relationship()  # many-to-one: served from the session when the claim is loaded

    # Not stored: set by add_evidence on the existing row when the same content is uploaded to the claim again.
    is_duplicate_upload = False

    __table_args__ = (sa.UniqueConstraint("claim_id", "sha256"),)

    @property
    def is_image(self) -> bool:
        return self.kind == EvidenceKind.PHOTO

    @property
    def distance_km(self) -> float | None:
        """How far from the claimed incident place the camera was (EXIF GPS)."""
        return distance_km(self.exif_lat, self.exif_lon, self.claim.incident_lat, self.claim.incident_lon)

    @property
    def hours_from_incident(self) -> float | None:
        """Camera time minus claimed incident time, in hours (negative: taken before the incident; an incident whose
        time is not known counts from the start of its day)."""
        if self.exif_taken_at is None:
            return None
        return (self.exif_taken_at - self.claim.incident_earliest).total_seconds() / 3600

    @property
    def is_far_from_incident(self) -> bool:
        return self.distance_km is not None and self.distance_km > PHOTO_FAR_KM

    @property
    def is_taken_before_incident(self) -> bool:
        return self.hours_from_incident is not None and self.hours_from_incident < -PHOTO_EARLY_HOURS

    @property
    def audit_label(self) -> str:
        return self.sha256[:12]

    @property
    def shown_name(self) -> str:
        """The file's name as it was uploaded, or (none was given) its fingerprint as the audit page shows hashes: the
        first 12 characters of its SHA-256 and "…" — a code, never read as a number when it is all digits."""
        return self.display_name or f"{self.sha256[:12]}…"


class VisitDraft(Base):
    """A site-visit form that arrived after its session had expired, kept for its verifier to finish after signing in.

    ``form`` holds the posted fields as ``[name, value]`` pairs; ``photos`` the files chosen, already checked and
    kept in the evidence store (``{"sha256", "name"}``), so nothing has to be typed or chosen again.
    """

    __tablename__ = "visit_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"))
    form: Mapped[list] = mapped_column(sa.JSON, default=list)
    photos: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
