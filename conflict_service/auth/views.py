"""Sign-in and sign-out pages (session cookie)."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from conflict_service.auth import field_credentials, operations
from conflict_service.auth.models import Role
from conflict_service.auth.schemas import FieldCredentialCreateSchema
from conflict_service.auth.session import login_required, sign_in, sign_out
from conflict_service.db import db
from conflict_service.errors import ValidationError
from conflict_service.i18n import current_locale
from conflict_service.jurisdictions.queries import home_timezone
from conflict_service.qrcodes import qr_png_uri, qr_svg
from conflict_service.security import SIGN_IN_LIMIT, limiter, sign_in_limit
from conflict_service.web import forms as web_forms
from conflict_service.web.views import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limit
def login():
    next_url = request.values.get("next")
    if request.method == "GET":
        if g.get("user"):
            return redirect(safe_next(next_url, url_for("claims.home")))
        return render_template("auth/login.html", next=next_url, expired=g.get("session_expired"))
    username = request.form.get("username", "")
    try:
        user = operations.authenticate(username, request.form.get("password", ""))
    except operations.SignInFailed as error:
        db.session.commit()  # keep the failure count and the audit event
        return render_template("auth/login.html", next=next_url, username=username, error=error.message), 401
    sign_in(user)
    db.session.commit()
    return redirect(safe_next(next_url, url_for("claims.home")))


@bp.post("/logout")
def logout():
    sign_out()
    db.session.commit()
    return redirect(url_for("auth.login"))


# --- the signed-in user's own page: field-device credentials -------------------------------------------------

@bp.get("/profile")
@login_required()
def profile():
    return _profile()


def _profile(**shown):
    """The profile page: the user's field devices (their times in the user's own zone) and what ``shown`` adds."""
    return render_template("auth/profile.html", credentials=field_credentials.all_for(g.user),
                           server_url=field_credentials.server_url(), tz=home_timezone(g.user), **shown)


@bp.post("/profile/field-credentials")
@login_required(Role.VERIFIER)
@limiter.limit(SIGN_IN_LIMIT)
def field_credential_new():
    label = request.form.get("label", "")
    try:  # the API's own schema: a name over 80 characters is refused at its field, and stays as typed
        credential, password = field_credentials.create(
            g.user, web_forms.load(FieldCredentialCreateSchema(), {"label": label}), g.user)
    except ValidationError as error:
        return _profile(errors=error.errors, label=label), 422
    db.session.commit()
    # The password is shown on this answer only (not after a redirect): it is never stored.
    code = field_credentials.collect_settings_code(credential, password, current_locale())
    return _profile(created=credential, password=password, collect_qr=qr_svg(
        code, title=_("QR code that sets up ODK Collect or KoboCollect for this device"), sized=False,
        svgclass="qr-code", error="l"), collect_png=qr_png_uri(code, error="l"),
        collect_import_item=field_credentials.collect_import_item(current_locale()))


@bp.post("/profile/field-credentials/<int:credential_id>/revoke")
@login_required(Role.VERIFIER)
def field_credential_revoke(credential_id):
    credential = field_credentials.revoke(field_credentials.get(g.user, credential_id, g.user), g.user)
    db.session.commit()
    flash(_("The device {name} can no longer connect.").format(name=credential.label or credential.username),
          "success")
    return redirect(url_for("auth.profile"))
