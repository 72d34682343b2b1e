"""Open-data pages: the export form for managers and auditors (both tiers) and the public tier without sign-in."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request
from flask_babel import lazy_gettext as L_

from claims.queries import programmes_for
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import login_required
from conflict_service.errors import ValidationError
from conflict_service.security import limiter
from conflict_service.web import forms as web_forms
from conflict_service.web.views import nav
from oversight.opendata import MIN_HOUSEHOLDS, Tier
from oversight.opendata_api import FORMAT_RULE, OpenDataQuerySchema, export_response

bp = Blueprint("opendata", __name__, template_folder="templates")
NAV = [nav(L_("Open data"), "opendata.export_page", *OVERSEERS)]
ARGS = ("tier", "recipient", "from", "to", "programme_id", "bom")
PUBLIC_LIMIT = "60 per hour"


def _page(template: str, errors: dict, **context):
    return render_template(template, args=request.args.to_dict(), errors=errors, tiers=Tier.choices(),
                           min_households=MIN_HOUSEHOLDS, **context), (422 if errors else 200)


@bp.get("/exports/open-data")
@login_required(*OVERSEERS)
def export_page():
    return _page("oversight/open_data_export.html", {}, programmes=programmes_for(g.user))


@bp.get("/exports/open-data/events." + FORMAT_RULE)
@login_required(*OVERSEERS)
def export_download(fmt: str):
    try:
        args = web_forms.load(OpenDataQuerySchema(), web_forms.clean(request.args, ARGS))
    except ValidationError as error:
        return _page("oversight/open_data_export.html", error.errors, programmes=programmes_for(g.user))
    return export_response(g.user, args, fmt)


@bp.get("/open-data")
def public_page():
    return _page("oversight/open_data.html", {})


@bp.get("/open-data/events." + FORMAT_RULE)
@limiter.limit(PUBLIC_LIMIT)
def public_download(fmt: str):
    """The public tier for anyone: every jurisdiction, regions and 0.5° squares, months."""
    raw = {**web_forms.clean(request.args, ("from", "to", "bom")), "tier": Tier.PUBLIC.value}
    try:
        args = web_forms.load(OpenDataQuerySchema(), raw)
    except ValidationError as error:
        return _page("oversight/open_data.html", error.errors)
    return export_response(None, args, fmt)
