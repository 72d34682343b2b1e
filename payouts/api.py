"""JSON API of payouts: rates, assessment and decisions, payout details. Batches and payments: api_payments."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import fields

from claims.queries import get_claim, get_owner, get_programme
from conflict_service.api import BEARER, blueprint
from conflict_service.auth.models import Role
from conflict_service.auth.roles import CASE_HANDLERS, OVERSEERS, RECORD_READERS
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db
from conflict_service.schemas import BaseSchema, optional_text
from conflict_service.timeutil import local_today
from payouts import assessment, operations, queries
from payouts.operations.accounts import account_of, payee_details
from payouts.schemas import (
    ApprovalResultSchema,
    ApproveSchema,
    AssessmentSchema,
    DecisionSchema,
    PaymentSchema,
    PayoutAccountOutSchema,
    PayoutAccountSchema,
    RateEntrySchema,
    RatesQuerySchema,
    RatesRefuseSchema,
    RatesSchema,
    RateTableCreateSchema,
    RateTableSchema,
    RejectSchema,
)

rates = blueprint("Rates", __name__, "/programmes", "Versioned rate tables of a programme.")
decisions = blueprint("Decisions", __name__, "/claims", "Assessment, approval, rejection and advances of claims.")
payout_details = blueprint("Payout details", __name__, "/owners", "How an owner is paid.")


class RateFileSchema(BaseSchema):
    file = Upload(required=True, metadata={"description": "CSV: species,age_class,amount,valid_from"})
    note = optional_text(500)


def rates_view(programme, on=None) -> dict:
    on = on or local_today(programme.jurisdiction.timezone)
    return {"programme_id": programme.id, "currency": programme.currency, "on": on,
            "in_force": queries.rates_in_force(programme.id, on), "versions": queries.rate_tables(programme.id)}


@rates.route("/<int:programme_id>/rates")
class Rates(MethodView):
    @rates.doc(security=BEARER)
    @rates.arguments(RatesQuerySchema, location="query")
    @rates.response(200, RatesSchema)
    @roles_allowed(*RECORD_READERS)
    def get(self, args, programme_id):
        """The rates in force on a date (default today) and every recorded version, newest first."""
        return rates_view(get_programme(programme_id, signed_in_user()), args.get("on"))

    @rates.doc(security=BEARER)
    @rates.arguments(RateTableCreateSchema)
    @rates.response(201, RateTableSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, programme_id):
        """Record a new version of the rate table (managers); earlier versions are kept."""
        user = signed_in_user()
        table = operations.record_rates(get_programme(programme_id, user), data, user)
        db.session.commit()
        return table


@rates.route("/<int:programme_id>/rates/import")
class RatesImport(MethodView):
    @rates.doc(security=BEARER)
    @rates.arguments(RateFileSchema, location="multipart")
    @rates.response(201, RateTableSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, programme_id):
        """Import a rate table from CSV (managers); a bad line answers 422 naming every bad line."""
        user = signed_in_user()
        table = operations.import_csv(get_programme(programme_id, user), data["file"].read(), user,
                                      schema=RateEntrySchema(), note=data.get("note") or "")
        db.session.commit()
        return table


@rates.route("/<int:programme_id>/rates/<int:version>/confirm")
class RatesConfirm(MethodView):
    @rates.doc(security=BEARER)
    @rates.response(200, RateTableSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, programme_id, version):
        """Confirm a version another manager recorded: its rates are in force from now."""
        user = signed_in_user()
        table = operations.confirm_rates(queries.get_rate_table(get_programme(programme_id, user), version), user)
        db.session.commit()
        return table


@rates.route("/<int:programme_id>/rates/<int:version>/refuse")
class RatesRefuse(MethodView):
    @rates.doc(security=BEARER)
    @rates.arguments(RatesRefuseSchema)
    @rates.response(200, RateTableSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, programme_id, version):
        """Refuse a version waiting for confirmation, or withdraw your own; it never comes into force."""
        user = signed_in_user()
        table = operations.refuse_rates(queries.get_rate_table(get_programme(programme_id, user), version), user,
                                        data.get("note") or "")
        db.session.commit()
        return table


@decisions.route("/<int:claim_id>/assessment")
class ClaimAssessment(MethodView):
    @decisions.doc(security=BEARER)
    @decisions.response(200, AssessmentSchema)
    @roles_allowed(*RECORD_READERS)
    def get(self, claim_id):
        """The assessment step by step: live while verified, frozen with the approval afterwards."""
        return assessment.view(get_claim(claim_id, signed_in_user()))


@decisions.route("/<int:claim_id>/approve")
class ClaimApprove(MethodView):
    @decisions.doc(security=BEARER)
    @decisions.arguments(ApproveSchema)
    @decisions.response(200, ApprovalResultSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, claim_id):
        """Approve the assessed amount (managers; above the programme's threshold, two different managers)."""
        user = signed_in_user()
        result = operations.approve_claim(get_claim(claim_id, user), data, user)
        db.session.commit()
        return result


@decisions.route("/<int:claim_id>/reject")
class ClaimReject(MethodView):
    @decisions.doc(security=BEARER)
    @decisions.arguments(RejectSchema)
    @decisions.response(200, DecisionSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, claim_id):
        """Reject a verified claim with a reason code (managers)."""
        user = signed_in_user()
        decision = operations.reject_claim(get_claim(claim_id, user), data, user)
        db.session.commit()
        return decision


@decisions.route("/<int:claim_id>/advance")
class ClaimAdvance(MethodView):
    @decisions.doc(security=BEARER)
    @decisions.response(201, PaymentSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, claim_id):
        """Grant the programme's advance on a verified claim (managers); it is paid with the next batch."""
        user = signed_in_user()
        payment = operations.grant_advance(get_claim(claim_id, user), user)
        db.session.commit()
        return payment


@decisions.route("/<int:claim_id>/decisions")
class ClaimDecisions(MethodView):
    @decisions.doc(security=BEARER)
    @decisions.response(200, DecisionSchema(many=True))
    @roles_allowed(*RECORD_READERS)
    def get(self, claim_id):
        """Approvals (first and final) and rejections of the claim, oldest first."""
        return queries.decisions_for(get_claim(claim_id, signed_in_user()).id)


@decisions.route("/<int:claim_id>/payments")
class ClaimPayments(MethodView):
    @decisions.doc(security=BEARER)
    @decisions.response(200, PaymentSchema(many=True))
    @roles_allowed(*OVERSEERS)
    def get(self, claim_id):
        """Every payment of the claim (advances, payments, failed and cancelled ones), oldest first."""
        return queries.payments_for(get_claim(claim_id, signed_in_user()).id)


def account_view(owner) -> dict:
    account = account_of(owner)
    method, target = payee_details(owner)
    return {"method": method, "bank_name": account.bank_name if account else "",
            "account_number": account.account_number if account else None, "account_or_phone": target,
            "is_default": account is None}


class PayoutAccountViewSchema(PayoutAccountOutSchema):
    account_number = fields.String(allow_none=True)


@payout_details.route("/<int:owner_id>/payout-details")
class OwnerPayoutDetails(MethodView):
    @payout_details.doc(security=BEARER)
    @payout_details.response(200, PayoutAccountViewSchema)
    @roles_allowed(*CASE_HANDLERS)
    def get(self, owner_id):
        """How the owner is paid (clerks and managers; personal data)."""
        return account_view(get_owner(owner_id, signed_in_user()))

    @payout_details.doc(security=BEARER)
    @payout_details.arguments(PayoutAccountSchema)
    @payout_details.response(200, PayoutAccountViewSchema)
    @roles_allowed(*CASE_HANDLERS)
    def put(self, data, owner_id):
        """Record how the owner is paid: bank account, mobile money (their phone) or cash."""
        user = signed_in_user()
        owner = get_owner(owner_id, user)
        operations.set_payout_account(owner, data, user)
        db.session.commit()
        return account_view(owner)
