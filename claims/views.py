"""Web pages for the office: home, owner registry and claim intake."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_

from claims import forms, operations, presentation, queries, rule_changes
from claims.enums import Clock, Predator, Species
from claims.permissions import (
    can_edit_claim,
    can_file_claim,
    can_manage_programmes,
    can_merge_owners,
    can_register_owner,
    can_see_personal_data,
    can_view_records,
)
from claims.schemas import (
    ClaimCreateSchema,
    ClaimQuerySchema,
    HerdCountCreateSchema,
    OwnerCreateSchema,
    OwnerMergeSchema,
    OwnerQuerySchema,
    ProgrammeCreateSchema,
    ProgrammeUpdateSchema,
    WithdrawSchema,
)
from claims.states import ClaimState
from conflict_service import i18n
from conflict_service.audit.queries import events_for
from conflict_service.auth.models import Role
from conflict_service.auth.roles import OVERSEERS, RECORD_READERS
from conflict_service.auth.session import login_required
from conflict_service.db import db
from conflict_service.errors import Conflict, NotFound, ValidationError
from conflict_service.i18n import plain_digits, set_context_programme
from conflict_service.jurisdictions import queries as jq
from conflict_service.web import forms as web_forms
from conflict_service.web.actions import act, submit
from conflict_service.web.extensions import form_parts, render_form_parts, render_slot
from conflict_service.web.views import nav

bp = Blueprint("claims", __name__, template_folder="templates")

NAV = [
    nav(L_("Home"), "claims.home", *Role),
    nav(L_("Owners"), "claims.owner_list", *RECORD_READERS),
    nav(L_("Claims"), "claims.claim_list", *RECORD_READERS),
    nav(L_("Programmes"), "claims.programme_list", *OVERSEERS),
]


@bp.get("/")
@login_required()
def home():
    user = g.user
    counts = queries.count_by_status(user) if can_view_records(user) else {}
    recent = queries.claims_page(user, queries.ClaimFilters(), 1, 8).items if can_view_records(user) else []
    overdue = queries.overdue_counts(user) if can_view_records(user) else {}
    return render_template("claims/home.html", counts=counts, recent=recent, overdue=overdue,
                           panels=render_slot("home", None, user))


# --- owners ------------------------------------------------------------------------------------------------

@bp.get("/owners")
@login_required(*RECORD_READERS)
def owner_list():
    args = web_forms.load(OwnerQuerySchema(), web_forms.clean(request.args, ("q", "office_id", "village", "page")))
    page = queries.owners_page(g.user, **args)
    return render_template("claims/owner_list.html", page=page, args=request.args.to_dict(),
                           can_register=can_register_owner(g.user))


@bp.route("/owners/new", methods=["GET", "POST"])
@login_required(Role.CLERK)
def owner_new():
    posted = request.method == "POST"
    values = forms.owner_values(request.form) if posted else forms.owner_defaults(g.user)

    def register():
        owner = operations.register_owner(web_forms.load(OwnerCreateSchema(), forms.owner_data(request.form)), g.user)
        for part in form_parts("owner_new"):  # e.g. consent to messages (notifications)
            part.apply(owner, request.form, g.user)
        return owner

    return submit(lambda errors: render_template(
        "claims/owner_form.html", values=values, errors=errors, owner=None, twins=_twins(values, errors),
        **forms.owner_choices(g.user), parts=render_form_parts("owner_new", request.form if posted else {}, errors)),
        register, lambda owner: _("Owner {name} registered.").format(name=owner.name),
        lambda owner: url_for("claims.owner_detail", owner_id=owner.id))


def _twins(values: dict, errors: dict, owner=None) -> list:
    """The owners a refusal as a possible second registration names, for links to their pages."""
    if "another_household" not in errors:
        return []
    return queries.possible_duplicate_owners(g.user, values["name"], values["village"],
                                             plain_digits(values["national_id"]), besides=owner.id if owner else None)


@bp.get("/owners/<int:owner_id>")
@login_required(*RECORD_READERS)
def owner_detail(owner_id):
    try:
        owner = queries.get_owner(owner_id, g.user)
    except NotFound:
        kept = queries.merged_into(owner_id, g.user)  # a record merged away: its link leads to the household
        if kept is None:
            raise
        flash(_("Owner record #{number} was merged into this one, as the same household.").format(
            number=i18n.native_digits(str(owner_id))), "info")
        return redirect(url_for("claims.owner_detail", owner_id=kept.id))
    return _owner_page(owner)


@bp.route("/owners/<int:owner_id>/merge", methods=["GET", "POST"])
@login_required(Role.MANAGER)
def owner_merge(owner_id):
    """One household registered twice: the manager keeps one record and merges this one into it."""
    owner = queries.get_owner(owner_id, g.user)
    values = forms.merge_values(request.form) if request.method == "POST" else forms.merge_values({})
    twins = queries.possible_duplicate_owners(g.user, owner.name, owner.village, owner.national_id, besides=owner.id)
    return submit(lambda errors: render_template("claims/owner_merge.html", owner=owner, twins=twins, values=values,
                                                 errors=errors, show_personal=can_see_personal_data(g.user)),
                  lambda: operations.merge_owners(owner, web_forms.load(OwnerMergeSchema(),
                                                                        forms.merge_data(request.form)), g.user),
                  _("Owner record #{number} merged into this one.").format(number=i18n.native_digits(str(owner_id))),
                  lambda kept: url_for("claims.owner_detail", owner_id=kept.id))


def _owner_page(owner, herd_values: dict | None = None, herd_errors: dict | None = None):
    """The owner's page; with the herd-count form as the clerk typed it when it was refused."""
    claims = queries.claims_page(g.user, queries.ClaimFilters(owner_id=owner.id), 1, 100).items
    return render_template("claims/owner_detail.html", owner=owner, claims=claims,
                           show_personal=can_see_personal_data(g.user), can_edit=can_register_owner(g.user),
                           can_merge=can_merge_owners(g.user),
                           can_file=can_file_claim(g.user), sections=render_slot("owner", owner, g.user),
                           herd=forms.herd_history(owner), herd_values=herd_values or forms.herd_count_defaults(owner),
                           herd_errors=herd_errors or {}, species=Species.choices(),
                           correctable=forms.correctable_counts(owner))


@bp.post("/owners/<int:owner_id>/herd")
@login_required(Role.CLERK)
def owner_herd_count(owner_id):
    """Record a new dated herd count (or correct a mistyped one) from the owner's page."""
    owner = queries.get_owner(owner_id, g.user)

    def record():
        data = web_forms.load(HerdCountCreateSchema(), web_forms.clean(request.form, forms.HERD_COUNT_FIELDS))
        try:
            operations.record_herd_count(owner, data, g.user)
        except Conflict as error:  # the count corrected was corrected already: shown at its field
            raise ValidationError(error.errors or {"corrects_id": [error.message]}) from error

    return submit(lambda errors: _owner_page(owner, {k: request.form.get(k, "") for k in forms.HERD_COUNT_FIELDS},
                                             errors),
                  record, _("Herd count recorded."), url_for("claims.owner_detail", owner_id=owner.id, _anchor="herd"))


@bp.route("/owners/<int:owner_id>/edit", methods=["GET", "POST"])
@login_required(Role.CLERK)
def owner_edit(owner_id):
    owner = queries.get_owner(owner_id, g.user)
    values = forms.owner_values(request.form) if request.method == "POST" else forms.owner_values_from(owner)
    return submit(lambda errors: render_template("claims/owner_form.html", values=values, errors=errors, owner=owner,
                                                 twins=_twins(values, errors, owner), **forms.owner_choices(g.user)),
                  lambda: operations.update_owner(owner, web_forms.load(OwnerCreateSchema(),
                                                                        forms.owner_data(request.form)), g.user),
                  _("Changes saved."), url_for("claims.owner_detail", owner_id=owner.id))


# --- claims ------------------------------------------------------------------------------------------------

_CLAIM_QUERY = ClaimQuerySchema()  # made once: building a schema costs more than loading the list's few arguments


@bp.get("/claims")
@login_required(*RECORD_READERS)
def claim_list():
    raw = web_forms.clean(request.args, ("office_id", "programme_id", "incident_from", "incident_to", "q", "overdue",
                                         "clock", "carcass_left", "page"))
    if request.args.getlist("status"):
        raw["status"] = [s for s in request.args.getlist("status") if s]
    try:
        args = web_forms.load(_CLAIM_QUERY, raw)
        errors = {}
    except ValidationError as error:
        args, errors = _CLAIM_QUERY.load({}), error.errors
    page_no, per_page = args.pop("page"), args.pop("per_page")
    page = queries.claim_list_page(g.user, queries.ClaimFilters(**args), page_no, per_page)
    return render_template("claims/claim_list.html", page=page, args=request.args.to_dict(), errors=errors,
                           statuses=i18n.choices_shown(ClaimState), clocks=i18n.choices_shown(Clock),
                           programmes=queries.programme_names_for(g.user, g.get("scope_version")),
                           can_file=can_file_claim(g.user), shown=i18n.PageFormat.kept(),
                           rows=presentation.ClaimListRows.for_reader(),
                           detail_url=url_for("claims.claim_detail", claim_id=0).removesuffix("0"))


@bp.route("/claims/new", methods=["GET", "POST"])
@login_required(Role.CLERK)
def claim_new():
    owner_id = request.values.get("owner_id", type=web_forms.whole)
    if owner_id is None:
        return redirect(url_for("claims.owner_list", pick="claim"))
    owner = queries.get_owner(owner_id, g.user)
    values = forms.claim_values(request.form) if request.method == "POST" else forms.claim_defaults(owner)

    def file():
        claim, _replayed = operations.submit_claim(
            forms.claim_data(request.form, owner, ClaimCreateSchema()), g.user,
            idempotency_key=request.form.get("idempotency_key"), fingerprint=operations.request_fingerprint(values))
        return claim

    return submit(lambda errors: render_template(
        "claims/claim_form.html", owner=owner, claim=None, values={"idempotency_key": uuid.uuid4().hex} | values,
        errors=errors, **forms.claim_choices(g.user, owner)),
        file, lambda claim: _("Claim {number} filed. The owner's PIN for the status page is {pin}.").format(
            number=claim.number, pin=i18n.native_digits(claim.pin)),
        lambda claim: url_for("claims.claim_detail", claim_id=claim.id), submitted=_submitted_claim_form())


@bp.get("/claims/<int:claim_id>")
@login_required(*RECORD_READERS)
def claim_detail(claim_id):
    claim = queries.get_claim(claim_id, g.user)
    set_context_programme(claim.programme)
    return render_template("claims/claim_detail.html", claim=claim, history=events_for("claim", claim.id),
                           can_edit=can_edit_claim(g.user, claim), show_pin=can_file_claim(g.user),
                           sections=render_slot("claim", claim, g.user))


@bp.route("/claims/<int:claim_id>/edit", methods=["GET", "POST"])
@login_required(Role.CLERK)
def claim_edit(claim_id):
    claim = queries.get_claim(claim_id, g.user)
    values = forms.claim_values(request.form) if request.method == "POST" else forms.claim_values_from(claim)
    return submit(lambda errors: render_template("claims/claim_form.html", owner=claim.owner, claim=claim,
                                                 values=values, errors=errors,
                                                 **forms.claim_choices(g.user, claim.owner)),
                  lambda: operations.update_claim(claim, forms.claim_data(request.form, claim.owner,
                                                                          ClaimCreateSchema()), g.user),
                  _("Changes saved."), url_for("claims.claim_detail", claim_id=claim.id),
                  submitted=_submitted_claim_form())


def _submitted_claim_form() -> bool:
    """A claim form is submitted by a POST other than "Add a line" (which shows it again with one more)."""
    return request.method == "POST" and "add_line" not in request.form


@bp.post("/claims/<int:claim_id>/withdraw")
@login_required(Role.CLERK)
def claim_withdraw(claim_id):
    claim = queries.get_claim(claim_id, g.user)
    try:
        data = web_forms.load(WithdrawSchema(), web_forms.clean(request.form, ("reason",)))
    except ValidationError:
        flash(_("Give the reason the owner withdraws the claim."), "error")
        return redirect(url_for("claims.claim_detail", claim_id=claim.id))
    operations.withdraw_claim(claim, g.user, data["reason"])
    db.session.commit()
    flash(_("Claim {number} withdrawn.").format(number=claim.number), "success")
    return redirect(url_for("claims.claim_detail", claim_id=claim.id))


# --- programmes --------------------------------------------------------------------------------------------

@bp.get("/programmes")
@login_required(*OVERSEERS)
def programme_list():
    return render_template("claims/programme_list.html", programmes=queries.programmes_for(g.user),
                           can_manage=can_manage_programmes(g.user))


@bp.route("/programmes/new", methods=["GET", "POST"])
@login_required(Role.MANAGER)
def programme_new():
    values = {"kind": "compensation"}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in forms.PROGRAMME_NEW} | {"names": web_forms.names(request.form)}
    return submit(lambda errors: render_template("claims/programme_new.html", values=values, errors=errors,
                                                 **forms.programme_choices(g.user)),
                  lambda: operations.create_programme(web_forms.load(ProgrammeCreateSchema(), web_forms.clean(
                      request.form, forms.PROGRAMME_NEW) | {"names": values["names"]}), g.user),
                  lambda programme: _("Programme {name} created with the default rules; review them now.").format(
                      name=programme.local_name),
                  lambda programme: url_for("claims.programme_edit", programme_id=programme.id))


@bp.get("/programmes/<int:programme_id>")
@login_required(*OVERSEERS)
def programme_detail(programme_id):
    programme = queries.get_programme(programme_id, g.user)
    set_context_programme(programme)
    return render_template("claims/programme_detail.html", programme=programme,
                           programme_year_text=presentation.programme_year_text,
                           evidence_rules=presentation.evidence_rules(programme),
                           covered=[dict(Predator.choices()).get(p, p) for p in programme.covered_predators],
                           history=events_for("programme", programme.id),
                           can_edit=can_manage_programmes(g.user) and programme.jurisdiction_id in jq.scope_ids(g.user),
                           pending_changes=rule_changes.pending(programme),
                           sections=render_slot("programme", programme, g.user))


@bp.post("/programmes/<int:programme_id>/rule-changes/<int:change_id>/<any(confirm, refuse):decision>")
@login_required(Role.MANAGER)
def rule_change_decide(programme_id, change_id, decision):
    change = rule_changes.get_change(queries.get_programme(programme_id, g.user), change_id)
    back = url_for("claims.programme_detail", programme_id=programme_id) + "#rule-changes"
    if decision == "confirm":
        return act(lambda: rule_changes.confirm(change, g.user),
                   _("The change of the money rules is confirmed and applies from now."), back)
    return act(lambda: rule_changes.refuse(change, g.user, request.form.get("note", "")),
               _("The proposed change of the money rules is refused; the rules stay as they were."), back)


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@login_required(Role.MANAGER)
def programme_edit(programme_id):
    programme = queries.get_programme(programme_id, g.user)
    values = forms.programme_values(request.form) if request.method == "POST" else forms.programme_values_from(
        programme)

    def saved(_result):
        note = _("Changes of the money rules apply once a second manager confirms them on this page.")
        return [_("The rules of {name} were saved.").format(name=programme.local_name)] + (
            [note] if rule_changes.pending(programme) else [])

    return submit(lambda errors: render_template("claims/programme_form.html", programme=programme, values=values,
                                                 errors=errors, **forms.programme_choices(g.user)),
                  lambda: operations.update_programme(programme, forms.programme_data(request.form,
                                                                                      ProgrammeUpdateSchema()), g.user),
                  saved, url_for("claims.programme_detail", programme_id=programme.id))
