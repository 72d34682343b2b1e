from flask_babel import lazy_gettext as L_
from flask_babel import lazy_pgettext as LP_

from claims.enums import TitledEnum


class VerificationOutcome(TitledEnum):
    CONFIRMED = "confirmed"
    REJECTED = "rejected"

    @classmethod
    def _titles(cls):
        return {cls.CONFIRMED: LP_("verification outcome", "Confirmed"),
                cls.REJECTED: LP_("verification outcome", "Rejected")}


class RejectionReason(TitledEnum):
    NOT_DEPREDATION = "not_depredation"
    OTHER_PREDATOR = "other_predator"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"
    FALSE_CLAIM = "false_claim"
    DUPLICATE = "duplicate"
    OUTSIDE_PROGRAMME = "outside_programme"

    @classmethod
    def _titles(cls):
        return {cls.NOT_DEPREDATION: L_("Not a depredation"),
                cls.OTHER_PREDATOR: L_("Another predator, not covered"),
                cls.INSUFFICIENT_EVIDENCE: L_("Insufficient evidence"),
                cls.FALSE_CLAIM: L_("False claim"),
                cls.DUPLICATE: L_("Duplicate of another claim"),
                cls.OUTSIDE_PROGRAMME: L_("Outside the programme")}


class CarcassDisposal(TitledEnum):
    BURIED = "buried"
    BURNED = "burned"
    REMOVED = "removed"
    LEFT_IN_PLACE = "left_in_place"

    @classmethod
    def _titles(cls):
        return {cls.BURIED: L_("Buried"), cls.BURNED: L_("Burned"), cls.REMOVED: L_("Removed"),
                # i18n: flagged, because a carcass left out may be poisoned and kill leopards
                cls.LEFT_IN_PLACE: L_("Left in place")}


class EvidenceKind(TitledEnum):
    PHOTO = "photo"
    DOCUMENT = "document"

    @classmethod
    def _titles(cls):
        return {cls.PHOTO: L_("Photo"), cls.DOCUMENT: L_("Document")}


class AssignmentEnd(TitledEnum):
    """Why a verifier's assignment stopped being the current one."""

    REASSIGNED = "reassigned"
    VERIFIED = "verified"

    @classmethod
    def _titles(cls):
        return {cls.REASSIGNED: L_("Reassigned"), cls.VERIFIED: L_("Site visit recorded")}
