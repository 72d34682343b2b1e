"""JSON API of performance: contracts and their periods, assessments and approvals, Camtrap DP imports and the
review of leopard observations (DESIGN §13)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import fields

from conflict_service.api import BEARER, blueprint
from conflict_service.auth.models import Role
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db
from conflict_service.schemas import BaseSchema
from performance import evidence, operations, periods, queries
from performance.permissions import IMPORTERS, PERFORMANCE_READERS
from performance.schemas import (
    CameraImportSchema,
    ChangeDecisionSchema,
    CommunityCreateSchema,
    CommunitySchema,
    ContractChangeSchema,
    ContractCreateSchema,
    ContractPageSchema,
    ContractQuerySchema,
    ContractSchema,
    ContractTermsChangeSchema,
    ObservationPageSchema,
    ObservationQuerySchema,
    ObservationReviewSchema,
    ObservationSchema,
    PeriodAssessmentSchema,
    PeriodSchema,
)

blp = blueprint("Performance", __name__, "/performance",
                "Conservation-performance contracts with communities, camera-trap evidence and period payouts.")


def _saved(result):
    """Commit the request's one change and answer with what the operation returned. Every write handler ends here;
    a refusal never does: the error handler answers it and the session is rolled back."""
    db.session.commit()
    return result


class PackageFileSchema(BaseSchema):
    file = Upload(required=True, metadata={"description": "A Camtrap DP package as a zip archive"})
    programme_id = fields.Integer(required=True)


@blp.route("/communities")
class Communities(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(CommunityCreateSchema)
    @blp.response(201, CommunitySchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data):
        """Register a community (managers): its area as GeoJSON polygons, its account and its members."""
        return _saved(operations.create_community(data, signed_in_user()))


@blp.route("/contracts")
class Contracts(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ContractQuerySchema, location="query")
    @blp.response(200, ContractPageSchema)
    @roles_allowed(*PERFORMANCE_READERS)
    def get(self, args):
        """Contracts of communities in your jurisdictions."""
        return queries.page(queries.contracts_statement(signed_in_user(), args["programme_id"]), args["page"],
                            args["per_page"])

    @blp.doc(security=BEARER)
    @blp.arguments(ContractCreateSchema)
    @blp.response(201, ContractSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data):
        """Write a contract (managers); it binds once a second manager confirms it."""
        return _saved(operations.create_contract(data, signed_in_user()))


@blp.route("/contracts/<int:contract_id>")
class ContractItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ContractSchema)
    @roles_allowed(*PERFORMANCE_READERS)
    def get(self, contract_id):
        """A contract with its terms and periods."""
        return queries.get_contract(contract_id, signed_in_user())


@blp.route("/contracts/<int:contract_id>/confirm")
class ContractConfirm(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ContractSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, contract_id):
        """Confirm a contract another manager wrote."""
        user = signed_in_user()
        return _saved(operations.confirm_contract(queries.get_contract(contract_id, user), user))


@blp.route("/contracts/<int:contract_id>/changes")
class ContractChanges(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ContractTermsChangeSchema)
    @blp.response(201, ContractChangeSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, contract_id):
        """Propose new money terms (managers); they apply when a second manager confirms them."""
        user = signed_in_user()
        return _saved(operations.propose_change(queries.get_contract(contract_id, user), data, user))


@blp.route("/contracts/<int:contract_id>/changes/<int:change_id>/decision")
class ContractChangeDecision(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ChangeDecisionSchema)
    @blp.response(200, ContractChangeSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, contract_id, change_id):
        """Confirm (another manager) or refuse a proposed change of the money terms."""
        user = signed_in_user()
        change = queries.get_change(queries.get_contract(contract_id, user), change_id)
        return _saved(operations.decide_change(change, data["confirm"], user))


@blp.route("/contracts/<int:contract_id>/periods")
class Periods(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, PeriodSchema(many=True))
    @roles_allowed(*PERFORMANCE_READERS)
    def get(self, contract_id):
        """The contract's periods and their status."""
        return queries.get_contract(contract_id, signed_in_user()).periods


@blp.route("/periods/<int:period_id>/assessment")
class PeriodAssessment(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, PeriodAssessmentSchema)
    @roles_allowed(*PERFORMANCE_READERS)
    def get(self, period_id):
        """The period's assessment step by step: frozen once approved, else as the evidence stands now."""
        return queries.assessment_view(queries.get_period(period_id, signed_in_user()))


@blp.route("/periods/<int:period_id>/approve")
class PeriodApprove(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, PeriodAssessmentSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, period_id):
        """Approve an ended period (a manager who verified none of its observations): its assessment is frozen."""
        user = signed_in_user()
        return queries.assessment_view(_saved(periods.approve(queries.get_period(period_id, user), user)))


@blp.route("/imports")
class Imports(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PackageFileSchema, location="multipart")
    @blp.response(201, CameraImportSchema)
    @roles_allowed(*IMPORTERS)
    def post(self, args):
        """Import a Camtrap DP package: every bad row is listed (422) and nothing recorded, or all of it is."""
        upload = args["file"]
        return queries.import_view(_saved(evidence.import_package(args["programme_id"], upload.read(),
                                                                  upload.filename or "", signed_in_user())))


@blp.route("/observations")
class Observations(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ObservationQuerySchema, location="query")
    @blp.response(200, ObservationPageSchema)
    @roles_allowed(*PERFORMANCE_READERS)
    def get(self, args):
        """Imported leopard observations, by default those waiting for a verifier."""
        return queries.page(queries.observations_statement(signed_in_user(), args["review"]), args["page"],
                            args["per_page"])


@blp.route("/observations/<int:observation_id>/review")
class ObservationReview(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ObservationReviewSchema)
    @blp.response(200, ObservationSchema)
    @roles_allowed(Role.VERIFIER)
    def post(self, data, observation_id):
        """Confirm (with count, individual, young) or reject a leopard observation (verifiers)."""
        user = signed_in_user()
        return _saved(evidence.review(queries.get_observation(observation_id, user), data, user))
