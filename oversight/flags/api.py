"""JSON API of anomaly flags: the review queue, one claim's flags, a manager's decision."""

from __future__ import annotations

from flask.views import MethodView

from claims.queries import get_claim
from conflict_service.api import BEARER, blueprint
from conflict_service.auth.models import Role
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db
from oversight.flags import operations, queries
from oversight.flags.schemas import FlagDecisionSchema, FlagPageSchema, FlagQuerySchema, FlagSchema

blp = blueprint("Flags", __name__, "/flags",
                "Anomaly flags on claims (DESIGN §6): shown to managers and auditors; never a rejection by themselves.")
claim_flags = blueprint("Claim flags", __name__, "/claims", "The anomaly flags of one claim.")


@blp.route("")
class Flags(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(FlagQuerySchema, location="query")
    @blp.response(200, FlagPageSchema)
    @roles_allowed(*OVERSEERS)
    def get(self, args):
        """The review queue: flags on claims in your jurisdictions, recomputed for open claims, newest first."""
        page = queries.queue(signed_in_user(), **args)
        db.session.commit()  # keep what the refresh raised or cleared
        return page


@blp.route("/<int:flag_id>/decision")
class FlagDecisionResource(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(FlagDecisionSchema)
    @blp.response(200, FlagSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, flag_id):
        """Record a decision on a flag: dismissed (false alarm) or confirmed (needs action), with a note (managers)."""
        user = signed_in_user()
        flag = operations.decide(queries.get_flag(flag_id, user), data, user)
        db.session.commit()
        return flag


@claim_flags.route("/<int:claim_id>/flags")
class ClaimFlags(MethodView):
    @claim_flags.doc(security=BEARER)
    @claim_flags.response(200, FlagSchema(many=True))
    @roles_allowed(*OVERSEERS)
    def get(self, claim_id):
        """The flags that apply to this claim now (managers and auditors)."""
        flags = queries.for_claim(get_claim(claim_id, signed_in_user()))
        db.session.commit()
        return flags
