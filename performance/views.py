"""Pages of performance: contracts and their periods, a period's assessment and approval, the camera-trap queue
(import a package, confirm or reject leopard observations)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_

from conflict_service.auth.models import Role
from conflict_service.auth.session import login_required
from conflict_service.db import db
from conflict_service.errors import Conflict, ValidationError
from conflict_service.i18n import format_number, native_digits
from conflict_service.jurisdictions.queries import home_timezone
from conflict_service.web import forms as web_forms
from conflict_service.web.actions import act, submit
from conflict_service.web.views import nav
from payouts.permissions import can_manage_payouts
from performance import evidence, forms, operations, periods, presentation, queries, statement
from performance.enums import PeriodStatus, Review
from performance.permissions import IMPORTERS, PERFORMANCE_READERS, can_manage_contracts, can_review
from performance.schemas import ObservationReviewSchema

bp = Blueprint("performance", __name__, template_folder="templates")
NAV = [nav(L_("Performance payments"), "performance.contract_list", *PERFORMANCE_READERS)]
QUEUE_SIZE = 100
MEMBER_CHOICES = 400  # owners a community form lists at once; more, and the manager picks a smaller office first


@bp.get("/performance")
@login_required(*PERFORMANCE_READERS)
def contract_list():
    contracts = list(db.session.scalars(queries.contracts_statement(g.user)))
    return render_template("performance/list.html", contracts=contracts, can_manage=can_manage_contracts(g.user))


@bp.get("/performance/contracts/<int:contract_id>")
@login_required(*PERFORMANCE_READERS)
def contract_detail(contract_id):
    contract = queries.get_contract(contract_id, g.user)
    return render_template("performance/contract.html", contract=contract, can_manage=can_manage_contracts(g.user),
                           pending_changes=queries.pending_changes(contract), term_label=presentation.term_label,
                           term_value=presentation.term_value)


@bp.get("/performance/communities")
@login_required(*PERFORMANCE_READERS)
def community_list():
    return render_template("performance/communities.html", can_manage=can_manage_contracts(g.user),
                           communities=list(db.session.scalars(queries.communities_statement(g.user))))


@bp.route("/performance/communities/new", methods=["GET", "POST"])
@login_required(Role.MANAGER)
def community_new():
    """Register a community; "Show the owners" redisplays the form with the chosen office's owners to tick."""
    values = forms.community_values(request.values)

    def page(errors):
        place = request.values.get("jurisdiction_id", type=web_forms.whole)
        return render_template("performance/community_new.html", values=values, errors=errors,
                               owners=queries.owners_under(place, g.user, MEMBER_CHOICES), max_owners=MEMBER_CHOICES,
                               **forms.community_choices(g.user))

    registering = request.method == "POST" and "show_owners" not in request.form
    return submit(page, lambda: operations.create_community(forms.community_data(request.form), g.user),
                  lambda community: _("Community {name} registered.").format(name=community.name),
                  url_for("performance.community_list"), submitted=registering)


@bp.route("/performance/contracts/new", methods=["GET", "POST"])
@login_required(Role.MANAGER)
def contract_new():
    values = forms.contract_values(request.values)
    if request.method == "GET":
        values |= {"period_count": native_digits("4"), "period_months": native_digits("3"),
                   "fallback_periods": native_digits("3")}
    return submit(lambda errors: render_template("performance/contract_new.html", values=values, errors=errors,
                                                 **forms.contract_choices(g.user)),
                  lambda: operations.create_contract(forms.contract_data(request.form), g.user),
                  lambda contract: _("Contract #{id} written; it binds once a second manager confirms it.").format(
                      id=contract.id),
                  lambda contract: url_for("performance.contract_detail", contract_id=contract.id))


@bp.route("/performance/contracts/<int:contract_id>/changes/new", methods=["GET", "POST"])
@login_required(Role.MANAGER)
def change_new(contract_id):
    contract = queries.get_contract(contract_id, g.user)
    values = forms.terms_values(contract)
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in values}
    return submit(lambda errors: render_template("performance/change_new.html", contract=contract, values=values,
                                                 errors=errors, **forms.terms_choices()),
                  lambda: operations.propose_change(contract, forms.change_data(request.form), g.user),
                  _("Change proposed; it applies once a second manager confirms it."),
                  url_for("performance.contract_detail", contract_id=contract.id) + "#changes")


@bp.post("/performance/contracts/<int:contract_id>/changes/<int:change_id>/<any(confirm, refuse):decision>")
@login_required(Role.MANAGER)
def change_decide(contract_id, change_id, decision):
    change = queries.get_change(queries.get_contract(contract_id, g.user), change_id)
    back = url_for("performance.contract_detail", contract_id=contract_id) + "#changes"
    if decision == "confirm":
        return act(lambda: operations.decide_change(change, True, g.user),
                   _("The change of the money terms is confirmed and applies from now."), back)
    return act(lambda: operations.decide_change(change, False, g.user),
               _("The proposed change is refused; the terms stay as they were."), back)


@bp.post("/performance/contracts/<int:contract_id>/confirm")
@login_required(Role.MANAGER)
def contract_confirm(contract_id):
    contract = queries.get_contract(contract_id, g.user)
    return act(lambda: operations.confirm_contract(contract, g.user), _("Contract confirmed."),
               url_for("performance.contract_detail", contract_id=contract.id))


@bp.get("/performance/periods/<int:period_id>")
@login_required(*PERFORMANCE_READERS)
def period_detail(period_id):
    period = queries.get_period(period_id, g.user)
    return render_template("performance/period.html", period=period, contract=period.contract,
                           view=queries.assessment_view(period), can_manage=can_manage_contracts(g.user),
                           can_pay=can_manage_payouts(g.user))


@bp.get("/performance/periods/<int:period_id>/statement.pdf")
@login_required(*PERFORMANCE_READERS)
def period_statement(period_id):
    """The printed statement for the community, in the programme's language (``?lang=`` for another)."""
    pdf, filename = statement.render(queries.get_period(period_id, g.user), request.args.get("lang"))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


@bp.post("/performance/periods/<int:period_id>/approve")
@login_required(Role.MANAGER)
def period_approve(period_id):
    period = queries.get_period(period_id, g.user)

    def run():
        if periods.approve(period, g.user).status == PeriodStatus.SETTLED:
            return _("Period approved with nothing to pay: it is settled and closed.")
        return None

    return act(run, _("Period approved; its assessment is frozen."),
               url_for("performance.period_detail", period_id=period.id))


def _queue(errors=None, status=200):
    stmt = queries.observations_statement(g.user, Review.PENDING)
    waiting = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    programmes = [(p.id, p.local_name) for p in queries.programmes_for(g.user)]
    return render_template("performance/observations.html", observations=list(db.session.scalars(
        stmt.limit(QUEUE_SIZE))), waiting=waiting, programme_choices=programmes, errors=errors or {},
        values=request.form.to_dict(), can_review=can_review(g.user),
        can_import=g.user.role in IMPORTERS, life_stage=presentation.life_stage,
        species_name=presentation.species_name, tz=home_timezone(g.user)), status


@bp.get("/performance/observations")
@login_required(*PERFORMANCE_READERS)
def observation_queue():
    return _queue()


@bp.post("/performance/imports")
@login_required(*IMPORTERS)
def package_import():
    upload = request.files.get("file")
    programme_id = request.form.get("programme_id", "")
    try:
        if upload is None or not upload.filename:
            raise ValidationError.field("file", _("Choose a Camtrap DP package (a zip archive)."))
        batch = evidence.import_package(int(programme_id) if programme_id.isdigit() else None, upload.read(),
                                        upload.filename, g.user)
        view = queries.import_view(batch)
        db.session.commit()
    except ValidationError as error:
        db.session.rollback()
        return _queue(error.errors, 422)
    except Conflict as error:
        db.session.rollback()
        return _queue({"file": [str(error.message)]}, 409)
    flash(_("Imported {name}; leopard observations waiting for verification: {count}.").format(
        name=view["package_name"], count=format_number(view["observations"])), "success")
    return redirect(url_for("performance.observation_queue"))


@bp.post("/performance/observations/<int:observation_id>/review")
@login_required(Role.VERIFIER)
def observation_review(observation_id):
    observation = queries.get_observation(observation_id, g.user)
    return act(lambda: evidence.review(observation, web_forms.load(ObservationReviewSchema(), web_forms.clean(
        request.form, ("review", "count", "individual_id", "note"))), g.user),
        _("Observation reviewed."), url_for("performance.observation_queue"))
