from flask_babel import lazy_gettext as L_

from conflict_service.enums import TitledEnum


class SubmissionStatus(TitledEnum):
    APPLIED = "applied"
    NEEDS_REVIEW = "needs_review"
    DISMISSED = "dismissed"

    @classmethod
    def _titles(cls):
        return {cls.APPLIED: L_("Applied"), cls.NEEDS_REVIEW: L_("Received, needs review"),
                cls.DISMISSED: L_("Dismissed")}


class ReviewReason(TitledEnum):
    """Why a field record could not become a site visit when it arrived (or when a manager tried again)."""

    REASSIGNED = "reassigned"
    NOT_UNDER_VERIFICATION = "not_under_verification"
    UNKNOWN_CLAIM = "unknown_claim"
    INVALID = "invalid"
    REFUSED = "refused"

    @classmethod
    def _titles(cls):
        return {cls.REASSIGNED: L_("The claim is now assigned to another verifier"),
                cls.NOT_UNDER_VERIFICATION: L_("The claim is no longer waiting for a site visit"),
                cls.UNKNOWN_CLAIM: L_("The claim named in the record was not found"),
                cls.INVALID: L_("Some answers need correcting"),
                cls.REFUSED: L_("The site visit was refused")}
