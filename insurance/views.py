"""Web pages of a scheme: seasons, premium rates, the fund (ledger, contributions, corrections) and statements.

Policies, enrolment and premium collection are in ``views_policies``; the sections other pages show are in
``sections``.
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_

from claims.enums import Species
from conflict_service.auth.models import Role
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import login_required
from conflict_service.i18n import set_context_programme
from conflict_service.spreadsheets import csv_response, csv_text
from conflict_service.timeutil import local_today
from conflict_service.web import forms as web_forms
from conflict_service.web import rate_tables as rate_forms
from conflict_service.web.actions import act, submit
from conflict_service.web.views import nav
from insurance import operations, queries
from insurance.api import premium_rates_view
from insurance.enums import CORRECTABLE
from insurance.permissions import INSURANCE_READERS, can_manage_scheme, can_read_fund
from insurance.schemas import (
    ContributionCreateSchema,
    CorrectionSchema,
    PremiumRateEntrySchema,
    SeasonCreateSchema,
    SeasonUpdateSchema,
)
from insurance.seasons import PREMIUM_COLUMNS
from insurance.statement import CSV_KINDS, fund_view, statement

bp = Blueprint("insurance", __name__, template_folder="templates", url_prefix="/insurance")

NAV = [nav(L_("Insurance"), "insurance.schemes", *INSURANCE_READERS)]
RATE_ROWS = 4


@bp.get("")
@login_required(*INSURANCE_READERS)
def schemes():
    rows = [{"scheme": s, "seasons": queries.seasons_of(s.id), "fund": fund_view(s) if can_read_fund(g.user) else None}
            for s in queries.schemes_for(g.user)]
    return render_template("insurance/schemes.html", rows=rows)


# --- a scheme: fund, seasons, contributions ----------------------------------------------------------------------

@bp.get("/schemes/<int:scheme_id>")
@login_required(*INSURANCE_READERS)
def scheme_detail(scheme_id):
    return _scheme_page(queries.get_scheme(scheme_id, g.user))


def _scheme_page(scheme, *, season_values=None, gift_values=None, errors=None):
    today = local_today(scheme.jurisdiction.timezone)
    current = queries.current_season(scheme)
    set_context_programme(scheme)
    return render_template(
        "insurance/scheme.html", scheme=scheme, seasons=queries.seasons_of(scheme.id), current=current, today=today,
        fund=fund_view(scheme) if can_read_fund(g.user) else None,
        waiting=queries.awaiting_funds(scheme.id, g.user) if can_read_fund(g.user) else [],
        can_manage=can_manage_scheme(g.user, scheme), errors=errors or {},
        season_values=season_values or {}, gift_values=gift_values or {"received_on": today.isoformat(),
                                                                        "season_id": getattr(current, "id", "")},
    )


@bp.post("/schemes/<int:scheme_id>/seasons")
@login_required(Role.MANAGER)
def season_new(scheme_id):
    scheme = queries.get_scheme(scheme_id, g.user)
    names = ("name", "starts_on", "ends_on")
    data = web_forms.clean(request.form, names) | {"names": web_forms.names(request.form)}
    return submit(lambda errors: _scheme_page(scheme, season_values={k: request.form.get(k, "") for k in names} | {
                      "names": data["names"]}, errors={f"season-{k}": v for k, v in errors.items()}),
                  lambda: operations.create_season(scheme, web_forms.load(SeasonCreateSchema(), data), g.user),
                  lambda season: _("Season {name} created; record its premium rates next.").format(
                      name=season.local_name),
                  lambda season: url_for("insurance.premium_rates", season_id=season.id))


@bp.post("/schemes/<int:scheme_id>/contributions")
@login_required(Role.MANAGER)
def contribution_new(scheme_id):
    scheme = queries.get_scheme(scheme_id, g.user)
    names = ("amount", "received_on", "donor", "reference", "season_id", "note")
    return submit(lambda errors: _scheme_page(scheme, gift_values={k: request.form.get(k, "") for k in names},
                                              errors=web_forms.flatten(errors, "gift")),
                  lambda: operations.contribute(scheme, web_forms.load(ContributionCreateSchema(), web_forms.clean(
                      request.form, names)), g.user),
                  lambda tx: _("Contribution recorded as posting no. {seq}.").format(seq=tx.seq),
                  url_for("insurance.scheme_detail", scheme_id=scheme.id))


# --- premium rates -----------------------------------------------------------------------------------------------

@bp.get("/premium-rates/sample.csv")
@login_required(*INSURANCE_READERS)
def premium_rates_sample():
    """The premium rate import's columns as its first line reads them, with one example rate."""
    return csv_response(csv_text([("sheep", "2000", "2026-01-01")], header=PREMIUM_COLUMNS), "premium-rates-sample.csv")


@bp.post("/seasons/<int:season_id>/names")
@login_required(Role.MANAGER)
def season_rename(season_id):
    season = queries.get_season(season_id, g.user)
    data = web_forms.clean(request.form, ("name",)) | {"names": web_forms.names(request.form)}
    return submit(lambda errors: _rates_page(season, rate_forms.blank(RATE_ROWS), {}, name_values=data,
                                             name_errors={f"season-{k}": v for k, v in errors.items()})[0],
                  lambda: operations.update_season(season, web_forms.load(SeasonUpdateSchema(), data, partial=True),
                                                   g.user),
                  _("The season's names are saved."),
                  url_for("insurance.premium_rates", season_id=season.id))


@bp.route("/seasons/<int:season_id>/rates", methods=["GET", "POST"])
@login_required(*INSURANCE_READERS)
def premium_rates(season_id):
    season = queries.get_season(season_id, g.user)
    values, errors = rate_forms.blank(RATE_ROWS), {}
    if request.method == "POST":
        values, errors = rate_forms.post(
            ("species", "amount", "valid_from"), PremiumRateEntrySchema,
            lambda data: operations.record_premium_rates(season, data, g.user, source="web"),
            lambda content, note: operations.import_premium_rates(season, content, g.user,
                                                                  schema=PremiumRateEntrySchema(), note=note,
                                                                  source="web"),
            _("A new version of the premium rates was recorded."), RATE_ROWS)
        if not errors:
            return redirect(url_for("insurance.premium_rates", season_id=season.id))
    return _rates_page(season, values, errors, status=422 if errors else 200)


def _rates_page(season, values, errors, *, name_values=None, name_errors=None, status=200):
    set_context_programme(season.programme)
    return render_template("insurance/rates.html", season=season, scheme=season.programme,
                           view=premium_rates_view(season), values=values, errors=errors, species=Species.choices(),
                           can_edit=can_manage_scheme(g.user, season.programme),
                           name_values=name_values or {"name": season.name, "names": dict(season.names or {})},
                           name_errors=name_errors or {}), status


# --- the ledger ---------------------------------------------------------------------------------------------------

@bp.get("/schemes/<int:scheme_id>/ledger")
@login_required(*OVERSEERS)
def ledger(scheme_id):
    scheme = queries.get_scheme(scheme_id, g.user)
    season_id = request.args.get("season_id", type=web_forms.whole)
    page_number = max(request.args.get("page", 1, type=web_forms.whole), 1)
    page = queries.ledger_page(scheme.id, season_id=season_id, page=page_number)
    reversed_by = queries.reversed_seqs(scheme.id)
    set_context_programme(scheme)
    return render_template("insurance/ledger.html", scheme=scheme, page=page, seasons=queries.seasons_of(scheme.id),
                           season_id=season_id, reversed=reversed_by, correctable=CORRECTABLE,
                           reverses={new: old for old, new in reversed_by.items()},
                           claim_numbers=queries.claim_numbers({tx.claim_id for tx in page.items if tx.claim_id}),
                           can_manage=can_manage_scheme(g.user, scheme), args=request.args.to_dict())


@bp.post("/schemes/<int:scheme_id>/ledger/<int:seq>/reverse")
@login_required(Role.MANAGER)
def ledger_reverse(scheme_id, seq):
    scheme = queries.get_scheme(scheme_id, g.user)
    tx = queries.get_transaction(scheme.id, seq)

    def run():
        data = web_forms.load(CorrectionSchema(), web_forms.clean(request.form, ("reason",)))
        reversal = operations.correct(scheme, tx, data, g.user)
        return _("Posting no. {seq} reversed by posting no. {reversal}.").format(seq=seq, reversal=reversal.seq)

    return act(run, "", url_for("insurance.ledger", scheme_id=scheme.id))


# --- statements ---------------------------------------------------------------------------------------------------

@bp.get("/seasons/<int:season_id>/statement")
@login_required(*OVERSEERS)
def season_statement(season_id):
    season = queries.get_season(season_id, g.user)
    set_context_programme(season.programme)
    return render_template("insurance/statement.html", s=statement(season.programme, season, g.user),
                           seasons=queries.seasons_of(season.programme_id))


@bp.get("/seasons/<int:season_id>/<any(statement, enrolment, arrears):part>.csv")
@login_required(*OVERSEERS)
def season_csv(season_id, part):
    season = queries.get_season(season_id, g.user)
    text = CSV_KINDS[part](statement(season.programme, season, g.user))
    name = f"{part}-{season.programme_id}-{season.id}.csv"
    return csv_response(text, name, bom=web_forms.bom(request.args))
