"""JSON API of retaliation freezes: record a killing, list freezes, lift one early."""

from __future__ import annotations

from flask.views import MethodView

from conflict_service.api import BEARER, blueprint
from conflict_service.auth.models import Role
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db
from payouts.freezes import operations, queries
from payouts.freezes.schemas import FreezeCreateSchema, FreezePageSchema, FreezeQuerySchema, FreezeSchema, LiftSchema

blp = blueprint("Freezes", __name__, "/freezes",
                "Retaliation freezes: after a leopard is killed or poisoned in an area, payments there are held for "
                "the programme's retaliation_freeze_days.")


@blp.route("")
class Freezes(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(FreezeQuerySchema, location="query")
    @blp.response(200, FreezePageSchema)
    @roles_allowed(*OVERSEERS)
    def get(self, args):
        """Freezes in your jurisdictions, newest first (managers and auditors)."""
        page = queries.freezes_page(signed_in_user(), **args)
        page.items = [queries.view(f) for f in page.items]
        return page

    @blp.doc(security=BEARER)
    @blp.arguments(FreezeCreateSchema)
    @blp.response(201, FreezeSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data):
        """Record a leopard killed or poisoned; payments to the programme's claims in the area are held."""
        freeze = operations.record_freeze(data, signed_in_user())
        db.session.commit()
        return queries.view(freeze)


@blp.route("/<int:freeze_id>")
class FreezeItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, FreezeSchema)
    @roles_allowed(*OVERSEERS)
    def get(self, freeze_id):
        """One freeze, with the claims whose payment it holds now."""
        return queries.view(operations.get_freeze(freeze_id, signed_in_user()))


@blp.route("/<int:freeze_id>/lift")
class FreezeLift(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(LiftSchema)
    @blp.response(200, FreezeSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, freeze_id):
        """Lift the hold before its period ends, with a reason (managers; audited)."""
        user = signed_in_user()
        freeze = operations.lift_freeze(operations.get_freeze(freeze_id, user), data, user)
        db.session.commit()
        return queries.view(freeze)
