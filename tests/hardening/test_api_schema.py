"""schemathesis against the service's own OpenAPI document, in-process and authenticated: every operation,
generated input (valid and invalid), no 5xx, and every response conforms to the document."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from conflict_service.app import create_app
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
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"}))


@pytest.fixture
def headers_for(client, world, make):
    make.claim(world.ir)  # something to read, edit and act upon
    db.session.commit()
    tokens: dict[str, dict] = {}  # one token per role for all of hypothesis' examples (sign-in is rate-limited)

    def headers(role: str) -> dict:
        if role not in tokens:
            # identity: schemathesis' in-process transport offers Brotli but does not decode it (the service
            # compresses larger answers for clients that offer it; tests/hardening/test_slow_link.py checks that)
            tokens[role] = {**bearer(client, getattr(world.ir, role)), "Accept-Encoding": "identity"}
        return tokens[role]

    return headers


@pytest.mark.parametrize("role", ["clerk", "verifier", "manager", "auditor"])
@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_and_never_fails(case, role, app, headers_for):
    case.call_and_validate(app=app, headers=headers_for(role), checks=CHECKS)
