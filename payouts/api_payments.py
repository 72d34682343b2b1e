"""JSON API of payment batches, payments and bank-statement reconciliation."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest.fields import Upload

from conflict_service.api import BEARER, blueprint
from conflict_service.auth.models import Role
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db
from conflict_service.schemas import BaseSchema, CsvFileSchema, PageArgsSchema, page_schema
from conflict_service.spreadsheets import csv_response
from payouts import operations, queries
from payouts.presentation import reconciliation_view
from payouts.schemas import (
    BatchCreateSchema,
    BatchDetailSchema,
    BatchPageSchema,
    BatchQuerySchema,
    CancelSchema,
    ConfirmSchema,
    FailSchema,
    OverdueSchema,
    PaymentSchema,
    ReconciliationSchema,
)

batches = blueprint("Payment batches", __name__, "/payment-batches",
                    "Batches of payments: built by one manager, approved by another, exported for the bank.")
payments = blueprint("Payments", __name__, "/payments", "Single payments: confirm, fail, and overdue claims.")
reconciliations = blueprint("Reconciliations", __name__, "/reconciliations",
                            "Bank statements matched against sent payments.")


class StatementSchema(BaseSchema):
    statement = Upload(required=True, metadata={"description": "CSV: reference,amount,date[,bank_reference,currency]"})


ReconciliationPageSchema = page_schema(ReconciliationSchema, "ReconciliationPageSchema")


def batch_detail(batch) -> dict:
    return queries.batch_view(batch, payments=[p for p, _claim in queries.batch_payments(batch.id)])


@batches.route("")
class Batches(MethodView):
    @batches.doc(security=BEARER)
    @batches.arguments(BatchQuerySchema, location="query")
    @batches.response(200, BatchPageSchema)
    @roles_allowed(*OVERSEERS)
    def get(self, args):
        """Payment batches in your jurisdictions, newest first."""
        page = queries.batches_page(signed_in_user(), **args)
        sums = queries.batch_sums([b.id for b in page.items])
        page.items = [queries.batch_view(b, sums=sums) for b in page.items]
        return page

    @batches.doc(security=BEARER)
    @batches.arguments(BatchCreateSchema)
    @batches.response(201, BatchDetailSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data):
        """Build a batch of one programme from approved claims and pending advances (managers)."""
        batch = operations.build_batch(data, signed_in_user())
        db.session.commit()
        return batch_detail(batch)


@batches.route("/<int:batch_id>")
class BatchItem(MethodView):
    @batches.doc(security=BEARER)
    @batches.response(200, BatchDetailSchema)
    @roles_allowed(*OVERSEERS)
    def get(self, batch_id):
        """One batch with its payments."""
        return batch_detail(queries.get_batch(batch_id, signed_in_user()))


@batches.route("/<int:batch_id>/approve")
class BatchApprove(MethodView):
    @batches.doc(security=BEARER)
    @batches.response(200, BatchDetailSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, batch_id):
        """Approve a batch built by another manager: late interest is added and the payments are sent."""
        user = signed_in_user()
        batch = operations.approve_batch(queries.get_batch(batch_id, user), user)
        db.session.commit()
        return batch_detail(batch)


@batches.route("/<int:batch_id>/cancel")
class BatchCancel(MethodView):
    @batches.doc(security=BEARER)
    @batches.arguments(CancelSchema)
    @batches.response(200, BatchDetailSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, batch_id):
        """Cancel a batch awaiting approval; its claims and advances wait for another batch."""
        user = signed_in_user()
        batch = operations.cancel_batch(queries.get_batch(batch_id, user), data, user)
        db.session.commit()
        return batch_detail(batch)


@batches.route("/<int:batch_id>/payment-file.csv")
class BatchFile(MethodView):
    @batches.doc(security=BEARER, responses={"200": {"description": "The payment file",
                                                     "content": {"text/csv": {"schema": {"type": "string"}}}}})
    @batches.arguments(CsvFileSchema, location="query")
    @roles_allowed(Role.MANAGER)
    def get(self, args, batch_id):
        """The payment file of an approved batch: payee, account or phone, amount, currency, reference."""
        user = signed_in_user()
        text = operations.payment_file(queries.get_batch(batch_id, user), user)
        db.session.commit()
        return csv_response(text, f"payment-batch-{batch_id}.csv", bom=args["bom"])


@payments.route("/overdue")
class Overdue(MethodView):
    @payments.doc(security=BEARER)
    @payments.response(200, OverdueSchema(many=True))
    @roles_allowed(*OVERSEERS)
    def get(self):
        """Approved claims not paid within the programme's payment_sla_days, most overdue first."""
        return queries.overdue(signed_in_user())


@payments.route("/<int:payment_id>")
class PaymentItem(MethodView):
    @payments.doc(security=BEARER)
    @payments.response(200, PaymentSchema)
    @roles_allowed(*OVERSEERS)
    def get(self, payment_id):
        """One payment."""
        return queries.get_payment(payment_id, signed_in_user())


@payments.route("/<int:payment_id>/confirm")
class PaymentConfirm(MethodView):
    @payments.doc(security=BEARER)
    @payments.arguments(ConfirmSchema)
    @payments.response(200, PaymentSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, payment_id):
        """Confirm a sent payment with the bank's reference and the payment time: the claim becomes paid."""
        user = signed_in_user()
        payment = operations.confirm_payment(queries.get_payment(payment_id, user), data, user)
        db.session.commit()
        return payment


@payments.route("/<int:payment_id>/fail")
class PaymentFail(MethodView):
    @payments.doc(security=BEARER)
    @payments.arguments(FailSchema)
    @payments.response(200, PaymentSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, payment_id):
        """Mark a sent payment failed with the reason: the claim goes back to approved."""
        user = signed_in_user()
        payment = operations.fail_payment(queries.get_payment(payment_id, user), data, user)
        db.session.commit()
        return payment


@reconciliations.route("")
class Reconciliations(MethodView):
    @reconciliations.doc(security=BEARER)
    @reconciliations.arguments(PageArgsSchema, location="query")
    @reconciliations.response(200, ReconciliationPageSchema)
    @roles_allowed(*OVERSEERS)
    def get(self, args):
        """Imported bank statements, newest first."""
        page = queries.reconciliations_page(signed_in_user(), **args)
        page.items = [reconciliation_view(r) for r in page.items]
        return page

    @reconciliations.doc(security=BEARER)
    @reconciliations.arguments(StatementSchema, location="files")
    @reconciliations.response(201, ReconciliationSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, files):
        """Import a bank statement (CSV): matching payments are confirmed, every mismatch is listed."""
        user = signed_in_user()
        upload = files["statement"]
        report = operations.reconcile(upload.filename or "statement.csv", upload.read(), user)
        db.session.commit()
        return reconciliation_view(report)


@reconciliations.route("/<int:reconciliation_id>")
class ReconciliationItem(MethodView):
    @reconciliations.doc(security=BEARER)
    @reconciliations.response(200, ReconciliationSchema)
    @roles_allowed(*OVERSEERS)
    def get(self, reconciliation_id):
        """One reconciliation report, row by row."""
        return reconciliation_view(queries.get_reconciliation(reconciliation_id, signed_in_user()))
