"""Web pages for field verification: worklist, site-visit form, evidence, assignment and appeal.

Each action has its own small page; the claim page embeds the same forms, and a form with mistakes comes back
on its own page with the messages and what was typed.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict

from claims.permissions import can_view_records
from claims.queries import get_claim
from claims.states import ClaimAction, check_action
from conflict_service.auth.models import Role
from conflict_service.auth.roles import CASE_HANDLERS, FIELD_RECORDERS, RECORD_READERS
from conflict_service.auth.session import login_required
from conflict_service.db import db
from conflict_service.errors import ValidationError
from conflict_service.i18n import format_date, format_number
from conflict_service.web import forms as web_forms
from conflict_service.web.actions import submit
from conflict_service.web.views import nav
from verification import drafts, forms, operations, permissions, queries
from verification.files import send_evidence
from verification.presentation import claim_context
from verification.schemas import (
    AppealSchema,
    AssignSchema,
    CarcassDisposalSchema,
    VerificationCreateSchema,
    WorklistQuerySchema,
)

bp = Blueprint("verification", __name__, template_folder="templates")

NAV = [nav(L_("My worklist"), "verification.worklist", Role.VERIFIER)]


# --- slot contributions ----------------------------------------------------------------------------------

def home_panel(_subject, user) -> str | None:
    if not can_view_records(user):
        return None
    mine = queries.worklist_page(user, per_page=5).items if permissions.has_worklist(user) else []
    office_view = user.role != Role.VERIFIER
    return render_template("verification/home_panel.html", summary=queries.summary(user), mine=mine,
                           overdue=queries.overdue_claims(user) if office_view else [],
                           appeals=queries.appeals_awaiting_verifier(user) if office_view else [])


def claim_section(claim, user) -> str | None:
    if not can_view_records(user):
        return None
    return render_template("verification/claim_section.html", **claim_context(claim, user))


# --- worklist ------------------------------------------------------------------------------------------

@bp.get("/worklist")
@login_required(Role.VERIFIER)
def worklist():
    try:
        args = web_forms.load(WorklistQuerySchema(), web_forms.clean(request.args, ("overdue", "page")))
    except ValidationError:
        args = WorklistQuerySchema().load({})
    page = queries.worklist_page(g.user, **args)
    return render_template("verification/worklist.html", page=page, args=request.args.to_dict())


# --- site visit ----------------------------------------------------------------------------------------

@bp.route("/claims/<int:claim_id>/visit", methods=["GET", "POST"])
@login_required(Role.VERIFIER, keep_work=drafts.keep_posted_visit)
def visit(claim_id):
    claim = get_claim(claim_id, g.user)
    check_action(claim, ClaimAction.VERIFY_CONFIRM, g.user)  # 403/409 before showing a form that cannot be used
    values, errors = forms.visit_defaults(claim), {}
    token = request.values.get("draft", "")
    draft = drafts.open_draft(token, g.user, claim) if token else None
    kept = request.form.getlist("keep_photo") if request.method == "POST" else [p["sha256"] for p in
                                                                                 (draft.photos if draft else [])]
    if draft is not None and request.method == "GET":
        values = forms.visit_values(MultiDict(draft.form))
    if request.method == "POST":
        values = forms.visit_values(request.form)
    if request.method == "POST" and "add_line" not in request.form:
        try:
            data = forms.visit_data(request.form, claim, VerificationCreateSchema())
            chosen = forms.uploads(request.files, "photos") + drafts.kept_uploads(draft, kept)
            operations.record_verification(claim, data, g.user, chosen)
            drafts.discard(draft)
            db.session.commit()
            flash(_("Site visit recorded: claim {number} is {state}.").format(
                number=claim.number, state=str(claim.status.title).lower()), "success")
            return redirect(_verification_of(claim))
        except ValidationError as error:
            errors = error.errors
            db.session.rollback()
            if drafts.has_new_photos():  # the photos chosen are kept, so a corrected form need not choose them again
                draft = drafts.keep(g.user, claim)
                kept = [p["sha256"] for p in draft.photos]
    context = claim_context(claim, g.user)
    return render_template("verification/visit_form.html", values=values, errors=errors, draft=draft, kept=kept,
                           **forms.visit_choices(claim), **context), (422 if errors else 200)


# --- evidence ------------------------------------------------------------------------------------------

@bp.route("/claims/<int:claim_id>/evidence", methods=["GET", "POST"])
@login_required(*RECORD_READERS)
def evidence_upload(claim_id):
    claim = get_claim(claim_id, g.user)
    operations.check_evidence_allowed(claim, g.user)
    errors = {}
    if request.method == "POST":
        try:
            chosen = forms.uploads(request.files, "file")
            if not chosen:
                raise ValidationError.field("file", _("Choose a file to upload."))
            rows = operations.add_evidence(claim, chosen, g.user)
            db.session.commit()
            _flash_uploaded(rows)
            return redirect(url_for("claims.claim_detail", claim_id=claim.id, _anchor="evidence"))
        except ValidationError as error:
            errors = error.errors
    return render_template("verification/evidence_form.html", claim=claim, errors=errors), (422 if errors else 200)


def _flash_uploaded(rows) -> None:
    added = [r for r in rows if not r.is_duplicate_upload]
    if added:
        flash(ngettext("%(count)s file attached.", "%(count)s files attached.", len(added),
                       count=format_number(len(added))), "success")
    for row in rows:
        if row.is_duplicate_upload:
            flash(_("This file was already attached on {when}: {name}").format(
                when=format_date(row.uploaded_at, tz=row.claim.office.timezone),  # the day at the claim's office
                name=row.shown_name), "info")


@bp.get("/claims/<int:claim_id>/evidence/<int:evidence_id>/file")
@login_required(*RECORD_READERS)
def evidence_file(claim_id, evidence_id):
    claim = get_claim(claim_id, g.user)
    return send_evidence(claim, queries.get_evidence(claim, evidence_id))


@bp.get("/claims/<int:claim_id>/evidence/<int:evidence_id>/thumbnail")
@login_required(*RECORD_READERS)
def evidence_thumbnail(claim_id, evidence_id):
    claim = get_claim(claim_id, g.user)
    return send_evidence(claim, queries.get_evidence(claim, evidence_id), thumbnail=True)


# --- assignment and appeal -----------------------------------------------------------------------------

@bp.route("/claims/<int:claim_id>/assign", methods=["GET", "POST"])
@login_required(*CASE_HANDLERS)
def assign(claim_id):
    claim = get_claim(claim_id, g.user)
    check_action(claim, operations.assign_action(claim), g.user)
    return submit(lambda errors: render_template("verification/assign_form.html", values=request.form.to_dict(),
                                                 errors=errors, **claim_context(claim, g.user)),
                  lambda: operations.assign_verifier(claim, web_forms.load(AssignSchema(), web_forms.clean(
                      request.form, ("verifier_id", "reason"))), g.user),
                  _("Claim {number} assigned.").format(number=claim.number), _verification_of(claim))


def _verification_of(claim) -> str:
    return url_for("claims.claim_detail", claim_id=claim.id, _anchor="verification")


@bp.route("/claims/<int:claim_id>/carcass-disposal", methods=["GET", "POST"])
@login_required(*FIELD_RECORDERS)
def carcass_disposal(claim_id):
    claim = get_claim(claim_id, g.user)
    if request.method == "GET" and not queries.carcasses_left(claim):
        flash(_("No carcass left in place is waiting for its disposal on this claim."), "info")
        return redirect(_verification_of(claim))
    return submit(lambda errors: render_template("verification/carcass_form.html", values=request.form.to_dict(),
                                                 errors=errors, disposals=forms.disposal_choices(),
                                                 **claim_context(claim, g.user)),
                  lambda: operations.record_carcass_disposal(
                      claim, web_forms.load(CarcassDisposalSchema(),
                                            web_forms.clean(request.form, ("disposed_on", "how", "done_by"))), g.user),
                  _("Disposal of the carcass recorded: the flag of claim {number} is cleared.").format(
                      number=claim.number), _verification_of(claim))


@bp.route("/claims/<int:claim_id>/appeal", methods=["GET", "POST"])
@login_required(Role.CLERK)
def appeal(claim_id):
    claim = get_claim(claim_id, g.user)
    check_action(claim, ClaimAction.APPEAL, g.user)
    return submit(lambda errors: render_template("verification/appeal_form.html", values=request.form.to_dict(),
                                                 errors=errors, **claim_context(claim, g.user)),
                  lambda: operations.file_appeal(claim, web_forms.load(AppealSchema(), web_forms.clean(
                      request.form, ("reason", "verifier_id"))), g.user),
                  _("Appeal filed: claim {number} goes back to verification.").format(number=claim.number),
                  _verification_of(claim))
