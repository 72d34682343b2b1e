"""Report pages, CSV downloads and the dashboard (managers, auditors), and the public transparency page."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, g, render_template, request
from flask_babel import lazy_gettext as L_

from claims.enums import Predator, Species
from claims.queries import programmes_for
from conflict_service.audit import queries as audit_queries
from conflict_service.audit.keys import audit_keys
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import login_required
from conflict_service.errors import ValidationError
from conflict_service.i18n import reader_calendar
from conflict_service.web import forms as web_forms
from conflict_service.web.views import nav
from oversight import charts, dashboard, report_csv, reports, transparency
from oversight import funds as fund_health
from oversight.performance_payouts import payout_rows, performance_payouts
from oversight.permissions import can_read_reports
from oversight.report_schemas import DeadlineQuerySchema, FilterSchema, PayoutQuerySchema, filters

bp = Blueprint("reports", __name__, template_folder="templates")
NAV = [nav(L_("Dashboard"), "reports.dashboard_page", *OVERSEERS),
       nav(L_("Reports"), "reports.payouts_page", *OVERSEERS)]
ARGS = ("group_by", "programme_id", "from", "to", "payments")


def _args(schema) -> tuple[dict, dict]:
    """The query, or the defaults and the messages when it is wrong (the page shows them; status 422)."""
    try:
        return web_forms.load(schema, _raw()), {}
    except ValidationError as error:
        return schema.load({}), error.errors


def _page(template: str, schema, **context):
    args, errors = _args(schema)
    context = {name: fn(args) if callable(fn) else fn for name, fn in context.items()}
    return render_template(template, args=request.args.to_dict(), errors=errors, query=args,
                           programmes=programmes_for(g.user), **context), (422 if errors else 200)


def _raw() -> dict:
    raw = web_forms.clean(request.args, ARGS)
    if len(ticked := request.args.getlist("group_by")) > 1:  # the page's boxes; links and the API use commas
        raw["group_by"] = ",".join(ticked)
    return raw


def _in_reader_months(args: dict):
    """A page counts months in its reader's calendar (Solar Hijri in fa, fa_AF, ps); its CSV and the API keep the
    Gregorian ``YYYY-MM`` that spreadsheets and programs read."""
    return dataclasses.replace(filters(args), calendar=reader_calendar())


def _csv_args(schema) -> dict:
    return web_forms.load(schema, _raw())


@bp.get("/reports/payouts")
@login_required(*OVERSEERS)
def payouts_page():
    labels = {"predator": dict(Predator.choices()), "species": dict(Species.choices())}
    return _page("oversight/report_payouts.html", PayoutQuerySchema(), dimensions=reports.DIMENSIONS, labels=labels,
                 rows=lambda a: reports.payouts(g.user, a["group_by"], _in_reader_months(a)),
                 performance=lambda a: performance_payouts(g.user, a["group_by"], _in_reader_months(a)))


@bp.get("/reports/payouts.csv")
@login_required(*OVERSEERS)
def payouts_csv():
    args = _csv_args(PayoutQuerySchema())
    rows = payout_rows(g.user, args["group_by"], filters(args), args["payments"])
    name = "performance-payouts" if args["payments"] == "performance" else "payouts"
    return report_csv.response(name, report_csv.payout_columns(args["group_by"], args["payments"]), rows,
                               bom=web_forms.bom(request.args))


@bp.get("/reports/deadlines")
@login_required(*OVERSEERS)
def deadlines_page():
    groups = {d: reports.DIMENSIONS[d] for d in reports.DEADLINE_GROUPS}
    return _page("oversight/report_deadlines.html", DeadlineQuerySchema(), groups=groups,
                 rows=lambda a: reports.deadlines(g.user, a["group_by"], _in_reader_months(a)))


@bp.get("/reports/deadlines.csv")
@login_required(*OVERSEERS)
def deadlines_csv():
    args = _csv_args(DeadlineQuerySchema())
    rows = [report_csv.flat_deadline(r) for r in reports.deadlines(g.user, args["group_by"], filters(args))]
    return report_csv.response("deadlines", report_csv.deadline_columns(args["group_by"]), rows,
                               bom=web_forms.bom(request.args))


@bp.get("/reports/liabilities")
@login_required(*OVERSEERS)
def liabilities_page():
    return _page("oversight/report_liabilities.html", FilterSchema(only=("programme_id",)),
                 rows=lambda a: reports.liabilities(g.user, filters(a)))


@bp.get("/reports/liabilities.csv")
@login_required(*OVERSEERS)
def liabilities_csv():
    args = _csv_args(FilterSchema(only=("programme_id",)))
    return report_csv.response("liabilities", report_csv.LIABILITY_COLUMNS, reports.liabilities(g.user, filters(args)),
                               bom=web_forms.bom(request.args))


@bp.get("/dashboard")
@login_required(*OVERSEERS)
def dashboard_page():
    return render_template("oversight/dashboard.html", d=dashboard.build(g.user), thresholds=fund_health,
                           country_name=charts.country_name)


@bp.get("/transparency")
def transparency_page():
    return render_template("oversight/transparency.html", rows=transparency.figures(reader_calendar()),
                           performance=transparency.performance_figures(reader_calendar()),
                           min_claims=transparency.MIN_CLAIMS, checkpoint=audit_queries.last_checkpoint(),
                           public_key=audit_keys().public_key())


def home_panel(_subject, user) -> str | None:
    """A way to the dashboard and the reports from the home page."""
    if not can_read_reports(user):
        return None
    return render_template("oversight/home_panel.html")
