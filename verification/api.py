"""JSON API for field verification: assignment, worklist, site visits, evidence files and appeals."""

from __future__ import annotations

from flask.views import MethodView

from claims.queries import get_claim
from claims.schemas import ClaimPageSchema, ClaimSchema
from conflict_service.api import BEARER, blueprint
from conflict_service.auth.models import Role
from conflict_service.auth.roles import CASE_HANDLERS, FIELD_RECORDERS, RECORD_READERS
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db
from verification import operations, queries
from verification.files import send_evidence
from verification.schemas import (
    AppealSchema,
    AssignmentSchema,
    AssignSchema,
    CarcassDisposalSchema,
    EvidenceSchema,
    EvidenceUploadedSchema,
    EvidenceUploadSchema,
    VerificationCreateSchema,
    VerificationSchema,
    WorklistQuerySchema,
)

blp = blueprint("Verification", __name__, "", "Field verification: assignment, site visits, evidence, appeals.")


@blp.route("/claims/<int:claim_id>/assign")
class ClaimAssign(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(AssignSchema)
    @blp.response(200, ClaimSchema)
    @roles_allowed(*CASE_HANDLERS)
    def post(self, data, claim_id):
        """Assign a submitted claim to a verifier of its area, or reassign it (clerks, managers).

        The verification is due `verification_sla_hours` after filing (after an appeal: after the appeal);
        reassigning does not move the due time.
        """
        user = signed_in_user()
        operations.assign_verifier(get_claim(claim_id, user), data, user)
        db.session.commit()
        return get_claim(claim_id, user)  # read again: the lifecycle's row lock reloads the claim without its owner


@blp.route("/claims/<int:claim_id>/assignments")
class ClaimAssignments(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, AssignmentSchema(many=True))
    @roles_allowed(*RECORD_READERS)
    def get(self, claim_id):
        """Every assignment of the claim, including the ones ended by reassignment."""
        return queries.assignments_for(get_claim(claim_id, signed_in_user()))


@blp.route("/worklist")
class Worklist(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(WorklistQuerySchema, location="query")
    @blp.response(200, ClaimPageSchema)
    @roles_allowed(Role.VERIFIER)
    def get(self, args):
        """Your assigned claims awaiting a site visit, soonest due first (verifiers)."""
        return queries.worklist_page(signed_in_user(), **args)


@blp.route("/claims/<int:claim_id>/verification")
class ClaimVerification(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, VerificationSchema(many=True))
    @roles_allowed(*RECORD_READERS)
    def get(self, claim_id):
        """The site-visit records of the claim (a second one after an appeal)."""
        return queries.verifications_for(get_claim(claim_id, signed_in_user()))

    @blp.doc(security=BEARER)
    @blp.arguments(VerificationCreateSchema)
    @blp.response(201, VerificationSchema)
    @roles_allowed(Role.VERIFIER)
    def post(self, data, claim_id):
        """Record the site visit (the assigned verifier, never the claim's filer).

        `outcome` `confirmed` moves the claim to `verified`, `rejected` (with a `rejection_reason`) to `rejected`.
        """
        user = signed_in_user()
        visit = operations.record_verification(get_claim(claim_id, user), data, user)
        db.session.commit()
        return visit


@blp.route("/claims/<int:claim_id>/evidence")
class ClaimEvidence(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, EvidenceSchema(many=True))
    @roles_allowed(*RECORD_READERS)
    def get(self, claim_id):
        """The claim's photos and documents, with EXIF time and place compared with the incident."""
        return queries.evidence_for(get_claim(claim_id, signed_in_user()))

    @blp.doc(security=BEARER)
    @blp.arguments(EvidenceUploadSchema, location="files")
    @blp.response(201, EvidenceUploadedSchema)
    @blp.alt_response(200, schema=EvidenceUploadedSchema, description="The same file was attached already")
    @roles_allowed(*FIELD_RECORDERS)
    def post(self, data, claim_id):
        """Attach a JPEG or PNG photo or a PDF (clerks; the assigned verifier).

        The type is recognised by content, not by name; anything else, an empty file or one larger than
        `EVIDENCE_MAX_BYTES` is refused with 422 and nothing is stored.
        """
        user = signed_in_user()
        upload = data["file"]
        (row,) = operations.add_evidence(get_claim(claim_id, user), [(upload.stream, upload.filename)], user)
        db.session.commit()
        return row, 200 if row.is_duplicate_upload else 201


@blp.route("/claims/<int:claim_id>/evidence/<int:evidence_id>")
class EvidenceItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, EvidenceSchema)
    @roles_allowed(*RECORD_READERS)
    def get(self, claim_id, evidence_id):
        """One evidence file's metadata."""
        return queries.get_evidence(get_claim(claim_id, signed_in_user()), evidence_id)


@blp.route("/claims/<int:claim_id>/evidence/<int:evidence_id>/file")
class EvidenceContent(MethodView):
    @blp.doc(security=BEARER, responses={"200": {"description": "The file, with its stored content type."}})
    @roles_allowed(*RECORD_READERS)
    def get(self, claim_id, evidence_id):
        """Download the file itself."""
        claim = get_claim(claim_id, signed_in_user())
        return send_evidence(claim, queries.get_evidence(claim, evidence_id))


@blp.route("/claims/<int:claim_id>/evidence/<int:evidence_id>/thumbnail")
class EvidenceThumbnail(MethodView):
    @blp.doc(security=BEARER, responses={"200": {"description": "A small JPEG of the photo."}})
    @roles_allowed(*RECORD_READERS)
    def get(self, claim_id, evidence_id):
        """A small JPEG of a photo."""
        claim = get_claim(claim_id, signed_in_user())
        return send_evidence(claim, queries.get_evidence(claim, evidence_id), thumbnail=True)


@blp.route("/claims/<int:claim_id>/appeal")
class ClaimAppeal(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(AppealSchema)
    @blp.response(200, ClaimSchema)
    @roles_allowed(Role.CLERK)
    def post(self, data, claim_id):
        """File the owner's appeal of a rejected claim (clerks; once, within the programme's `appeal_days`).

        The claim goes back to `under_verification`, due `verification_sla_hours` after the appeal. Give
        `verifier_id` to assign the new verifier at once; the verifier who rejected it is refused (422).
        """
        user = signed_in_user()
        operations.file_appeal(get_claim(claim_id, user), data, user)
        db.session.commit()
        return get_claim(claim_id, user)


@blp.route("/claims/<int:claim_id>/carcass-disposal")
class ClaimCarcassDisposal(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(CarcassDisposalSchema)
    @blp.response(200, VerificationSchema(many=True))
    @roles_allowed(*FIELD_RECORDERS)
    def post(self, data, claim_id):
        """Record that the carcass a site visit left in place was disposed of later (clerks, verifiers).

        Clears the claim's "carcass left in place" flag. 409 when no carcass of the claim is waiting for it;
        422 for a date in the future or before the visit. Returns the site visits it applied to.
        """
        user = signed_in_user()
        visits = operations.record_carcass_disposal(get_claim(claim_id, user), data, user)
        db.session.commit()
        return visits
