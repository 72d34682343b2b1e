"""The managers' queue of field records that need review: list, one record, apply or dismiss with a note."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_

from conflict_service.auth.models import Role
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import login_required
from conflict_service.db import db
from conflict_service.errors import DomainError, ValidationError
from conflict_service.jurisdictions.queries import home_timezone
from conflict_service.web import forms as web_forms
from conflict_service.web.views import nav
from field import instance as instances
from field import operations, presentation, queries
from field.enums import SubmissionStatus
from field.schemas import QueueArgsSchema

bp = Blueprint("field", __name__, template_folder="templates")
NAV = [nav(L_("Field records"), "field.queue", *OVERSEERS)]


def home_panel(_subject, user) -> str | None:
    if user is None or user.role not in OVERSEERS:
        return None
    waiting = queries.count_waiting(user)
    return render_template("field/home_panel.html", waiting=waiting) if waiting else None


@bp.get("/field-submissions")
@login_required(*OVERSEERS)
def queue():
    try:
        args = web_forms.load(QueueArgsSchema(), web_forms.clean(request.args, ("status", "page")))
    except ValidationError:
        args = QueueArgsSchema().load({})
    return render_template("field/queue.html", page=queries.queue_page(g.user, **args), status=args["status"],
                           statuses=SubmissionStatus.choices(), tz=home_timezone(g.user))


@bp.get("/field-submissions/<int:submission_id>")
@login_required(*OVERSEERS)
def detail(submission_id):
    return _detail(operations.get_for_review(submission_id, g.user))


def _detail(submission, errors=None, note="", status=200):
    found = instances.parse(submission.xml.encode())
    return render_template("field/detail.html", s=submission, answers=presentation.answers(found),
                           problems=presentation.problems(submission.reason_detail),
                           errors=errors or {}, note=note, tz=_zone(submission)), status


def _zone(submission) -> str:
    """A record's times on the wall clock of its claim's office (the reader's own where it names no known claim)."""
    return submission.claim.office.timezone if submission.claim is not None else home_timezone(g.user)


@bp.post("/field-submissions/<int:submission_id>/review")
@login_required(Role.MANAGER)
def review(submission_id):
    submission = operations.get_for_review(submission_id, g.user)
    note = request.form.get("note", "")
    action = operations.apply if request.form.get("action") == "apply" else operations.dismiss
    try:
        action(submission, note, g.user)
    except DomainError as error:
        db.session.rollback()
        errors = dict(error.errors)
        if not isinstance(error, ValidationError):  # why it still cannot apply, shown above the note
            errors["note"] = [str(error.message), *errors.get("note", [])]
        return _detail(operations.get_for_review(submission_id, g.user), errors, note,
                       422 if isinstance(error, ValidationError) else 409)
    db.session.commit()
    flash(_("Field record {id} applied: the site visit is recorded.").format(id=submission.instance_id)
          if submission.status == SubmissionStatus.APPLIED else
          _("Field record {id} dismissed.").format(id=submission.instance_id), "success")
    return redirect(url_for("field.queue"))
