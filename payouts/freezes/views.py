"""Pages of retaliation freezes: the list, recording a killing, one freeze with its held claims, lifting it."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from flask_babel import ngettext

from claims.queries import programmes_for
from conflict_service.auth.models import Role
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import login_required
from conflict_service.i18n import format_number
from conflict_service.jurisdictions.models import Level
from conflict_service.jurisdictions.queries import scope_ids, tree
from conflict_service.web import forms as web_forms
from conflict_service.web.actions import act, submit
from conflict_service.web.views import nav
from payouts.freezes import holds, operations, queries
from payouts.freezes.models import KillCause
from payouts.freezes.schemas import FreezeCreateSchema, LiftSchema
from payouts.permissions import can_manage_payouts, can_view_payouts

bp = Blueprint("freezes", __name__, template_folder="templates")
NAV = [nav(L_("Freezes"), "freezes.freeze_list", *OVERSEERS)]
FORM_FIELDS = ("programme_id", "cause", "killed_on", "jurisdiction_id", "lat", "lon", "radius_km", "note")


@bp.get("/freezes")
@login_required(*OVERSEERS)
def freeze_list():
    shown = request.args.get("show", "active")
    active = {"active": True, "ended": False}.get(shown)
    page = queries.freezes_page(g.user, active=active, page=max(request.args.get("page", 1, type=web_forms.whole), 1))
    page.items = [queries.view(f) for f in page.items]
    return render_template("freezes/list.html", page=page, shown=shown, args=request.args.to_dict(),
                           can_manage=can_manage_payouts(g.user))


@bp.route("/freezes/new", methods=["GET", "POST"])
@login_required(Role.MANAGER)
def freeze_new():
    return submit(lambda errors: render_template(
        "freezes/form.html", values=request.form.to_dict(), errors=errors, causes=KillCause.choices(),
        programmes=[(p.id, _freeze_choice(p)) for p in programmes_for(g.user, active_only=True)], areas=_areas(g.user)),
        lambda: operations.record_freeze(web_forms.load(FreezeCreateSchema(), web_forms.clean(request.form,
                                                                                              FORM_FIELDS)), g.user),
        [], lambda freeze: url_for("freezes.freeze_detail", freeze_id=freeze.id))


def _freeze_choice(programme) -> str:
    """A programme as a choice: its name in the reader's language and the length of its freeze."""
    days = programme.retaliation_freeze_days
    if not days:
        return _("{name} (freeze off)").format(name=programme.local_name)
    return ngettext("%(name)s (%(days)s day)", "%(name)s (%(days)s days)", days, name=programme.local_name,
                    days=format_number(days))


def _areas(user) -> list[tuple[int, str]]:
    t = tree()
    ids = [i for i in scope_ids(user) if t.by_id[i].level != Level.COUNTRY]
    return [(j.id, f"{j.name} ({j.code})") for j in sorted((t.by_id[i] for i in ids), key=lambda j: j.code)]


@bp.get("/freezes/<int:freeze_id>")
@login_required(*OVERSEERS)
def freeze_detail(freeze_id):
    freeze = queries.view(operations.get_freeze(freeze_id, g.user))
    return render_template("freezes/detail.html", freeze=freeze, can_manage=can_manage_payouts(g.user),
                           today=holds.today_for(freeze.programme))


@bp.post("/freezes/<int:freeze_id>/lift")
@login_required(Role.MANAGER)
def freeze_lift(freeze_id):
    freeze = operations.get_freeze(freeze_id, g.user)
    return act(lambda: operations.lift_freeze(freeze, web_forms.load(LiftSchema(), web_forms.clean(
                   request.form, ("reason",))), g.user),
               _("Freeze #{id} lifted: payments in its area can be batched again.").format(id=freeze.id),
               url_for("freezes.freeze_detail", freeze_id=freeze.id))


def claim_notice(claim, user) -> str | None:
    """On the claim page (slot ``claim``): why its payment is held, for those who handle payments."""
    if not can_view_payouts(user) or claim.status not in holds.WAITING_STATES:
        return None
    freeze = holds.hold_of(claim)
    if freeze is None:
        return None
    return render_template("freezes/claim_notice.html", freeze=freeze)
