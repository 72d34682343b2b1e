"""schemathesis against the service's own OpenAPI document, in-process and authenticated: every operation,
generated input (valid and invalid), no 5xx, and every response conforms to the document.

Each operation is called by every role it admits (an operation for any signed-in user by all of them); a role it
refuses would only ever get the same 403, which tests/hardening/test_access.py checks, so those calls are not made.
One test per operation builds its data once and sends each generated request as each admitted role."""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from conflict_service.app import create_app
from conflict_service.auth.session import api_handler
from conflict_service.db import db
from tests.helpers import bearer

pytestmark = pytest.mark.slow

# What the document promises. Schema-valid requests may still be refused by the domain (an id that does not
# exist, another office's owner: 404/422), and unknown query parameters are ignored, so schemathesis' checks
# that expect otherwise (positive_data_acceptance, negative_data_rejection) do not apply.
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_headers_conformance, checks.response_schema_conformance, checks.missing_required_header,
          checks.unsupported_method, checks.ignored_auth]

# The document only (no database needed); requests go to the test session's app below.
DOCUMENT_APP = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", DOCUMENT_APP)
ROLES = ("clerk", "verifier", "manager", "auditor", "admin")


def admitted(operation) -> tuple[str, ...]:
    """The roles an operation's handler declares (``roles_allowed``); every role when it declares none."""
    url = re.sub(r"\{[^}]+\}", "1", operation.full_path)
    with DOCUMENT_APP.test_request_context(url, method=operation.method.upper()):
        from flask import request
        handler = api_handler(request.url_rule.endpoint, operation.method.upper()) if request.url_rule else None
    names = {str(role) for role in getattr(handler, "allowed_roles", None) or ()}
    return tuple(role for role in ROLES if role in names) if names else ROLES


@pytest.fixture
def headers_for(client, world, make):
    make.claim(world.ir)  # something to read, edit and act upon
    db.session.commit()
    tokens: dict[str, dict] = {}  # one token per role for all of hypothesis' examples (sign-in is rate-limited)

    def headers(role: str) -> dict:
        if role not in tokens:
            # identity: schemathesis' in-process transport offers Brotli but does not decode it (the service
            # compresses larger answers for clients that offer it; tests/hardening/test_slow_link.py checks that)
            tokens[role] = {**bearer(client, world.ir.users[role]), "Accept-Encoding": "identity"}
        return tokens[role]

    return headers


@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_and_never_fails(case, app, headers_for):
    roles = admitted(case.operation)
    assert roles, f"{case.method} {case.path} admits none of {ROLES}"
    for role in roles:
        case.call_and_validate(app=app, headers=headers_for(role), checks=CHECKS)
