"""Web pages: a claim's case file and receipt (PDF), and the buttons for them on the claim page."""

from __future__ import annotations

from flask import Blueprint, Response, g, render_template, request

from casefiles import documents, premium_receipt
from casefiles.permissions import RECEIPT_REFUSAL, can_print_casefile, can_print_receipt, shows_personal_data
from casefiles.schemas import DocumentQuerySchema
from claims.queries import get_claim
from claims.states import ClaimState
from conflict_service.auth.models import Role
from conflict_service.auth.roles import RECORD_READERS
from conflict_service.auth.session import login_required
from conflict_service.web import forms as web_forms
from insurance import queries as insurance_queries
from insurance.permissions import INSURANCE_READERS

bp = Blueprint("casefiles", __name__, template_folder="templates")


def _document(claim_id: int, kind: str) -> Response:
    claim = get_claim(claim_id, g.user)
    raw = web_forms.clean(request.args, ("lang",)) | web_forms.flags(request.args, ("bilingual",))
    args = web_forms.load(DocumentQuerySchema(), raw)
    pdf, name = documents.render(claim, kind, lang=args["lang"], bilingual=args["bilingual"],
                                 show_personal=shows_personal_data(g.user))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"})


@bp.get("/claims/<int:claim_id>/casefile.pdf")
@login_required(*RECORD_READERS)
def casefile_pdf(claim_id):
    return _document(claim_id, "casefile")


@bp.get("/claims/<int:claim_id>/receipt.pdf")
@login_required(Role.CLERK, reason=RECEIPT_REFUSAL)
def receipt_pdf(claim_id):
    return _document(claim_id, "receipt")


@bp.get("/insurance/premiums/<int:payment_id>/receipt.pdf")
@login_required(*INSURANCE_READERS)
def premium_receipt_pdf(payment_id):
    payment = insurance_queries.get_premium_payment(payment_id, g.user)
    raw = web_forms.clean(request.args, ("lang",)) | web_forms.flags(request.args, ("bilingual",))
    args = web_forms.load(DocumentQuerySchema(), raw)
    pdf, name = premium_receipt.render(payment, lang=args["lang"], bilingual=args["bilingual"])
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"})


def claim_actions(claim, user) -> str | None:
    """Buttons at the top of the claim page; the receipt is the first thing a clerk needs after filing."""
    if not can_print_casefile(user):
        return None
    return render_template("casefiles/claim_actions.html", claim=claim, can_receipt=can_print_receipt(user),
                           just_filed=claim.status == ClaimState.SUBMITTED)


def claim_documents(claim, user) -> str | None:
    """The claim page's panel for printing in another language or bilingual."""
    if not can_print_casefile(user):
        return None
    return render_template("casefiles/claim_documents.html", claim=claim, can_receipt=can_print_receipt(user))
