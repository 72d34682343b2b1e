"""Pages: the owner's consent (a section of the owner page, and its form), the outbox, previews of owners' texts."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_

from claims.permissions import can_see_personal_data, mask
from claims.queries import get_owner
from conflict_service.auth.models import Role
from conflict_service.auth.roles import CASE_HANDLERS
from conflict_service.auth.session import login_required
from conflict_service.errors import ValidationError
from conflict_service.i18n import LOCALES, language_titles
from conflict_service.jurisdictions.queries import home_timezone
from conflict_service.timeutil import local_today
from conflict_service.web import forms as web_forms
from conflict_service.web.actions import act, submit
from conflict_service.web.extensions import FormPart
from conflict_service.web.views import nav, safe_next
from notifications import operations, queries
from notifications.enums import ConsentChannel, ConsentSource, MessageState, Template
from notifications.permissions import OUTBOX_READERS, can_read_outbox, can_record_consent, can_resend
from notifications.schemas import ConsentSchema, OutboxQuerySchema, StaffContactSchema

bp = Blueprint("notifications", __name__, template_folder="templates")
NAV = [nav(L_("Messages"), "notifications.outbox_page", *OUTBOX_READERS)]
CONSENT_FIELDS = ("channel", "language", "recorded_on", "source")


def owner_section(owner, user) -> str | None:
    """The owner page's panel: how the owner hears about their claims."""
    if user is None or user.role not in (*CASE_HANDLERS, Role.VERIFIER, Role.AUDITOR):
        return None
    return render_template("notifications/owner_section.html", owner=owner, consent=operations.consent_of(owner),
                           can_record=can_record_consent(user))


def _consent_values(owner, consent) -> dict:
    if consent is None:
        return {"channel": ConsentChannel.SMS.value, "language": owner.preferred_language,
                "recorded_on": local_today(owner.office.timezone).isoformat(), "source": ConsentSource.OFFICE.value}
    return {"channel": consent.channel.value, "language": consent.language,
            "recorded_on": consent.recorded_on.isoformat(), "source": consent.source.value}


@bp.route("/owners/<int:owner_id>/consent", methods=["GET", "POST"])
@login_required(*CASE_HANDLERS)
def consent_form(owner_id):
    owner = get_owner(owner_id, g.user)
    values = (web_forms.clean(request.form, CONSENT_FIELDS) if request.method == "POST"
              else _consent_values(owner, operations.consent_of(owner)))
    return submit(lambda errors: render_template("notifications/consent_form.html", owner=owner, values=values,
                                                 errors=errors, stop=operations.stop_keyword(),
                                                 channels=ConsentChannel.choices(), sources=ConsentSource.choices(),
                                                 languages=language_titles()),
                  lambda: operations.set_consent(owner, web_forms.load(ConsentSchema(), values), g.user),
                  [], url_for("claims.owner_detail", owner_id=owner.id))


def intake_consent_fields(values, errors) -> str:
    """The owner registration form's question: may the office text the owner about their claims?"""
    return render_template("notifications/intake_consent.html", checked=_ticked(values), errors=errors,
                           stop=operations.stop_keyword())


def _ticked(form) -> bool:
    """A checkbox macro posts a hidden "false" before the box's "true"."""
    return "true" in (form.getlist("consent_sms") if hasattr(form, "getlist") else [form.get("consent_sms")])


def intake_consent_apply(owner, form, user) -> None:
    """Record SMS consent for a newly registered owner when the clerk ticked it."""
    if _ticked(form):
        operations.record_office_sms_consent(owner, user)


INTAKE_CONSENT = FormPart(intake_consent_fields, intake_consent_apply)


def profile_section(_subject, user) -> str | None:
    """The profile page's panel: the user's e-mail for digests and escalations."""
    if user is None:
        return None
    contact = operations.staff_contact(user)
    values = {"email": contact.email, "is_digest_wanted": contact.is_digest_wanted} if contact else {
        "email": "", "is_digest_wanted": True}
    return render_template("notifications/profile_section.html", values=values, errors={})


@bp.post("/profile/mail")
@login_required()
def profile_mail():
    values = {"email": request.form.get("email", "").strip(),
              "is_digest_wanted": request.form.get("is_digest_wanted") == "true"}
    return submit(lambda errors: render_template("notifications/profile_mail.html", values=values, errors=errors),
                  lambda: operations.set_staff_contact(g.user, web_forms.load(StaffContactSchema(), values), g.user),
                  [], url_for("auth.profile"))


@bp.get("/outbox")
@login_required(*OUTBOX_READERS)
def outbox_page():
    raw = web_forms.clean(request.args, ("state", "template", "claim_id", "page"))
    try:
        args, errors = web_forms.load(OutboxQuerySchema(), raw), {}
    except ValidationError as error:
        args, errors = OutboxQuerySchema().load({}), error.errors
    page_no, per_page = args.pop("page"), args.pop("per_page")
    page = queries.outbox_page(g.user, **args, page=page_no, per_page=per_page)
    return render_template("notifications/outbox.html", page=page, args=request.args.to_dict(), errors=errors,
                           counts=queries.state_counts(g.user), states=MessageState.choices(),
                           templates=Template.choices(), can_resend=can_resend(g.user), tz=home_timezone(g.user),
                           show_address=lambda value: value if can_see_personal_data(g.user) else mask(value))


@bp.post("/outbox/<int:message_id>/resend")
@login_required(Role.MANAGER)
def resend(message_id):
    message = operations.get_message(message_id, g.user)
    return act(lambda: operations.resend(message, g.user), _("The message is queued again."),
               safe_next(request.form.get("next"), url_for("notifications.outbox_page")))


@bp.get("/outbox/previews")
@login_required(*OUTBOX_READERS)
def previews_page():
    locale = request.args.get("locale") if request.args.get("locale") in LOCALES else None
    return render_template("notifications/previews.html", rows=queries.previews(locale), locale=locale,
                           languages=language_titles(), can_read=can_read_outbox(g.user))
