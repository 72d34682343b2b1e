"""Oversight pages: the public claim status (no sign-in) and exports for managers and auditors."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as L_

from claims.queries import programmes_for
from claims.states import ClaimState
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import login_required
from conflict_service.db import db
from conflict_service.errors import NotFound, ValidationError
from conflict_service.i18n import set_context_language
from conflict_service.security import status_limit
from conflict_service.web import forms as web_forms
from conflict_service.web.views import nav
from oversight import public
from oversight.api import ExportQuerySchema, export_response

bp = Blueprint("public", __name__, template_folder="templates")

NAV = [nav(L_("Exports"), "public.exports_page", *OVERSEERS)]


@bp.route("/status", methods=["GET", "POST"])
@status_limit
def status_lookup():
    number = request.values.get("number", "").strip()
    if request.method == "POST" and number:
        return status(number)
    return render_template("oversight/status_lookup.html", number=number, errors={}, known=False)


@bp.route("/status/<number>", methods=["GET", "POST"])
@status_limit
def status(number: str):
    try:
        claim = public.find_claim(number)
    except NotFound as error:
        return render_template("oversight/status_lookup.html", number=number, known=False,
                               errors={"number": [error.message]}), 404
    g.context_language_first = True
    set_context_language(claim.owner.preferred_language)  # unless the visitor chose another (?lang=, the switcher)
    if request.method == "GET" or "pin" not in request.form:
        return render_template("oversight/status_lookup.html", number=claim.number, errors={}, known=True)
    try:
        result = public.check_pin(claim, request.form.get("pin", ""))
    except ValidationError as error:
        db.session.commit()  # keep the failure count
        return render_template("oversight/status_lookup.html", number=claim.number, errors=error.errors,
                               known=True), error.status
    db.session.commit()
    return render_template("oversight/status.html", claim=claim, milestones=result.milestones,
                           next_step=public.next_step(claim), describe_milestone=public.describe_milestone)


@bp.get("/status/")
def status_slash():
    return redirect(url_for("public.status_lookup"))


@bp.get("/exports")
@login_required(*OVERSEERS)
def exports_page():
    return render_template("oversight/exports.html", statuses=ClaimState.choices(),
                           programmes=programmes_for(g.user), args=request.args.to_dict())


@bp.get("/exports/claims.<any(csv, xlsx, geojson):fmt>")
@login_required(*OVERSEERS)
def export_download(fmt: str):
    raw = web_forms.clean(request.args, ("office_id", "programme_id", "incident_from", "incident_to", "q",
                                         "carcass_left", "bom"))
    if request.args.getlist("status"):
        raw["status"] = [s for s in request.args.getlist("status") if s]
    return export_response(g.user, fmt, web_forms.load(ExportQuerySchema(), raw))
