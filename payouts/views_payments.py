"""Web pages for payment batches, single payments and bank-statement reconciliation."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_

from claims.permissions import can_see_personal_data, mask
from claims.queries import programmes_for
from conflict_service.auth.models import Role
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import login_required, require_user
from conflict_service.db import db
from conflict_service.errors import Conflict, ValidationError
from conflict_service.i18n import set_context_programme
from conflict_service.jurisdictions.queries import home_timezone
from conflict_service.spreadsheets import csv_response, csv_text
from conflict_service.timeutil import local_today
from conflict_service.web import forms as web_forms
from conflict_service.web.actions import act
from conflict_service.web.views import nav
from payouts import operations, queries
from payouts.enums import BatchStatus, PaymentStatus
from payouts.operations.reconciliation import REQUIRED
from payouts.permissions import can_manage_payouts
from payouts.presentation import reconciliation_view
from payouts.schemas import BatchCreateSchema, CancelSchema, ConfirmSchema, FailSchema
from payouts.subjects import labels as subject_labels
from payouts.subjects import subjects_of

bp = Blueprint("payments", __name__, template_folder="templates")

NAV = [nav(L_("Payment batches"), "payments.batch_list", *OVERSEERS),
       nav(L_("Reconciliation"), "payments.reconciliation_list", *OVERSEERS)]


@bp.get("/payment-batches")
@login_required(*OVERSEERS)
def batch_list():
    status = request.args.get("status") or None
    try:
        status = BatchStatus(status) if status else None
    except ValueError:
        status = None
    page = queries.batches_page(g.user, status=status, page=max(request.args.get("page", 1, type=web_forms.whole), 1))
    sums = queries.batch_sums([b.id for b in page.items])
    return render_template("payouts/batch_list.html", page=page, sums=sums, statuses=BatchStatus.choices(),
                           status=status, args=request.args.to_dict(), can_manage=can_manage_payouts(g.user))


@bp.route("/payment-batches/new", methods=["GET", "POST"])
@login_required(Role.MANAGER)
def batch_new():
    programmes = programmes_for(g.user)
    chosen_id = request.values.get("programme_id", type=web_forms.whole)
    programme = next((p for p in programmes if p.id == chosen_id), programmes[0] if len(programmes) == 1 else None)
    subjects = subjects_of(programme) if programme else None  # a programme paying periods instead of claims
    key = "subject_ids" if subjects else "claim_ids"
    if request.method == "POST" and programme is not None:
        chosen = [int(v) for v in request.form.getlist(key) if v.isdigit()]
        try:
            data = web_forms.load(BatchCreateSchema(), {"programme_id": programme.id, key: chosen or None,
                                                        **web_forms.clean(request.form, ("note",))})
            if not chosen:
                raise ValidationError.field(key, _("Tick at least one period to pay.") if subjects
                                            else _("Tick at least one claim to pay."))
            batch = operations.build_batch(data, g.user)
            db.session.commit()
            flash(_("Batch #{id} built; another manager must approve it.").format(id=batch.id), "success")
            return redirect(url_for("payments.batch_detail", batch_id=batch.id))
        except (ValidationError, Conflict) as error:
            db.session.rollback()
            flash(" ".join(str(m) for msgs in getattr(error, "errors", {}).values() for m in msgs)
                  or str(error.message), "error")
    if subjects:
        due = subjects.waiting(programme, g.user)
        names = subjects.labels([subject.id for subject, _due in due])
        return render_template("payouts/batch_new.html", programmes=programmes, programme=programme, waiting=[],
                               due=[(names[d.subject_id], d, sum(p.principal for p in d.parts)) for _s, d in due])
    waiting = queries.waiting_for_payment(g.user, programme) if programme else []
    return render_template("payouts/batch_new.html", programmes=programmes, programme=programme, waiting=waiting,
                           due=None)


@bp.get("/payment-batches/<int:batch_id>")
@login_required(*OVERSEERS)
def batch_detail(batch_id):
    batch = queries.get_batch(batch_id, g.user)
    rows = queries.batch_payments(batch.id)
    show_personal = can_see_personal_data(g.user)
    names = subject_labels([p for p, _claim in rows])
    set_context_programme(batch.programme)
    return render_template("payouts/batch_detail.html", batch=batch, rows=rows,
                           sums=queries.batch_sums([batch.id]).get(batch.id, (0, 0)),
                           can_manage=can_manage_payouts(g.user), account=lambda v: v if show_personal else mask(v),
                           today=local_today(batch.programme.jurisdiction.timezone).isoformat(),
                           SENT=PaymentStatus.SENT, subject_label=lambda p: names.get((p.subject, p.subject_id)))


@bp.post("/payment-batches/<int:batch_id>/approve")
@login_required(Role.MANAGER)
def batch_approve(batch_id):
    batch = queries.get_batch(batch_id, g.user)
    return act(lambda: operations.approve_batch(batch, g.user),
               _("Batch #{id} approved: its payments are sent.").format(id=batch.id),
               url_for("payments.batch_detail", batch_id=batch.id))


@bp.post("/payment-batches/<int:batch_id>/cancel")
@login_required(Role.MANAGER)
def batch_cancel(batch_id):
    batch = queries.get_batch(batch_id, g.user)

    def run():
        operations.cancel_batch(batch, web_forms.load(CancelSchema(), web_forms.clean(request.form, ("reason",))),
                                g.user)

    return act(run, _("Batch #{id} cancelled; its claims wait for another batch.").format(id=batch.id),
               url_for("payments.batch_detail", batch_id=batch.id))


@bp.get("/payment-batches/<int:batch_id>/payment-file.csv")
@login_required(Role.MANAGER)
def batch_file(batch_id):
    batch = queries.get_batch(batch_id, g.user)
    bom = web_forms.bom(request.args)
    text = operations.payment_file(batch, g.user)
    db.session.commit()
    return csv_response(text, f"payment-batch-{batch.id}.csv", bom=bom)


@bp.post("/payments/<int:payment_id>/confirm")
@login_required(Role.MANAGER)
def payment_confirm(payment_id):
    payment = queries.get_payment(payment_id, g.user)
    back = url_for("payments.batch_detail", batch_id=payment.batch_id) if payment.batch_id else url_for(
        "payments.batch_list")

    def run():
        raw = web_forms.clean(request.form, ("reference", "paid_on"))  # the form asks for the day
        operations.confirm_payment(payment, web_forms.load(ConfirmSchema(), raw), g.user)

    return act(run, _("Payment {reference} confirmed.").format(reference=payment.reference), back)


@bp.post("/payments/<int:payment_id>/fail")
@login_required(Role.MANAGER)
def payment_fail(payment_id):
    payment = queries.get_payment(payment_id, g.user)

    def run():
        operations.fail_payment(payment, web_forms.load(FailSchema(), web_forms.clean(request.form, ("reason",))),
                                g.user)

    done = (_("Payment {reference} marked failed; the period waits for a new batch.") if payment.subject else
            _("Payment {reference} marked failed; the claim waits for a new batch."))
    return act(run, done.format(reference=payment.reference),
               url_for("payments.batch_detail", batch_id=payment.batch_id))


@bp.get("/reconciliations/sample.csv")
@login_required(*OVERSEERS)
def reconciliation_sample():
    """A bank statement's columns as the reconciliation reads them, with one example row."""
    return csv_response(csv_text([("IR-DRG-2026-000123-F1", "45000000", "2026-05-14", "TRX61821066", "IRR")],
                                 header=(*REQUIRED, "bank_reference", "currency")), "statement-sample.csv")


@bp.route("/reconciliations", methods=["GET", "POST"])
@login_required(*OVERSEERS)
def reconciliation_list():
    if request.method == "POST":
        require_user(Role.MANAGER)
        upload = request.files.get("statement")
        try:
            if upload is None or not upload.filename:
                raise ValidationError.field("statement", _("Choose the bank statement file (CSV)."))
            report = operations.reconcile(upload.filename, upload.read(), g.user)
            db.session.commit()
            return redirect(url_for("payments.reconciliation_detail", reconciliation_id=report.id))
        except ValidationError as error:
            db.session.rollback()
            flash(" ".join(str(m) for msgs in error.errors.values() for m in msgs), "error")
    page = queries.reconciliations_page(g.user, max(request.args.get("page", 1, type=web_forms.whole), 1))
    return render_template("payouts/reconciliation_list.html", page=page, can_manage=can_manage_payouts(g.user),
                           args=request.args.to_dict(), tz=home_timezone(g.user))


@bp.get("/reconciliations/<int:reconciliation_id>")
@login_required(*OVERSEERS)
def reconciliation_detail(reconciliation_id):
    report = queries.get_reconciliation(reconciliation_id, g.user)
    return render_template("payouts/reconciliation_detail.html", report=reconciliation_view(report),
                           tz=home_timezone(g.user))

