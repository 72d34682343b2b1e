"""The audit page: the state of the hash chain, a button to verify it, and the events themselves."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from flask_babel import ngettext

from conflict_service.audit import operations, queries
from conflict_service.audit.api import AuditQuerySchema
from conflict_service.auth.roles import AUDIT_READERS
from conflict_service.auth.session import login_required
from conflict_service.db import db
from conflict_service.errors import ValidationError
from conflict_service.i18n import format_number
from conflict_service.jurisdictions.queries import home_timezone
from conflict_service.web import forms as web_forms
from conflict_service.web.views import nav

bp = Blueprint("audit", __name__, url_prefix="/audit")
NAV = [nav(L_("Audit"), "audit.index", *AUDIT_READERS)]


@bp.get("")
@login_required(*AUDIT_READERS)
def index():
    raw = web_forms.clean(request.args, ("entity_type", "action", "actor", "page"))
    try:
        args, errors = web_forms.load(AuditQuerySchema(), raw), {}
    except ValidationError as error:
        args, errors = AuditQuerySchema().load({}), error.errors
    page_no, per_page = args.pop("page"), args.pop("per_page")
    page = queries.events_page(g.user, queries.EventFilters(**args), page_no, per_page)
    return render_template("audit/index.html", page=page, check=queries.last_check(), args=request.args.to_dict(),
                           errors=errors, tz=home_timezone(g.user))


@bp.post("/verify")
@login_required(*AUDIT_READERS)
def verify():
    check = operations.run_chain_check(g.user.username)
    db.session.commit()
    if check.is_intact:
        flash(ngettext("The audit chain is intact: %(n)s event verified.",
                       "The audit chain is intact: %(n)s events verified.", check.events_checked,
                       n=format_number(check.events_checked)), "success")
    elif check.first_bad_seq:
        flash(_("The audit chain is broken at event {seq}.").format(seq=check.first_bad_seq), "error")
    else:
        flash(_("The records disagree with the audit trail; see the last verification."), "error")
    return redirect(url_for("audit.index"))
