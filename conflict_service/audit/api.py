"""API: the audit trail for auditors, managers and administrators, and the chain verification."""

from flask.views import MethodView
from marshmallow import fields

from conflict_service.api import BEARER, blueprint
from conflict_service.audit import operations, queries
from conflict_service.audit.schemas import AuditCheckSchema, AuditEventSchema
from conflict_service.auth.roles import AUDIT_READERS
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db
from conflict_service.schemas import PageArgsSchema, page_schema

blp = blueprint("Audit", __name__, "/audit", "The tamper-evident audit trail.")


class AuditQuerySchema(PageArgsSchema):
    entity_type = fields.String(load_default=None)
    entity_id = fields.Integer(load_default=None)
    action = fields.String(load_default=None)
    actor = fields.String(load_default=None)
    since = fields.AwareDateTime(load_default=None)
    until = fields.AwareDateTime(load_default=None)


@blp.route("")
class AuditEvents(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, page_schema(AuditEventSchema, "AuditEventPageSchema"))
    @roles_allowed(*AUDIT_READERS)
    def get(self, args):
        """Audit events in your jurisdictions, newest first."""
        user = signed_in_user()
        page, per_page = args.pop("page"), args.pop("per_page")
        return queries.events_page(user, queries.EventFilters(**args), page, per_page)


@blp.route("/verification")
class ChainVerification(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, AuditCheckSchema)
    @roles_allowed(*AUDIT_READERS)
    def get(self):
        """The last verification of the hash chain."""
        return queries.last_check() or {}

    @blp.doc(security=BEARER)
    @blp.response(201, AuditCheckSchema)
    @roles_allowed(*AUDIT_READERS)
    def post(self):
        """Verify the whole chain now."""
        check = operations.run_chain_check(signed_in_user().username)
        db.session.commit()
        return check
