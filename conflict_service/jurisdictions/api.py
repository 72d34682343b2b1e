"""API: the jurisdictions a user can see; administrators create and change them."""

from flask.views import MethodView

from conflict_service.api import BEARER, blueprint
from conflict_service.auth.models import Role
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.jurisdictions import operations, queries
from conflict_service.jurisdictions.models import Jurisdiction
from conflict_service.jurisdictions.schemas import (
    JurisdictionCreateSchema,
    JurisdictionSchema,
    JurisdictionUpdateSchema,
)

blp = blueprint("Jurisdictions", __name__, "/jurisdictions", "Countries, regions and offices.")


@blp.route("")
class Jurisdictions(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, JurisdictionSchema(many=True))
    @roles_allowed()
    def get(self):
        """Your jurisdictions, the ones below them and the ones above them."""
        return queries.visible(signed_in_user())

    @blp.doc(security=BEARER)
    @blp.arguments(JurisdictionCreateSchema)
    @blp.response(201, JurisdictionSchema)
    @roles_allowed(Role.ADMIN)
    def post(self, data):
        """Create a country, region or office (administrators)."""
        j = operations.create_jurisdiction(data, signed_in_user())
        db.session.commit()
        return j


@blp.route("/<int:jurisdiction_id>")
class JurisdictionItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, JurisdictionSchema)
    @roles_allowed()
    def get(self, jurisdiction_id):
        """One jurisdiction."""
        user = signed_in_user()
        if jurisdiction_id not in queries.related_ids(user):
            raise NotFound()
        return queries.tree().by_id[jurisdiction_id]

    @blp.doc(security=BEARER)
    @blp.arguments(JurisdictionUpdateSchema(partial=True))
    @blp.response(200, JurisdictionSchema)
    @roles_allowed(Role.ADMIN)
    def patch(self, data, jurisdiction_id):
        """Rename a jurisdiction (its official name, and ``names``: its name per language, which replaces the whole
        map), change its time zone or deactivate it (administrators, within their own jurisdictions); audited."""
        j = db.session.get(Jurisdiction, jurisdiction_id)
        if j is None:
            raise NotFound()
        j = operations.update_jurisdiction(j, data, signed_in_user())
        db.session.commit()
        return j
