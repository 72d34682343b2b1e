"""The "What works" page: the effectiveness report with its chart, its method in plain words, and CSV."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request

from claims.enums import Predator, TimeOfDay
from conflict_service.auth.roles import RECORD_READERS
from conflict_service.auth.session import login_required
from conflict_service.errors import ValidationError
from conflict_service.web import forms as web_forms
from mitigation import chart, effectiveness
from mitigation.export import report_response
from mitigation.report_schemas import ReportQuerySchema
from mitigation.stats import CONTINUITY, MIN_EVENTS, MIN_HOUSEHOLD_YEARS

bp = Blueprint("mitigation_reports", __name__, url_prefix="/mitigation", template_folder="templates")
ARGS = ("window_months", "time_of_day", "start", "end")


def _report(args):
    params = effectiveness.ReportParams(window_months=args["window_months"], predators=tuple(args["predator"]),
                                        time_of_day=args["time_of_day"], start=args["start"], end=args["end"])
    return effectiveness.effectiveness(g.user, params)


def _args() -> tuple[dict, dict]:
    raw = web_forms.clean(request.args, ARGS)
    predators = [p for p in request.args.getlist("predator") if p]
    if predators:
        raw["predator"] = predators
    try:
        return web_forms.load(ReportQuerySchema(), raw), {}
    except ValidationError as error:
        return ReportQuerySchema().load({}), error.errors


@bp.get("/effectiveness")
@login_required(*RECORD_READERS)
def report():
    args, errors = _args()
    result = _report(args)
    return render_template("mitigation/effectiveness.html", report=result, chart=chart.forest(result.rows),
                           args=request.args.to_dict(), errors=errors, predators=args["predator"],
                           predator_choices=[(p.value, p.title) for p in (Predator.LEOPARD, Predator.SNOW_LEOPARD)],
                           times=TimeOfDay.choices(), min_events=MIN_EVENTS, min_years=MIN_HOUSEHOLD_YEARS,
                           continuity=CONTINUITY), (422 if errors else 200)


@bp.get("/effectiveness.csv")
@login_required(*RECORD_READERS)
def report_csv():
    args, errors = _args()
    if errors:
        raise ValidationError(errors)
    return report_response(_report(args), bom=web_forms.bom(request.args))
