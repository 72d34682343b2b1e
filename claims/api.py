"""JSON API for programmes, owners and claims: parse, check, call one operation, dump."""

from __future__ import annotations

from flask import request
from flask.views import MethodView

from claims import operations, queries, rule_changes
from claims.schemas import (
    ClaimCreatedSchema,
    ClaimCreateSchema,
    ClaimPageSchema,
    ClaimQuerySchema,
    ClaimSchema,
    HerdCountCreateSchema,
    HerdCountSchema,
    HerdQuerySchema,
    HerdSchema,
    OwnerCreateSchema,
    OwnerMergeSchema,
    OwnerPageSchema,
    OwnerQuerySchema,
    OwnerSchema,
    ProgrammeCreateSchema,
    ProgrammeSchema,
    ProgrammeUpdatedSchema,
    ProgrammeUpdateSchema,
    RuleChangeRefuseSchema,
    RuleChangeSchema,
    WithdrawSchema,
)
from conflict_service.api import BEARER, blueprint
from conflict_service.audit.queries import events_for
from conflict_service.audit.schemas import AuditEventSchema
from conflict_service.auth.models import Role
from conflict_service.auth.roles import OVERSEERS, RECORD_READERS
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db, write_lock_at_first_write

programmes = blueprint("Programmes", __name__, "/programmes", "Compensation programmes and insurance schemes.")
owners = blueprint("Owners", __name__, "/owners", "Livestock-owning households and their herds.")
claims = blueprint("Claims", __name__, "/claims", "Depredation claims and their lifecycle.")


@programmes.route("")
class Programmes(MethodView):
    @programmes.doc(security=BEARER)
    @programmes.response(200, ProgrammeSchema(many=True))
    @roles_allowed(*RECORD_READERS)
    def get(self):
        """List the programmes run in or above your jurisdictions."""
        return queries.programmes_for(signed_in_user())

    @programmes.doc(security=BEARER)
    @programmes.arguments(ProgrammeCreateSchema)
    @programmes.response(201, ProgrammeSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data):
        """Create a programme (managers)."""
        programme = operations.create_programme(data, signed_in_user())
        db.session.commit()
        return programme


@programmes.route("/<int:programme_id>")
class ProgrammeItem(MethodView):
    @programmes.doc(security=BEARER)
    @programmes.response(200, ProgrammeSchema)
    @roles_allowed(*RECORD_READERS)
    def get(self, programme_id):
        """One programme with its rules."""
        return queries.get_programme(programme_id, signed_in_user())

    @programmes.doc(security=BEARER)
    @programmes.arguments(ProgrammeUpdateSchema(partial=True))
    @programmes.response(200, ProgrammeUpdatedSchema)
    @roles_allowed(Role.MANAGER)
    def patch(self, data, programme_id):
        """Change a programme's name, status or rules (managers of its jurisdiction); every change is audited.
        Money rules (percentages, caps, thresholds, advance, interest, predators, zones) are only proposed: they
        apply when a second manager confirms (`pending_rule_changes`, `.../rule-changes/{id}/confirm`)."""
        user = signed_in_user()
        programme = operations.update_programme(queries.get_programme(programme_id, user), data, user)
        db.session.commit()
        return programme


@programmes.route("/<int:programme_id>/rule-changes")
class ProgrammeRuleChanges(MethodView):
    @programmes.doc(security=BEARER)
    @programmes.response(200, RuleChangeSchema(many=True))
    @roles_allowed(*OVERSEERS)
    def get(self, programme_id):
        """Proposed changes of the programme's money rules, newest first, with who proposed and who decided."""
        return rule_changes.changes_of(queries.get_programme(programme_id, signed_in_user()))


@programmes.route("/<int:programme_id>/rule-changes/<int:change_id>/confirm")
class ConfirmRuleChange(MethodView):
    @programmes.doc(security=BEARER)
    @programmes.response(200, RuleChangeSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, programme_id, change_id):
        """Confirm another manager's proposal: the rules apply from now (409 if they changed since)."""
        user = signed_in_user()
        change = rule_changes.confirm(rule_changes.get_change(queries.get_programme(programme_id, user), change_id),
                                      user)
        db.session.commit()
        return change


@programmes.route("/<int:programme_id>/rule-changes/<int:change_id>/refuse")
class RefuseRuleChange(MethodView):
    @programmes.doc(security=BEARER)
    @programmes.arguments(RuleChangeRefuseSchema)
    @programmes.response(200, RuleChangeSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, programme_id, change_id):
        """Refuse a proposal, or withdraw your own; the rules stay as they are."""
        user = signed_in_user()
        change = rule_changes.refuse(rule_changes.get_change(queries.get_programme(programme_id, user), change_id),
                                     user, data["note"])
        db.session.commit()
        return change


@owners.route("")
class Owners(MethodView):
    @owners.doc(security=BEARER)
    @owners.arguments(OwnerQuerySchema, location="query")
    @owners.response(200, OwnerPageSchema)
    @roles_allowed(*RECORD_READERS)
    def get(self, args):
        """Search the owners registered at your offices."""
        return queries.owners_page(signed_in_user(), **args)

    @owners.doc(security=BEARER)
    @owners.arguments(OwnerCreateSchema)
    @owners.response(201, OwnerSchema)
    @roles_allowed(Role.CLERK)
    def post(self, data):
        """Register an owner (clerks)."""
        owner = operations.register_owner(data, signed_in_user())
        db.session.commit()
        return owner


@owners.route("/<int:owner_id>")
class OwnerItem(MethodView):
    @owners.doc(security=BEARER)
    @owners.response(200, OwnerSchema)
    @roles_allowed(*RECORD_READERS)
    def get(self, owner_id):
        """One owner with their herd."""
        return queries.get_owner(owner_id, signed_in_user())

    @owners.doc(security=BEARER)
    @owners.arguments(OwnerCreateSchema(partial=True))
    @owners.response(200, OwnerSchema)
    @roles_allowed(Role.CLERK)
    def patch(self, data, owner_id):
        """Correct an owner's details (clerks); herd counts given are added as new dated counts, and species not
        named keep theirs."""
        user = signed_in_user()
        owner = operations.update_owner(queries.get_owner(owner_id, user), data, user)
        db.session.commit()
        return owner


@owners.route("/<int:owner_id>/merge")
class OwnerMerge(MethodView):
    @owners.doc(security=BEARER)
    @owners.arguments(OwnerMergeSchema)
    @owners.response(200, OwnerSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, owner_id):
        """Merge this owner record into another of the same household (managers): its claims, herd counts, awards,
        policies, measures, memberships, consent and messages move to the record kept, which is answered; this
        record is removed (422 on ``into`` for a record of another country, the same record, or two policies of
        one season)."""
        user = signed_in_user()
        kept = operations.merge_owners(queries.get_owner(owner_id, user), data, user)
        db.session.commit()
        return kept


@owners.route("/<int:owner_id>/herd")
class OwnerHerd(MethodView):
    @owners.doc(security=BEARER)
    @owners.arguments(HerdQuerySchema, location="query")
    @owners.response(200, HerdSchema)
    @roles_allowed(*RECORD_READERS)
    def get(self, args, owner_id):
        """The owner's herd history, and the counts in force on a day (``?on=YYYY-MM-DD``)."""
        owner = queries.get_owner(owner_id, signed_in_user())
        return {"owner_id": owner.id, "on": args["on"], "in_force": owner.herd_on(args["on"]),
                "history": owner.herd_history}

    @owners.doc(security=BEARER)
    @owners.arguments(HerdCountCreateSchema)
    @owners.response(201, HerdCountSchema)
    @roles_allowed(Role.CLERK)
    def post(self, data, owner_id):
        """Record a new dated count of one species, or correct a mistyped one (clerks); nothing is overwritten."""
        user = signed_in_user()
        count = operations.record_herd_count(queries.get_owner(owner_id, user), data, user)
        db.session.commit()
        return count


# One instance for every submission (webargs builds a schema per request from a class; loading keeps no state).
CLAIM_CREATE = ClaimCreateSchema()


@claims.route("")
class Claims(MethodView):
    @claims.doc(security=BEARER)
    @claims.arguments(ClaimQuerySchema, location="query")
    @claims.response(200, ClaimPageSchema)
    @roles_allowed(*RECORD_READERS)
    def get(self, args):
        """List claims in your jurisdictions, newest first, with filters."""
        user = signed_in_user()
        page, per_page = args.pop("page"), args.pop("per_page")
        return queries.claims_page(user, queries.ClaimFilters(**args), page, per_page)

    @claims.doc(security=BEARER, parameters=[{
        "in": "header", "name": "Idempotency-Key", "required": False, "schema": {"type": "string", "maxLength": 128},
        "description": "Retrying with the same key and body returns the first claim; a different body answers 409.",
    }])
    @claims.arguments(CLAIM_CREATE)
    @claims.response(201, ClaimCreatedSchema)
    @claims.alt_response(200, schema=ClaimCreatedSchema, description="A retry with the same Idempotency-Key")
    @roles_allowed(Role.CLERK)
    @write_lock_at_first_write  # the token and validation reads lock nothing on PostgreSQL either
    def post(self, data):
        """File a claim for an owner (clerks)."""
        user = signed_in_user()
        key = request.headers.get("Idempotency-Key")
        fingerprint = operations.request_fingerprint(request.get_json(silent=True)) if key else None
        claim, replayed = operations.submit_claim(data, user, idempotency_key=key, fingerprint=fingerprint)
        db.session.commit()
        return (claim, 200, {"Idempotent-Replayed": "true"}) if replayed else claim


@claims.route("/<int:claim_id>")
class ClaimItem(MethodView):
    @claims.doc(security=BEARER)
    @claims.response(200, ClaimSchema)
    @roles_allowed(*RECORD_READERS)
    def get(self, claim_id):
        """One claim with its loss lines."""
        return queries.get_claim(claim_id, signed_in_user())

    @claims.doc(security=BEARER)
    @claims.arguments(ClaimCreateSchema(partial=True))
    @claims.response(200, ClaimSchema)
    @roles_allowed(Role.CLERK)
    def patch(self, data, claim_id):
        """Correct a claim while it is still submitted (clerks)."""
        user = signed_in_user()
        claim = operations.update_claim(queries.get_claim(claim_id, user), data, user)
        db.session.commit()
        return claim


@claims.route("/<int:claim_id>/withdraw")
class ClaimWithdraw(MethodView):
    @claims.doc(security=BEARER)
    @claims.arguments(WithdrawSchema)
    @claims.response(200, ClaimSchema)
    @roles_allowed(Role.CLERK)
    def post(self, data, claim_id):
        """Withdraw a submitted claim at the owner's request (clerks)."""
        user = signed_in_user()
        claim = operations.withdraw_claim(queries.get_claim(claim_id, user), user, data["reason"])
        db.session.commit()
        return claim


@claims.route("/<int:claim_id>/history")
class ClaimHistory(MethodView):
    @claims.doc(security=BEARER)
    @claims.response(200, AuditEventSchema(many=True))
    @roles_allowed(*RECORD_READERS)
    def get(self, claim_id):
        """Every recorded change of the claim, oldest first."""
        claim = queries.get_claim(claim_id, signed_in_user())
        return events_for("claim", claim.id)
