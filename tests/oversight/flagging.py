"""Helpers for anomaly-flag tests: what a claim is flagged for, evidence rows, site visits."""

from __future__ import annotations

from datetime import timedelta

from claims.enums import AgeClass, Confidence, LossOutcome, Predator, Species
from conflict_service.db import db
from oversight.flags import queries
from verification.enums import EvidenceKind, VerificationOutcome
from verification.models import EvidenceFile, Verification


def flags_of(claim) -> set[str]:
    return {f.rule for f in queries.for_claim(claim)}


def line(species="sheep", count=2) -> dict:
    return {"species": Species(species), "age_class": AgeClass.ADULT, "outcome": LossOutcome.KILLED, "count": count}


def photo(claim, user, sha="a" * 64, **exif) -> EvidenceFile:
    evidence = EvidenceFile(claim_id=claim.id, sha256=sha, kind=EvidenceKind.PHOTO, content_type="image/jpeg",
                            size_bytes=1000, display_name=f"{sha[:4]}.jpg", uploaded_by_id=user.id, **exif)
    db.session.add(evidence)
    db.session.flush()
    return evidence


def visit(claim, verifier, confirmed: bool) -> Verification:
    verification = Verification(
        claim_id=claim.id, verifier_id=verifier.id, visited_at=claim.incident_at + timedelta(hours=5),
        predator=Predator.LEOPARD, confidence=Confidence.PROBABLE,
        outcome=VerificationOutcome.CONFIRMED if confirmed else VerificationOutcome.REJECTED)
    db.session.add(verification)
    db.session.flush()
    return verification
