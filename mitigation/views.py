"""Web pages for mitigation: measures by village and per owner, the inspection form, guardian dogs."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_

from claims import queries as claim_queries
from conflict_service.audit.queries import events_for
from conflict_service.auth.models import Role
from conflict_service.auth.roles import RECORD_READERS
from conflict_service.auth.session import login_required
from conflict_service.errors import ValidationError
from conflict_service.jurisdictions.queries import offices_for
from conflict_service.web import forms as web_forms
from conflict_service.web.actions import submit
from conflict_service.web.views import nav
from mitigation import forms, operations, queries
from mitigation.enums import MeasureKind, MeasureStatus, VaccineKind
from mitigation.permissions import (
    FIELD_RECORDERS,
    can_inspect,
    can_record_measure,
    can_record_vaccination,
    can_view_measures,
)
from mitigation.schemas import DogQuerySchema, MeasureQuerySchema

bp = Blueprint("mitigation", __name__, url_prefix="/mitigation", template_folder="templates")

NAV = [nav(L_("Mitigation"), "mitigation.measure_list", *RECORD_READERS)]
LIST_ARGS = ("office_id", "village", "kind", "status", "due", "page")


def _load_args(schema, names) -> tuple[dict, dict]:
    """Filters from the query string; bad ones are reported on the page and ignored."""
    try:
        return web_forms.load(schema, web_forms.clean(request.args, names)), {}
    except ValidationError as error:
        return schema.load({}), error.errors


@bp.get("")
@login_required(*RECORD_READERS)
def measure_list():
    args, errors = _load_args(MeasureQuerySchema(), LIST_ARGS)
    page_no, per_page = args.pop("page"), args.pop("per_page")
    filters = queries.MeasureFilters(**args)
    return render_template("mitigation/measure_list.html", page=queries.measures_page(g.user, filters, page_no,
                                                                                       per_page),
                           villages=queries.village_summaries(g.user, filters), args=request.args.to_dict(),
                           errors=errors, offices=offices_for(g.user), kinds=MeasureKind.choices(),
                           statuses=MeasureStatus.choices(), due_only=filters.due)


@bp.route("/new", methods=["GET", "POST"])
@login_required(Role.CLERK)
def measure_new():
    owner_id = request.values.get("owner_id", type=web_forms.whole)
    if owner_id is None:
        flash(_("Choose the owner first, then “Record a measure” on the owner's page."), "info")
        return redirect(url_for("claims.owner_list"))
    owner = claim_queries.get_owner(owner_id, g.user)
    values = (forms.measure_values(request.form) if request.method == "POST"
              else forms.measure_defaults(g.user, owner, request.args.get("kind")))
    return submit(lambda errors: render_template("mitigation/measure_form.html", owner=owner, measure=None,
                                                 values=values, errors=errors, **forms.measure_choices()),
                  lambda: operations.create_measure(forms.measure_data(request.form, owner), g.user),
                  lambda measure: _("{kind} recorded for {owner}.").format(kind=measure.kind.title, owner=owner.name),
                  lambda measure: url_for("mitigation.measure_detail", measure_id=measure.id))


@bp.route("/<int:measure_id>/edit", methods=["GET", "POST"])
@login_required(Role.CLERK)
def measure_edit(measure_id):
    measure = queries.get_measure(measure_id, g.user)
    values = forms.measure_values_from(measure)
    if request.method == "POST":
        values = forms.measure_values(request.form) | {"kind": measure.kind.value}
    return submit(lambda errors: render_template("mitigation/measure_form.html", owner=measure.owner, measure=measure,
                                                 values=values, errors=errors, **forms.measure_choices()),
                  lambda: operations.update_measure(measure, forms.measure_data(request.form, measure.owner,
                                                                                kind=measure.kind), g.user),
                  _("Changes saved."), url_for("mitigation.measure_detail", measure_id=measure.id))


def _detail(measure, *, inspection=None, inspection_errors=None, vaccination=None, vaccination_errors=None):
    return render_template(
        "mitigation/measure_detail.html", measure=measure, inspections=queries.inspections_of(measure),
        history=events_for("measure", measure.id), statuses=MeasureStatus.choices(), vaccines=VaccineKind.choices(),
        inspection=inspection or forms.inspection_defaults(measure), inspection_errors=inspection_errors or {},
        vaccination=vaccination or forms.vaccination_defaults(measure), vaccination_errors=vaccination_errors or {},
        can_edit=can_record_measure(g.user), can_inspect=can_inspect(g.user),
        can_vaccinate=can_record_vaccination(g.user) and measure.dog is not None)


@bp.get("/<int:measure_id>")
@login_required(*RECORD_READERS)
def measure_detail(measure_id):
    return _detail(queries.get_measure(measure_id, g.user))


@bp.post("/<int:measure_id>/inspections")
@login_required(*FIELD_RECORDERS)
def inspection_new(measure_id):
    measure = queries.get_measure(measure_id, g.user)
    return submit(lambda errors: _detail(measure, inspection=forms.form_values(request.form, forms.INSPECTION_FIELDS),
                                         inspection_errors=forms.form_errors(errors, forms.INSPECTION_FIELDS)),
                  lambda: operations.record_inspection(measure, forms.inspection_data(request.form), g.user),
                  _("Inspection recorded."), url_for("mitigation.measure_detail", measure_id=measure.id))


@bp.post("/<int:measure_id>/vaccinations")
@login_required(*FIELD_RECORDERS)
def vaccination_new(measure_id):
    dog = queries.get_dog(measure_id, g.user)
    return submit(lambda errors: _detail(dog.measure,
                                         vaccination=forms.form_values(request.form, forms.VACCINATION_FIELDS),
                                         vaccination_errors=forms.form_errors(errors, forms.VACCINATION_FIELDS)),
                  lambda: operations.record_vaccination(dog, forms.vaccination_data(request.form), g.user),
                  _("Vaccination recorded for {name}.").format(name=dog.name),
                  url_for("mitigation.measure_detail", measure_id=measure_id, _anchor="dog"))


@bp.get("/dogs")
@login_required(*RECORD_READERS)
def dog_list():
    args, errors = _load_args(DogQuerySchema(), ("overdue", "office_id", "page"))
    page = queries.dogs_page(g.user, **args)
    return render_template("mitigation/dog_list.html", page=page, args=request.args.to_dict(), errors=errors,
                           overdue_only=args["overdue"], offices=offices_for(g.user))


# --- contributions to other packages' pages ---------------------------------------------------------------

def owner_section(owner, user):
    """The owner page's "Mitigation" section: the household's measures and dogs."""
    if not can_view_measures(user):
        return None
    return render_template("mitigation/_owner_section.html", owner=owner, measures=queries.measures_of_owner(owner),
                           can_record=can_record_measure(user))


def home_panel(_subject, user):
    """For clerks and field verifiers: how many measures are due for inspection and dogs for a vaccine."""
    if not (can_inspect(user) or can_record_vaccination(user)):
        return None
    return render_template("mitigation/_home_panel.html", due=queries.count_due(user),
                           overdue=queries.count_overdue_dogs(user))
