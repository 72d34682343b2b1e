"""The review queue of anomaly flags (/flags), decisions from it, and the flags panel on the claim page."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_

from claims.queries import programmes_for
from conflict_service.auth.models import Role
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import login_required
from conflict_service.db import db
from conflict_service.errors import ValidationError
from conflict_service.web import forms as web_forms
from conflict_service.web.views import nav
from oversight.flags import operations, queries, rules
from oversight.flags.schemas import FlagDecisionSchema
from oversight.models import FlagDecision
from oversight.permissions import can_decide_flags, can_read_flags

bp = Blueprint("flags", __name__, template_folder="templates")
NAV = [nav(L_("Flags"), "flags.queue", *OVERSEERS)]


def _page_args() -> dict:
    state = request.args.get("state", "open")
    rule = request.args.get("rule") or None
    return {"state": state if state in queries.STATES else "open", "rule": rule if rule in rules.RULES else None,
            "programme_id": request.args.get("programme_id", type=web_forms.whole),
            "page": max(request.args.get("page", 1, type=web_forms.whole), 1)}


@bp.get("/flags")
@login_required(*OVERSEERS)
def queue(errors=None, failed_id=None, status=200):
    args = _page_args()
    page = queries.queue(g.user, **args)
    db.session.commit()  # keep what the refresh raised or cleared
    return render_template("flags/queue.html", page=page, args=request.args.to_dict(), chosen=args,
                           rules=rules.titles(), programmes=programmes_for(g.user), describe=rules.describe,
                           rule_titles=dict(rules.titles()), decisions=FlagDecision.choices(),
                           can_decide=can_decide_flags(g.user), errors=errors or {}, failed_id=failed_id,
                           values=request.form), status


@bp.post("/flags/<int:flag_id>/decision")
@login_required(Role.MANAGER)
def decide(flag_id):
    flag = queries.get_flag(flag_id, g.user)
    try:
        data = web_forms.load(FlagDecisionSchema(), web_forms.clean(request.form, ("decision", "note")))
        operations.decide(flag, data, g.user)
        db.session.commit()
    except ValidationError as error:
        db.session.rollback()
        if request.form.get("back") == "claim":
            flash(" ".join(m for msgs in error.errors.values() for m in msgs), "error")
            return redirect(url_for("claims.claim_detail", claim_id=flag.claim_id) + "#flags")
        return queue(errors=error.errors, failed_id=flag_id, status=422)
    flash(_("Decision recorded on {claim}: {decision}.").format(claim=flag.claim.number,
                                                               decision=flag.decision.title), "success")
    if request.form.get("back") == "claim":
        return redirect(url_for("claims.claim_detail", claim_id=flag.claim_id) + "#flags")
    return redirect(url_for("flags.queue", **{k: v for k, v in request.args.items()}))


def claim_section(claim, user) -> str | None:
    """The flags panel on the claim page (slot ``claim``): managers and auditors only."""
    if not can_read_flags(user):
        return None
    flags = queries.for_claim(claim)
    db.session.commit()
    if not flags:
        return None
    return render_template("flags/claim_section.html", flags=flags, describe=rules.describe,
                           rule_titles=dict(rules.titles()), decisions=FlagDecision.choices(),
                           can_decide=can_decide_flags(user))
