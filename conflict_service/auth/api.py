"""API: bearer tokens, the signed-in user, and user administration."""

from flask import g
from flask.views import MethodView

from conflict_service.api import BEARER, blueprint
from conflict_service.auth import field_credentials, operations, queries
from conflict_service.auth.models import Role
from conflict_service.auth.schemas import (
    FieldCredentialCreatedSchema,
    FieldCredentialCreateSchema,
    FieldCredentialSchema,
    TokenRequestSchema,
    TokenSchema,
    UserCreateSchema,
    UserSchema,
    UserUpdateSchema,
)
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db
from conflict_service.i18n import current_locale
from conflict_service.security import sign_in_limit

blp = blueprint("Auth", __name__, "", "Authentication and users.")


@blp.route("/auth/token")
class Token(MethodView):
    decorators = [sign_in_limit]

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


@blp.route("/users/me/field-credentials")
class MyFieldCredentials(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, FieldCredentialSchema(many=True))
    @roles_allowed(Role.VERIFIER)
    def get(self):
        """Your field-device credentials (ODK Collect, KoboCollect), revoked ones included (verifiers)."""
        return field_credentials.all_for(signed_in_user())

    @blp.doc(security=BEARER)
    @blp.arguments(FieldCredentialCreateSchema)
    @blp.response(201, FieldCredentialCreatedSchema)
    @roles_allowed(Role.VERIFIER)
    def post(self, data):
        """Create a credential for a field device; the password is in this answer only (verifiers)."""
        user = signed_in_user()
        credential, password = field_credentials.create(user, data, user)
        db.session.commit()
        credential.password, credential.server_url = password, field_credentials.server_url()  # this answer only
        credential.collect_settings = field_credentials.collect_settings_code(credential, password, current_locale())
        return credential


@blp.route("/users/me/field-credentials/<int:credential_id>")
class MyFieldCredential(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, FieldCredentialSchema)
    @roles_allowed(Role.VERIFIER)
    def delete(self, credential_id):
        """Revoke one of your field-device credentials: the device can no longer send or download (verifiers)."""
        user = signed_in_user()
        credential = field_credentials.revoke(field_credentials.get(user, credential_id, user), user)
        db.session.commit()
        return credential


@blp.route("/users/<int:user_id>/field-credentials")
class UserFieldCredentials(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, FieldCredentialSchema(many=True))
    @roles_allowed(Role.ADMIN)
    def get(self, user_id):
        """A user's field-device credentials (administrators)."""
        return field_credentials.all_for(queries.get_user(user_id, signed_in_user()))


@blp.route("/users/<int:user_id>/field-credentials/<int:credential_id>")
class UserFieldCredential(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, FieldCredentialSchema)
    @roles_allowed(Role.ADMIN)
    def delete(self, user_id, credential_id):
        """Revoke a user's field-device credential, e.g. for a lost phone (administrators)."""
        actor = signed_in_user()
        user = queries.get_user(user_id, actor)
        credential = field_credentials.revoke(field_credentials.get(user, credential_id, actor), actor)
        db.session.commit()
        return credential
