"""What the verification pages show: the claim's assignments, visits and evidence, side by side with the claim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as L_

from claims.states import ClaimAction, ClaimState, check_action
from conflict_service.errors import DomainError
from verification import permissions, queries
from verification.geo import distance_km
from verification.models import Verification

CHECKLIST_LABELS = [
    ("has_carcass", L_("Carcass found")),
    ("has_neck_bites", L_("Bite marks on the neck or throat")),
    ("has_claw_marks", L_("Claw marks")),
    ("has_drag_marks", L_("Drag marks")),
    ("is_carcass_cached", L_("Carcass cached or covered")),
    ("has_tracks", L_("Tracks")),
    ("has_scat", L_("Scat")),
    ("has_hair", L_("Hair")),
    ("has_camera_trap_image", L_("Camera-trap image")),
]
# The visit form's questions: the web form and the field devices' XForm (field.xlsform) both read them here.
VISIT_LABELS = {
    "claim": L_("Claim"),
    "visited_at": L_("Date and time of the visit"),
    "visit_location": L_("Your position at the site"),
    "checklist": L_("Evidence found at the site"),
    "canine_spacing_mm": L_("Spacing of the canine marks (mm)"),
    "canine_spacing_hint": L_("Measured between the centres of the two upper canine punctures."),
    "canine_spacing_error": L_("Give the spacing between the canine marks in mm, between {min} and {max}."),
    "photos": L_("Photos"),
    "photo": L_("Photo"),
    "photo_location": L_("Where the photo was taken"),
    "predator": L_("Predator"),
    "confidence": L_("How sure"),
    "lines": L_("Losses found"),
    "lines_hint": L_("Start from the claimed losses and correct them to what you found."),
    "species": L_("Species"),
    "age_class": L_("Age"),
    "loss_outcome": L_("Outcome"),
    "count": L_("Number of animals"),
    "circumstances": L_("Circumstances at the site"),
    "circumstances_hint": L_("Change only what you found to be different from the claim."),
    "carcass_disposal": L_("What was done with the carcass"),
    "carcass_hint": L_("A carcass left in place is flagged: it may be poisoned in revenge and kill leopards."),
    "outcome": L_("Is this a depredation the programme should consider?"),
    "rejection_reason": L_("Reason for rejecting"),
    "notes": L_("Notes"),
    "yes": L_("Yes"),
    "no": L_("No"),
}
CORRECTION_LABELS = [
    ("time_of_day", L_("Day or night")),
    ("is_in_corral", L_("Inside a corral")),
    ("is_herder_present", L_("Herder present")),
    ("is_guard_dog_present", L_("Guard dog present")),
]


@dataclass
class LossRow:
    species: object
    age_class: object
    outcome: object
    claimed: int
    verified: int

    @property
    def differs(self) -> bool:
        return self.claimed != self.verified


@dataclass
class VisitView:
    record: Verification
    losses: list[LossRow]
    distance_km: float | None
    corrections: list[tuple[object, object, object]]  # (label, as claimed, as found)


def compare_losses(claim, visit: Verification) -> list[LossRow]:
    """Claimed and verified counts per (species, age, outcome), in the claim's order, then what only the visit found."""
    rows: dict[tuple, LossRow] = {}
    for line in claim.lines:
        rows[(line.species, line.age_class, line.outcome)] = LossRow(line.species, line.age_class, line.outcome,
                                                                     line.count, 0)
    for line in visit.lines:
        key = (line.species, line.age_class, line.outcome)
        rows.setdefault(key, LossRow(*key, 0, 0)).verified = line.count
    return list(rows.values())


def _corrections(claim, visit: Verification) -> list[tuple]:
    out = []
    for name, label in CORRECTION_LABELS:
        found = getattr(visit, name)
        if found is not None and found != getattr(claim, name):
            out.append((label, getattr(claim, name), found))
    return out


def visit_view(claim, visit: Verification) -> VisitView:
    return VisitView(visit, compare_losses(claim, visit),
                     distance_km(visit.visit_lat, visit.visit_lon, claim.incident_lat, claim.incident_lon),
                     _corrections(claim, visit))


def _allowed(claim, action: ClaimAction, user) -> bool:
    try:
        check_action(claim, action, user)
    except DomainError:
        return False
    return True


def appeal_deadline(claim) -> datetime | None:
    if claim.status != ClaimState.REJECTED or claim.appealed_at is not None:
        return None
    return claim.status_changed_at + timedelta(days=claim.programme.appeal_days)


def claim_context(claim, user) -> dict:
    """Everything the claim page's verification section and the action pages need, in a few statements."""
    names = queries.user_names([claim.assigned_verifier_id, claim.prior_verifier_id])
    can_assign = permissions.can_assign(user, claim)
    may_appeal = permissions.can_appeal(user, claim) and _allowed(claim, ClaimAction.APPEAL, user)
    return {
        "claim": claim, "tz": claim.office.timezone, "assignments": queries.assignments_for(claim),
        "current_verifier": names.get(claim.assigned_verifier_id),
        "prior_verifier": names.get(claim.prior_verifier_id),
        "visits": [visit_view(claim, v) for v in queries.verifications_for(claim)],
        "evidence": queries.evidence_for(claim), "appeal": queries.appeal_for(claim),
        "appeal_deadline": appeal_deadline(claim),
        "can_assign": can_assign, "can_visit": permissions.can_record_visit(user, claim),
        "can_upload": permissions.can_add_evidence(user, claim), "can_appeal": may_appeal,
        "verifiers": queries.assignable_verifiers(claim) if can_assign or may_appeal else [],
        "checklist": CHECKLIST_LABELS, "correction_labels": CORRECTION_LABELS,
        "can_dispose": lambda visit: permissions.can_record_carcass_disposal(user, visit),
    }
