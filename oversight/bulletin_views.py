"""The bulletin's page: choose a programme or country, a year and a language; the PDF opens in the browser."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request
from flask_babel import lazy_gettext as L_

from claims.queries import programmes_for
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import login_required
from conflict_service.errors import ValidationError
from conflict_service.i18n import current_locale, language_titles, native_digits, plain_digits
from conflict_service.jurisdictions import queries as jq
from conflict_service.jurisdictions.models import Level
from conflict_service.web import forms as web_forms
from conflict_service.web.views import nav
from oversight import bulletin
from oversight.bulletin_api import BulletinQuerySchema, pdf_response

bp = Blueprint("bulletin", __name__, template_folder="templates")
NAV = [nav(L_("Annual bulletin"), "bulletin.page", *OVERSEERS)]
ARGS = ("programme_id", "country", "year", "lang", "bilingual")


def _page(errors: dict):
    scope = jq.scope_ids(g.user)
    countries = [j for j in jq.visible(g.user) if j.level == Level.COUNTRY and j.id in scope]
    args = {"year": native_digits(str(bulletin.last_year(g.user))), "lang": current_locale(), **request.args.to_dict()}
    return render_template("oversight/bulletin_page.html", args=args, errors=errors,
                           country_choices=[(c.code, c.name) for c in countries],
                           programme_choices=[(p.id, p.name) for p in programmes_for(g.user)],
                           languages=language_titles()), (422 if errors else 200)


@bp.get("/reports/bulletin")
@login_required(*OVERSEERS)
def page():
    return _page({})


@bp.get("/reports/bulletin.pdf")
@login_required(*OVERSEERS)
def download():
    try:
        raw = web_forms.clean(request.args, ARGS)
        if "year" in raw:
            raw["year"] = plain_digits(raw["year"])  # typed in Persian or Arabic-Indic digits (DESIGN §14)
        args = web_forms.load(BulletinQuerySchema(), raw)
    except ValidationError as error:
        return _page(error.errors)
    return pdf_response(g.user, args)
