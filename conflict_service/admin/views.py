"""Administrator pages: user accounts and jurisdictions. No claim decisions here."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_

from conflict_service.auth import field_credentials
from conflict_service.auth import operations as auth_ops
from conflict_service.auth import queries as auth_queries
from conflict_service.auth.models import Role
from conflict_service.auth.schemas import UserCreateSchema, UserUpdateSchema
from conflict_service.auth.session import login_required
from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.i18n import language_titles, zone_of
from conflict_service.jurisdictions import operations as j_ops
from conflict_service.jurisdictions import queries as jq
from conflict_service.jurisdictions.models import Jurisdiction
from conflict_service.jurisdictions.schemas import JurisdictionCreateSchema, JurisdictionUpdateSchema
from conflict_service.web import forms as web_forms
from conflict_service.web.actions import submit
from conflict_service.web.views import nav

bp = Blueprint("admin", __name__, url_prefix="/admin")

NAV = [nav(L_("Users"), "admin.users", Role.ADMIN), nav(L_("Jurisdictions"), "admin.jurisdictions", Role.ADMIN)]
TIMEZONES = sorted(tz for tz in available_timezones() if tz.startswith(("Asia/", "Europe/")))


def _choices() -> dict:
    """Choices for the forms: only the jurisdictions within the administrator's own."""
    t = jq.tree()
    return {"roles": Role.choices(), "languages": language_titles(),
            "timezones": [(tz, zone_of(tz)) for tz in TIMEZONES],
            "jurisdictions": [(j.id, f"{'  ' * len(t.ancestors(j.id))}{j.local_name}") for j in _own_tree(t)]}


def _own_tree(t) -> list:
    scope = jq.scope_ids(g.user)
    return [j for j in t.by_id.values() if j.id in scope]


def _user_form_data(form, *, creating: bool) -> dict:
    data = web_forms.clean(form, ("username", "full_name", "role", "password", "preferred_language"))
    data["jurisdiction_ids"] = [int(v) for v in form.getlist("jurisdiction_ids") if v.isdigit()]
    if not creating:
        data.pop("username", None)
        data["is_active"] = form.get("is_active") == "true"
        data["preferred_language"] = form.get("preferred_language") or None
    return data


@bp.get("/users")
@login_required(Role.ADMIN)
def users():
    return render_template("admin/users.html", users=auth_queries.all_users(g.user), tz=jq.home_timezone(g.user))


@bp.route("/users/new", methods=["GET", "POST"])
@login_required(Role.ADMIN)
def user_new():
    values = _user_form_data(request.form, creating=True) if request.method == "POST" else {"jurisdiction_ids": []}
    return submit(lambda errors: render_template("admin/user_form.html", user=None, errors=errors, **_choices(),
                                                 values={k: v for k, v in values.items() if k != "password"}),
                  lambda: auth_ops.create_user(web_forms.load(UserCreateSchema(), values), g.user),
                  lambda user: _("User {name} created.").format(name=user.username), url_for("admin.users"))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required(Role.ADMIN)
def user_edit(user_id):
    user = auth_queries.get_user(user_id, g.user)
    values = {"full_name": user.full_name, "role": user.role.value, "preferred_language": user.preferred_language,
              "is_active": user.is_active, "jurisdiction_ids": [j.id for j in user.jurisdictions]}
    password = None
    if request.method == "POST":
        values = _user_form_data(request.form, creating=False)
        password = values.pop("password", None)

    def save():
        auth_ops.update_user(user, web_forms.load(UserUpdateSchema(), values), g.user)
        if password:
            auth_ops.set_password(user, password, g.user)

    return submit(lambda errors: render_template("admin/user_form.html", user=user, values=values, errors=errors,
                                                 credentials=field_credentials.all_for(user),
                                                 tz=jq.home_timezone(g.user), **_choices()),
                  save, _("Changes saved."), url_for("admin.users"))


@bp.post("/users/<int:user_id>/field-credentials/<int:credential_id>/revoke")
@login_required(Role.ADMIN)
def field_credential_revoke(user_id, credential_id):
    user = auth_queries.get_user(user_id, g.user)
    credential = field_credentials.revoke(field_credentials.get(user, credential_id, g.user), g.user)
    db.session.commit()
    flash(_("The device {name} can no longer connect.").format(name=credential.label or credential.username),
          "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/jurisdictions", methods=["GET", "POST"])
@login_required(Role.ADMIN)
def jurisdictions():
    values = {}
    if request.method == "POST":
        values = web_forms.clean(request.form, ("short_code", "name", "parent_id", "timezone"))
        values["names"] = web_forms.names(request.form)

    def page(errors):
        t = jq.tree()
        return render_template("admin/jurisdictions.html", rows=[(j, len(t.ancestors(j.id))) for j in _own_tree(t)],
                               values=values, errors=errors, **_choices())

    return submit(page, lambda: j_ops.create_jurisdiction(web_forms.load(JurisdictionCreateSchema(), values), g.user),
                  lambda j: _("{level} {code} created.").format(level=j.level.title, code=j.code),
                  url_for("admin.jurisdictions"))


@bp.route("/jurisdictions/<int:jurisdiction_id>", methods=["GET", "POST"])
@login_required(Role.ADMIN)
def jurisdiction_edit(jurisdiction_id):
    """Rename a country, region or office (official name and names per language), change its time zone or
    deactivate it: the operation the API's PATCH and `flask jurisdictions rename` use."""
    j = db.session.get(Jurisdiction, jurisdiction_id)
    if j is None or j.id not in jq.scope_ids(g.user):
        raise NotFound()
    values = {"name": j.name, "names": dict(j.names or {}), "timezone": j.timezone, "is_active": j.is_active}
    if request.method == "POST":
        values = web_forms.clean(request.form, ("timezone",)) | {"name": request.form.get("name", "")}
        values["names"] = web_forms.names(request.form)
        values.update(web_forms.flags(request.form, ("is_active",)))

    def page(errors):
        choices = _choices()
        if j.timezone not in TIMEZONES:  # UTC or a zone outside Asia and Europe stays choosable, not silently replaced
            choices["timezones"].insert(0, (j.timezone, zone_of(j.timezone)))
        return render_template("admin/jurisdiction_form.html", j=j, values=values, errors=errors, **choices)

    return submit(page, lambda: j_ops.update_jurisdiction(j, web_forms.load(JurisdictionUpdateSchema(), values,
                                                                            partial=True), g.user),
                  _("Changes saved."), url_for("admin.jurisdictions"))
