"""API: bearer tokens, the signed-in user, and user administration."""

from flask import g
from flask.views import MethodView

from conflict_service.api import BEARER, blueprint
from conflict_service.auth import operations, queries
from conflict_service.auth.models import Role
from conflict_service.auth.schemas import (
    TokenRequestSchema,
    TokenSchema,
    UserCreateSchema,
    UserSchema,
    UserUpdateSchema,
)
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db
from conflict_service.security import SIGN_IN_LIMIT, limiter

blp = blueprint("Auth", __name__, "", "Authentication and users.")


@blp.route("/auth/token")
class Token(MethodView):
    decorators = [limiter.limit(SIGN_IN_LIMIT, methods=["POST"])]

    @blp.arguments(TokenRequestSchema)
    @blp.response(201, TokenSchema)
    def post(self, data):
        """Exchange a username and password for a bearer token (expires; can be revoked)."""
        try:
            user = operations.authenticate(data["username"], data["password"])
        finally:
            db.session.commit()  # keep the failure count even when the sign-in is refused
        raw, token = operations.issue_token(user)
        db.session.commit()
        return {"token": raw, "token_type": "Bearer", "expires_at": token.expires_at}

    @blp.doc(security=BEARER)
    @blp.response(204)
    @roles_allowed()
    def delete(self):
        """Revoke the token used for this request."""
        user = signed_in_user()
        operations.revoke_token(g.api_token, user)
        db.session.commit()


@blp.route("/auth/me")
class Me(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, UserSchema)
    @roles_allowed()
    def get(self):
        """The user this token belongs to."""
        return signed_in_user()


@blp.route("/users")
class Users(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, UserSchema(many=True))
    @roles_allowed(Role.ADMIN)
    def get(self):
        """List the users you administer: those whose jurisdictions all lie within yours (administrators)."""
        return queries.all_users(signed_in_user())

    @blp.doc(security=BEARER)
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    @roles_allowed(Role.ADMIN)
    def post(self, data):
        """Create a user (administrators)."""
        user = operations.create_user(data, signed_in_user())
        db.session.commit()
        return user


@blp.route("/users/<int:user_id>")
class UserItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    @roles_allowed(Role.ADMIN)
    def patch(self, data, user_id):
        """Change a user's role, jurisdictions, language or active flag (administrators)."""
        actor = signed_in_user()
        user = operations.update_user(queries.get_user(user_id, actor), data, actor)
        db.session.commit()
        return user
