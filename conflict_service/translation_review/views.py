"""The administrator's page: download a language for review, upload the corrections, see who changed what."""

from __future__ import annotations

from flask import Blueprint, Response, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_

from conflict_service.auth.models import Role
from conflict_service.auth.session import login_required
from conflict_service.db import db
from conflict_service.errors import ValidationError
from conflict_service.i18n import language_title
from conflict_service.jurisdictions.queries import home_timezone
from conflict_service.translation_review import catalogs, operations
from conflict_service.web import forms as web_forms
from conflict_service.web.views import nav

bp = Blueprint("translation_review", __name__, url_prefix="/admin/translations")
NAV = [nav(L_("Translations"), "translation_review.index", Role.ADMIN)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(locale: str) -> Response:
    """The review sheet of one language as a download (the page, the API)."""
    data = operations.export_workbook(locale)
    return Response(data, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="translations-{operations.check_locale(locale)}.xlsx"',
        "Cache-Control": "no-store"})


def _page(values: dict, errors: dict, report=None, status: int = 200):
    languages = [(loc, language_title(loc)) for loc in catalogs.reviewable_locales()]
    return render_template("admin/translations.html", languages=languages, values=values, errors=errors,
                           report=report, changes=operations.recent_changes(), tz=home_timezone(g.user)), status


@bp.route("", methods=["GET", "POST"])
@login_required(Role.ADMIN)
def index():
    values = {"reviewer": g.user.full_name or g.user.username}
    if request.method == "GET":
        return _page(values, {})
    values = web_forms.clean(request.form, ("locale", "reviewer"))
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ValidationError.field("file", _("Choose the corrected review sheet (XLSX)."))
        report = operations.import_corrections(upload.read(), values.get("reviewer"), g.user, values.get("locale"))
        db.session.commit()
        return _page(values, {}, report)
    except ValidationError as error:
        db.session.rollback()
        return _page(values, error.errors, status=422)


@bp.get("/export")
@login_required(Role.ADMIN)
def export():
    try:
        return xlsx_response(request.args.get("locale", ""))
    except ValidationError as error:
        return _page({"reviewer": g.user.full_name or g.user.username}, error.errors, status=422)
