"""Web pages of policies: the list, enrolment (clerks), a policy with premium collection and poaching violations."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, g, render_template, request, url_for
from flask_babel import gettext as _

from claims.enums import Species
from claims.models import Claim
from claims.queries import get_owner, owners_page
from conflict_service.audit.queries import events_for
from conflict_service.auth.models import Role
from conflict_service.auth.session import login_required
from conflict_service.db import db
from conflict_service.errors import Conflict, ValidationError
from conflict_service.i18n import format_money, set_context_programme
from conflict_service.timeutil import local_today
from conflict_service.web import forms as web_forms
from conflict_service.web.actions import submit
from insurance import operations, queries
from insurance.permissions import INSURANCE_READERS, can_collect_premiums, can_enrol, can_manage_scheme
from insurance.schemas import PolicyCreateSchema, PolicyQuerySchema, PremiumCreateSchema, ViolationSchema
from payouts.enums import PaymentMethod

bp = Blueprint("insurance_policies", __name__, template_folder="templates", url_prefix="/insurance")

LINE_ROWS = 3
PREMIUM_FIELDS = ("amount", "paid_on", "method", "reference")
POLICY_FIELDS = ("season_id", "agreement_signed_on", "enrolled_on", "paper_reference")


@bp.get("/policies")
@login_required(*INSURANCE_READERS)
def policy_list():
    raw = web_forms.clean(request.args, ("scheme_id", "season_id", "village", "in_arrears", "q", "page"))
    try:
        args, errors = web_forms.load(PolicyQuerySchema(), raw), {}
    except ValidationError as error:
        args, errors = PolicyQuerySchema().load({}), error.errors
    page_no, per_page = args.pop("page"), args.pop("per_page")
    args["programme_id"] = args.pop("scheme_id")
    page = queries.policies_page(g.user, queries.PolicyFilters(**args), page_no, per_page)
    schemes = queries.schemes_for(g.user)
    seasons = [s for scheme in schemes for s in queries.seasons_of(scheme.id)]
    return render_template("insurance/policy_list.html", page=page, args=request.args.to_dict(), errors=errors,
                           schemes=schemes, seasons=seasons, can_enrol=can_enrol(g.user))


# --- enrolment ----------------------------------------------------------------------------------------------------

@bp.route("/policies/new", methods=["GET", "POST"])
@login_required(Role.CLERK)
def policy_new():
    owner_id = request.values.get("owner_id", type=web_forms.whole)
    if owner_id is None:
        q, village = request.args.get("q", "")[:100], request.args.get("village", "")[:120]
        page = owners_page(g.user, q=q or None, village=village or None, per_page=30)
        return render_template("insurance/pick_owner.html", page=page, q=q, village=village)
    owner = get_owner(owner_id, g.user)
    seasons = queries.open_seasons(g.user)
    values = {"season_id": str(seasons[0].id) if len(seasons) == 1 else "",
              "agreement_signed_on": local_today(owner.office.timezone).isoformat(), "enrolled_on": "",
              "paper_reference": "",
              "rows": [{"species": h.species.value, "head_count": ""} for h in owner.herd] or [{}]}
    if request.method == "POST":
        values = {"season_id": request.form.get("season_id", ""),
                  **{k: request.form.get(k, "") for k in ("agreement_signed_on", "enrolled_on", "paper_reference")},
                  "rows": web_forms.rows(request.form, "lines", ("species", "head_count")) or [{}]}
    values["rows"] += [{} for _ in range(max(LINE_ROWS - len(values["rows"]), 0))]

    def enrol():
        data = web_forms.load(PolicyCreateSchema(), {
            "owner_id": owner.id, "lines": web_forms.rows(request.form, "lines", ("species", "head_count")),
            **web_forms.clean(request.form, POLICY_FIELDS)})
        try:
            return operations.enrol(data, g.user)
        except Conflict as error:  # already enrolled for that season: said above the form
            raise ValidationError({"_schema": [str(error.message)]}) from error

    return submit(lambda errors: render_template(
        "insurance/policy_form.html", owner=owner, seasons=seasons, values=values, species=Species.choices(),
        errors=web_forms.flatten(errors),  # the operation's {"lines": {"0": ...}} as form field names
        rates={s.id: queries.premium_rates_in_force(s.id, local_today(owner.office.timezone)) for s in seasons}),
        enrol, lambda policy: _("{owner} enrolled: policy {number}, premium due {amount}.").format(
            owner=owner.name, number=policy.number, amount=_money(policy.premium_due, policy)),
        lambda policy: url_for("insurance_policies.policy_detail", policy_id=policy.id))


def _money(amount, policy) -> str:
    return format_money(amount, policy.season.programme.currency)


# --- a policy -----------------------------------------------------------------------------------------------------

@bp.get("/policies/<int:policy_id>")
@login_required(*INSURANCE_READERS)
def policy_detail(policy_id):
    return _policy_page(queries.get_policy(policy_id, g.user))


def _policy_page(policy, *, premium_values=None, violation_values=None, errors=None):
    row = queries.PolicyRow(policy, queries.paid_by_policy([policy.id]).get(policy.id, queries.ZERO))
    today = local_today(policy.office.timezone)
    set_context_programme(policy.season.programme)
    claims = db.session.scalars(sa.select(Claim).where(Claim.owner_id == policy.owner_id,
                                                       Claim.programme_id == policy.programme_id,
                                                       Claim.incident_date.between(policy.season.starts_on,
                                                                                   policy.season.ends_on))
                                .order_by(Claim.incident_date)).all()
    return render_template(
        "insurance/policy.html", policy=policy, row=row, payments=queries.premium_payments(policy.id), claims=claims,
        history=events_for("insurance_policy", policy.id), methods=PaymentMethod.choices(), errors=errors or {},
        can_collect=can_collect_premiums(g.user) and row.arrears > 0,
        can_record_violation=can_manage_scheme(g.user, policy.season.programme) and policy.violation_on is None,
        premium_values=premium_values or {"amount": "", "paid_on": today.isoformat(), "method": "cash"},
        violation_values=violation_values or {"occurred_on": today.isoformat(), "note": ""},
    )


@bp.post("/policies/<int:policy_id>/premiums")
@login_required(Role.CLERK)
def premium_new(policy_id):
    policy = queries.get_policy(policy_id, g.user)
    return submit(lambda errors: _policy_page(policy, errors=web_forms.flatten(errors, "premium"),
                                              premium_values={k: request.form.get(k, "") for k in PREMIUM_FIELDS}),
                  lambda: operations.record_premium(policy, web_forms.load(PremiumCreateSchema(), web_forms.clean(
                      request.form, PREMIUM_FIELDS), partial=("policy_id",)), g.user),
                  lambda payment: _("Premium of {amount} recorded: receipt {receipt}.").format(
                      amount=_money(payment.amount, policy), receipt=payment.receipt_number),
                  lambda payment: url_for("insurance_policies.policy_detail", policy_id=policy.id, receipt=payment.id))


@bp.post("/policies/<int:policy_id>/violation")
@login_required(Role.MANAGER)
def violation_new(policy_id):
    policy = queries.get_policy(policy_id, g.user)
    names = ("occurred_on", "note")
    return submit(lambda errors: _policy_page(policy, violation_values={k: request.form.get(k, "") for k in names},
                                              errors=web_forms.flatten(errors, "violation")),
                  lambda: operations.record_violation(policy, web_forms.load(ViolationSchema(), web_forms.clean(
                      request.form, names)), g.user),
                  _("Poaching violation recorded: policy {number} no longer covers losses from that day.").format(
                      number=policy.number), url_for("insurance_policies.policy_detail", policy_id=policy.id))
