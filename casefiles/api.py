"""JSON API: a claim's case file and receipt as PDF (same implementation as the web page and the CLI)."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from casefiles import documents, premium_receipt
from casefiles.permissions import RECEIPT_REFUSAL, shows_personal_data
from casefiles.schemas import DocumentQuerySchema
from claims.queries import get_claim
from conflict_service.api import BEARER, blueprint
from conflict_service.auth.models import Role
from conflict_service.auth.roles import RECORD_READERS
from conflict_service.auth.session import roles_allowed, signed_in_user
from insurance import queries as insurance_queries
from insurance.permissions import INSURANCE_READERS

blp = blueprint("Documents", __name__, "/claims", "Printed documents of a claim: case file and receipt (PDF).")
premiums = blueprint("Premium receipts", __name__, "/premiums", "The receipt of a premium payment (PDF).")
PDF = {"type": "string", "format": "binary"}


def pdf_response(claim_id: int, kind: str, args: dict) -> Response:
    user = signed_in_user()
    claim = get_claim(claim_id, user)
    pdf, name = documents.render(claim, kind, lang=args["lang"], bilingual=args["bilingual"],
                                 show_personal=shows_personal_data(user))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"})


@blp.route("/<int:claim_id>/casefile.pdf")
class CaseFile(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(DocumentQuerySchema, location="query")
    @blp.response(200, PDF, content_type="application/pdf", description="The case file (A4, PDF).")
    @roles_allowed(*RECORD_READERS)
    def get(self, args, claim_id):
        """The claim's case file: summary, owner, incident, losses, verification, decisions, timeline, signatures."""
        return pdf_response(claim_id, "casefile", args)


@blp.route("/<int:claim_id>/receipt.pdf")
class Receipt(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(DocumentQuerySchema, location="query")
    @blp.response(200, PDF, content_type="application/pdf", description="The owner's receipt (one A4 page, PDF).")
    @roles_allowed(Role.CLERK, reason=RECEIPT_REFUSAL)
    def get(self, args, claim_id):
        """The owner's receipt: claim number, PIN, date, office and what happens next (clerks)."""
        return pdf_response(claim_id, "receipt", args)


@premiums.route("/<int:payment_id>/receipt.pdf")
class PremiumReceipt(MethodView):
    @premiums.doc(security=BEARER)
    @premiums.arguments(DocumentQuerySchema, location="query")
    @premiums.response(200, PDF, content_type="application/pdf", description="The premium receipt (one A4 page).")
    @roles_allowed(*INSURANCE_READERS)
    def get(self, args, payment_id):
        """The owner's receipt for a premium: receipt number, amount, policy, head insured, what is still due."""
        payment = insurance_queries.get_premium_payment(payment_id, signed_in_user())
        pdf, name = premium_receipt.render(payment, lang=args["lang"], bilingual=args["bilingual"])
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"})
