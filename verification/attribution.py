"""The least evidence an attribution needs (DESIGN §5): a programme's rules, checked against a site visit.

A visit that rates its attribution ``confirmed`` or ``probable`` must show what the programme asks for at that
level — a carcass found, so many of the signs it counts, so many photos — or it is refused with what is missing.
Photos count when attached to the claim before the visit or sent with it.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from claims.enums import Confidence, EvidenceSign
from claims.models import Claim, EvidenceRule
from conflict_service.db import db
from conflict_service.errors import ValidationError
from conflict_service.i18n import format_number, join_list
from verification.enums import EvidenceKind
from verification.models import EvidenceFile

# How a visit's checklist shows each sign a programme may count.
SIGN_FIELDS = {EvidenceSign.NECK_BITES: "has_neck_bites", EvidenceSign.CLAW_MARKS: "has_claw_marks",
               EvidenceSign.DRAG_MARKS: "has_drag_marks", EvidenceSign.CARCASS_CACHED: "is_carcass_cached",
               EvidenceSign.TRACKS: "has_tracks", EvidenceSign.SCAT: "has_scat", EvidenceSign.HAIR: "has_hair",
               EvidenceSign.CAMERA_TRAP_IMAGE: "has_camera_trap_image"}


def signs_found(data: dict) -> set[EvidenceSign]:
    found = {sign for sign, name in SIGN_FIELDS.items() if data.get(name)}
    if data.get("canine_spacing_mm") is not None:
        found.add(EvidenceSign.CANINE_SPACING)
    return found


def photos_for(claim: Claim, inspected=()) -> int:
    """The claim's distinct photos: those attached already and those checked uploads (``Inspected``) that add one."""
    attached = set(db.session.scalars(sa.select(EvidenceFile.sha256).where(
        EvidenceFile.claim_id == claim.id, EvidenceFile.kind == EvidenceKind.PHOTO)))
    return len(attached | {found.sha256 for found in inspected if found.type.kind == EvidenceKind.PHOTO})


def missing(rule: EvidenceRule | None, data: dict, photos: int) -> list[str]:
    """What the visit lacks for ``rule``, one sentence each (empty when the evidence is enough)."""
    if rule is None:
        return []
    level = rule.confidence.title
    out = []
    if rule.is_carcass_required and not data.get("has_carcass"):
        out.append(_("A “{confidence}” attribution needs a carcass found at the site.").format(confidence=level))
    counted = [s for s in rule.signs if s in signs_found(data)]
    if len(counted) < rule.min_signs:
        out.append(_("A “{confidence}” attribution needs at least {count} of these signs: {signs}; the visit records "
                     "{found}.").format(confidence=level, count=format_number(rule.min_signs),
                                        signs=join_list([str(s.title) for s in rule.signs]),
                                        found=join_list([str(s.title) for s in counted]) if counted else _("none")))
    if photos < rule.min_photos:
        out.append(ngettext("A “%(confidence)s” attribution needs at least %(count)s photo attached to the claim or "
                            "sent with the visit; there are %(found)s.",
                            "A “%(confidence)s” attribution needs at least %(count)s photos attached to the claim or "
                            "sent with the visit; there are %(found)s.", rule.min_photos,
                            confidence=level, count=format_number(rule.min_photos), found=format_number(photos)))
    return out


def supported(programme, data: dict, photos: int) -> Confidence:
    """The highest confidence the evidence supports under the programme's rules."""
    for level in (Confidence.CONFIRMED, Confidence.PROBABLE):
        if not missing(programme.evidence_rule(level), data, photos):
            return level
    return Confidence.POSSIBLE


def check(programme, data: dict, photos: int) -> None:
    """Refuse (422 on ``confidence``) a visit that claims more confidence than its evidence supports."""
    lacking = missing(programme.evidence_rule(data["confidence"]), data, photos)
    if lacking:
        best = supported(programme, data, photos)
        lacking.append(_("With this evidence the attribution can be at most “{confidence}”.").format(
            confidence=best.title))
        raise ValidationError({"confidence": lacking})
