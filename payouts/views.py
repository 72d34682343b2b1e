"""Web pages of payouts: the approval queue, decisions on a claim, rate tables, payout details, page sections."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_

from claims.enums import AgeClass, Species
from claims.permissions import can_see_personal_data
from claims.queries import get_claim, get_owner, get_programme, programmes_for
from claims.states import ClaimState
from conflict_service.auth.models import Role
from conflict_service.auth.roles import CASE_HANDLERS, OVERSEERS
from conflict_service.auth.session import login_required
from conflict_service.errors import DomainError
from conflict_service.i18n import set_context_programme
from conflict_service.jurisdictions import queries as jq
from conflict_service.spreadsheets import csv_response, csv_text
from conflict_service.web import forms as web_forms
from conflict_service.web import rate_tables as rate_forms
from conflict_service.web.actions import act, submit
from conflict_service.web.views import nav
from payouts import assessment, breakdown, operations, queries
from payouts.api import account_view, rates_view
from payouts.enums import LIVE_PAYMENT_STATES, PaymentKind, PaymentMethod, RejectReason
from payouts.operations.decisions import needs_two, pending_first_approval
from payouts.operations.rates import CSV_COLUMNS
from payouts.permissions import can_edit_payout_details, can_manage_payouts
from payouts.schemas import ApproveSchema, PayoutAccountSchema, RateEntrySchema, RejectSchema

bp = Blueprint("payouts", __name__, template_folder="templates")

NAV = [nav(L_("Approvals"), "payouts.approvals", *OVERSEERS)]
RATE_ROWS = 4
RATE_FIELDS = ("species", "age_class", "amount", "valid_from")


# --- approval queue ---------------------------------------------------------------------------------------

@bp.get("/approvals")
@login_required(*OVERSEERS)
def approvals():
    programme_id = request.args.get("programme_id", type=web_forms.whole)
    return render_template("payouts/approvals.html", rows=queries.approval_queue(g.user, programme_id),
                           overdue=queries.overdue(g.user), programmes=programmes_for(g.user),
                           programme_id=programme_id, reason_text=breakdown.reason_text)


# --- a claim: section of the claim page and its actions -----------------------------------------------------

def claim_section(claim, user) -> str | None:
    """The assessment, the decision forms, the approvals and the payments of a claim (slot ``claim``)."""
    if claim.status not in assessment.ASSESSABLE and not queries.decisions_for(claim.id):
        return None
    data, award, shown = None, None, None
    if claim.status in assessment.ASSESSABLE:  # after an appeal, the old verification no longer counts
        try:
            data, award = assessment.snapshot_of(claim)
            shown = breakdown.render(data)
        except DomainError:
            pass
    payments = queries.payments_for(claim.id)
    can_decide = can_manage_payouts(user) and claim.status == ClaimState.VERIFIED
    first = pending_first_approval(claim)
    return render_template(
        "payouts/claim_section.html", claim=claim, shown=shown, award=award, payments=payments,
        assessable=claim.status in assessment.ASSESSABLE,
        decisions=queries.decisions_for(claim.id), first=first, can_decide=can_decide,
        two_needed=bool(shown and data["payable"] and needs_two(claim.programme, Decimal(data["total"]))),
        overdue=queries.is_overdue(claim, award), reasons=RejectReason.choices(),
        can_advance=can_decide and claim.programme.advance_pct > 0
        and not any(p.kind == PaymentKind.ADVANCE and p.status in LIVE_PAYMENT_STATES for p in payments),
        show_personal=can_see_personal_data(user), amount_text=breakdown.format_amount,
        step_title=breakdown.step_title)


@bp.post("/claims/<int:claim_id>/approve")
@login_required(Role.MANAGER)
def claim_approve(claim_id):
    claim = get_claim(claim_id, g.user)
    back = url_for("claims.claim_detail", claim_id=claim.id)

    def run():
        data = web_forms.load(ApproveSchema(), web_forms.clean(request.form, ("note",)))
        result = operations.approve_claim(claim, data, g.user)
        if result.awaiting_second:
            return _("Your approval is recorded; a second manager must approve this amount.")
        if result.claim.status == ClaimState.AWAITING_FUNDS:
            return _("Claim {number} approved; the insurance fund cannot pay it yet, so it waits for funds and is "
                     "released when money arrives.").format(number=claim.number)
        return None

    return act(run, _("Claim {number} approved.").format(number=claim.number), back)


@bp.post("/claims/<int:claim_id>/reject")
@login_required(Role.MANAGER)
def claim_reject(claim_id):
    claim = get_claim(claim_id, g.user)

    def run():
        data = web_forms.load(RejectSchema(), web_forms.clean(request.form, ("reason_code", "note")))
        operations.reject_claim(claim, data, g.user)

    return act(run, _("Claim {number} rejected.").format(number=claim.number),
               url_for("claims.claim_detail", claim_id=claim.id))


@bp.post("/claims/<int:claim_id>/advance")
@login_required(Role.MANAGER)
def claim_advance(claim_id):
    claim = get_claim(claim_id, g.user)
    return act(lambda: operations.grant_advance(claim, g.user),
               _("Advance granted; it will be paid with the next payment batch."),
               url_for("claims.claim_detail", claim_id=claim.id))


# --- owners: payout details -------------------------------------------------------------------------------

def owner_section(owner, user) -> str | None:
    if not can_edit_payout_details(user):
        return None
    return render_template("payouts/owner_section.html", owner=owner, account=account_view(owner))


@bp.route("/owners/<int:owner_id>/payout-details", methods=["GET", "POST"])
@login_required(*CASE_HANDLERS)
def payout_details(owner_id):
    owner = get_owner(owner_id, g.user)
    current = account_view(owner)
    values = {"method": current["method"].value, "bank_name": current["bank_name"],
              "account_number": current["account_number"] or ""}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in ("method", "bank_name", "account_number")}
    return submit(lambda errors: render_template("payouts/payout_details_form.html", owner=owner, values=values,
                                                 errors=errors, methods=PaymentMethod.choices()),
                  lambda: operations.set_payout_account(owner, web_forms.load(PayoutAccountSchema(), web_forms.clean(
                      request.form, tuple(values))), g.user),
                  _("Payout details saved."), url_for("claims.owner_detail", owner_id=owner.id))


# --- rates ------------------------------------------------------------------------------------------------

def programme_section(programme, user) -> str:
    return render_template("payouts/programme_rates_section.html", programme=programme, view=rates_view(programme),
                           can_edit=can_manage_payouts(user) and programme.jurisdiction_id in jq.scope_ids(user))


@bp.get("/rates/sample.csv")
@login_required(*OVERSEERS)
def rates_sample():
    """The rate import's columns as its first line reads them, with one example rate (pages describe the columns in
    the reader's language and link here rather than print the importer's column names)."""
    return csv_response(csv_text([("sheep", "adult", "45000000", "2026-03-21")], header=CSV_COLUMNS),
                        "rates-sample.csv")


@bp.route("/programmes/<int:programme_id>/rates", methods=["GET", "POST"])
@login_required(*OVERSEERS)
def rates(programme_id):
    programme = get_programme(programme_id, g.user)
    values, errors = rate_forms.blank(RATE_ROWS), {}
    if request.method == "POST":
        values, errors = rate_forms.post(
            RATE_FIELDS, RateEntrySchema, lambda data: operations.record_rates(programme, data, g.user, source="web"),
            lambda content, note: operations.import_csv(programme, content, g.user, schema=RateEntrySchema(),
                                                        note=note, source="web"),
            _("A new version of the rate table was recorded; it is in force once a second manager confirms it."),
            RATE_ROWS)
        if not errors:
            return redirect(url_for("payouts.rates", programme_id=programme.id))
    return _rates_page(programme, values, errors)


@bp.post("/programmes/<int:programme_id>/rates/<int:version>/<any(confirm, refuse):decision>")
@login_required(Role.MANAGER)
def rates_decide(programme_id, version, decision):
    table = queries.get_rate_table(get_programme(programme_id, g.user), version)
    if decision == "confirm":
        return act(lambda: operations.confirm_rates(table, g.user),
                   _("Version {n} of the rates is confirmed and in force from now.").format(n=version),
                   url_for("payouts.rates", programme_id=programme_id))
    return act(lambda: operations.refuse_rates(table, g.user),
               _("Version {n} of the rates is refused; it never comes into force.").format(n=version),
               url_for("payouts.rates", programme_id=programme_id))


def _rates_page(programme, values, errors):
    set_context_programme(programme)
    return render_template("payouts/rates.html", programme=programme, view=rates_view(programme),
                           values=values, errors=errors, species=Species.choices(), ages=AgeClass.choices(),
                           can_edit=can_manage_payouts(g.user) and programme.jurisdiction_id in jq.scope_ids(g.user)
                           ), (422 if errors else 200)


def home_panel(_subject, user) -> str | None:
    if not can_manage_payouts(user):
        return None
    return render_template("payouts/home_panel.html", waiting=queries.queue_size(user),
                           overdue=len(queries.overdue(user)))
