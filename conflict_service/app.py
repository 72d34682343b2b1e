"""The application factory: the one place that wires every package together (the composition root)."""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import uuid

from flask import Flask, current_app, g, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

import field
import insurance
import notifications
import performance
from casefiles import api as casefiles_api
from casefiles import cli as casefiles_cli
from casefiles import sections_payouts as casefiles_sections_payouts
from casefiles import views as casefiles_views
from claims import api as claims_api
from claims import cli as claims_cli
from claims import demo as claims_demo
from claims import models as claims_models
from claims import presentation as claims_presentation
from claims import queries as claims_queries
from claims import views as claims_views
from conflict_service import cli as core_cli
from conflict_service import demo as core_demo
from conflict_service import events, images
from conflict_service.admin import views as admin_views
from conflict_service.api import init_api
from conflict_service.audit import api as audit_api
from conflict_service.audit import consistency as audit_consistency
from conflict_service.audit import operations as audit_operations
from conflict_service.audit import views as audit_views
from conflict_service.audit.presentation import actor_name, describe_html, field_label, show_value
from conflict_service.auth import api as auth_api
from conflict_service.auth import views as auth_views
from conflict_service.auth.session import load_request_user, require_api_authentication
from conflict_service.config import load_config
from conflict_service.db import db
from conflict_service.errors import register_error_handlers
from conflict_service.i18n import init_i18n
from conflict_service.jurisdictions import api as jurisdictions_api
from conflict_service.schemas import install_translated_messages
from conflict_service.security import init_security
from conflict_service.translation_review import api as translation_review_api
from conflict_service.translation_review import cli as translation_review_cli
from conflict_service.translation_review import presentation as translation_review_presentation
from conflict_service.translation_review import views as translation_review_views
from conflict_service.web import views as web_views
from conflict_service.web.caching import init_caching
from conflict_service.web.extensions import contribute
from insurance import api as insurance_api
from insurance import cli as insurance_cli
from insurance import demo as insurance_demo
from insurance import policies as insurance_policies
from insurance import sections as insurance_sections
from insurance import views as insurance_views
from insurance import views_policies as insurance_views_policies
from mitigation import api as mitigation_api
from mitigation import cli as mitigation_cli
from mitigation import demo as mitigation_demo
from mitigation import operations as mitigation_operations
from mitigation import presentation as mitigation_presentation
from mitigation import report_views as mitigation_report_views
from mitigation import views as mitigation_views
from oversight import api as oversight_api
from oversight import cli as oversight_cli
from oversight import report_api as oversight_report_api
from oversight import report_cli as oversight_report_cli
from oversight import report_views as oversight_report_views
from oversight import views as oversight_views
from oversight import wiring as oversight_wiring
from oversight.flags import api as flags_api
from oversight.flags import cli as flags_cli
from oversight.flags import operations as flags_operations
from oversight.flags import presentation as flags_presentation
from oversight.flags import views as flags_views
from payouts import api as payouts_api
from payouts import api_payments as payouts_api_payments
from payouts import cli as payouts_cli
from payouts import clocks as payouts_clocks
from payouts import consistency as payouts_consistency
from payouts import demo as payouts_demo
from payouts import presentation as payouts_presentation
from payouts import views as payouts_views
from payouts import views_payments as payouts_views_payments
from payouts.freezes import api as freezes_api
from payouts.freezes import cli as freezes_cli
from payouts.freezes import presentation as freezes_presentation
from payouts.freezes import views as freezes_views
from payouts.operations import accounts as payouts_accounts
from verification import api as verification_api
from verification import cli as verification_cli
from verification import demo as verification_demo
from verification import models as verification_models  # noqa: F401 - tables for the migrations
from verification import operations as verification_operations
from verification import queries as verification_queries
from verification import views as verification_views

csrf = CSRFProtect()
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask("conflict_service", instance_path=os.environ.get("INSTANCE_PATH") or None)
    app.url_map.converters["int"] = IdConverter
    if test_config and test_config.get("TESTING"):
        app.testing = True
    load_config(app, test_config)
    if app.config.get("TRUSTED_PROXIES"):
        # Behind a TLS-terminating reverse proxy: take the client's scheme and address from its headers.
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _configure_logging(app)
    db.init_app(app)
    install_translated_messages()
    init_i18n(app)
    csrf.init_app(app)
    init_security(app)
    images.init_app(app)
    app.before_request(_assign_request_id)
    app.before_request(load_request_user)
    app.before_request(require_api_authentication)
    init_caching(app)  # before _security_headers: after-request hooks run in reverse order
    app.after_request(_security_headers)

    api_blueprints = [auth_api.blp, jurisdictions_api.blp, audit_api.blp, claims_api.programmes, claims_api.owners,
                      claims_api.claims, verification_api.blp, mitigation_api.measures, mitigation_api.dogs,
                      mitigation_api.reports, payouts_api.rates, payouts_api.decisions, payouts_api.payout_details,
                      payouts_api_payments.batches, payouts_api_payments.payments,
                      payouts_api_payments.reconciliations, insurance_api.schemes, insurance_api.policies,
                      insurance_api.premiums, casefiles_api.blp, casefiles_api.premiums, oversight_api.blp,
                      oversight_report_api.blp, oversight_report_api.public, freezes_api.blp, flags_api.blp,
                      flags_api.claim_flags, translation_review_api.blp]
    init_api(app, api_blueprints)
    for bp in api_blueprints:
        csrf.exempt(bp)  # bearer tokens are not ambient credentials; CSRF guards the cookie-based pages
    for bp in (web_views.bp, auth_views.bp, admin_views.bp, audit_views.bp, claims_views.bp, verification_views.bp,
               mitigation_views.bp, mitigation_report_views.bp, payouts_views.bp, payouts_views_payments.bp,
               insurance_views.bp, insurance_views_policies.bp, casefiles_views.bp, oversight_views.bp,
               oversight_report_views.bp, freezes_views.bp, flags_views.bp, translation_review_views.bp):
        app.register_blueprint(bp)
    app.extensions["nav"] = [*claims_views.NAV, *verification_views.NAV, *mitigation_views.NAV, *payouts_views.NAV,
                             *payouts_views_payments.NAV, *insurance_views.NAV, *freezes_views.NAV,
                             *oversight_report_views.NAV, *oversight_views.NAV, *flags_views.NAV, *audit_views.NAV,
                             *admin_views.NAV, *translation_review_views.NAV]
    _contribute(app)
    audit_consistency.register(app, payouts_consistency.check)  # business tables against their audit events
    _wire_domain()
    field.init_app(app)
    payouts_clocks.init_app(app)
    insurance.init_app(app)
    oversight_wiring.init_app(app)
    app.jinja_env.globals.update(describe_event=describe_html, field_label=field_label, show_value=show_value,
                                 actor_name=actor_name)

    core_cli.register(app)
    app.cli.add_command(translation_review_cli.translations_cli)
    app.cli.add_command(oversight_cli.exports_cli)
    app.cli.add_command(oversight_report_cli.reports_cli)
    _bench(app)
    app.cli.add_command(casefiles_cli.casefiles_cli)
    app.cli.add_command(verification_cli.cli)
    mitigation_cli.register(app)
    claims_cli.register(app)
    payouts_cli.register(app)
    insurance_cli.register(app)
    app.cli.add_command(freezes_cli.freezes_cli)
    app.cli.add_command(flags_cli.flags_cli)
    app.extensions["demo_steps"] = [core_demo.load, claims_demo.load, claims_demo.load_herat, verification_demo.load,
                                    mitigation_demo.load, payouts_demo.load, insurance_demo.load]
    performance.init_app(app)  # after the demo steps: it adds its own, after insurance's
    notifications.init_app(app)  # after the demo steps: it adds its own
    register_error_handlers(app)
    return app


def _bench(app: Flask) -> None:
    """``flask synth`` where the benchmarks are (a checkout, not an installed service)."""
    if importlib.util.find_spec("bench") is not None:
        from bench import synth

        synth.init_app(app)


def _wire_domain() -> None:
    """What packages used to do when imported, done here: the audit trail's session hooks, each package's words
    for its audit events, the case file's assessment and payments sections."""
    audit_operations.listen()
    claims_models.keep_twin_keys()  # owners.twin_key on every write (the same_name_elsewhere flag's index)
    for texts in (claims_presentation, verification_operations, mitigation_presentation, payouts_presentation,
                  freezes_presentation, flags_presentation, translation_review_presentation):
        texts.register_texts()
    casefiles_sections_payouts.register_sections()
    # A carcass left in place (DESIGN §3): a filter of the claim lists and exports, a flag cleared by its disposal.
    claims_queries.register_condition("carcass_left", verification_queries.carcass_left_clause)
    events.subscribe("claim.carcass_disposed", flags_operations.refresh_claim)
    # One household registered twice becomes one record (claims.operations.merge_owners): each package moves what
    # it holds of the record merged before it is removed (or refuses the merge), then the flags look again.
    # Performance and notifications subscribe from their init_app.
    for moves in (payouts_accounts.owner_merged, insurance_policies.owner_merged, mitigation_operations.owner_merged):
        events.subscribe("owner.merged", moves)
    events.subscribe("owner.merged_into", flags_operations.refresh_owner_merged)


def _contribute(app: Flask) -> None:
    """Higher packages' sections on lower packages' pages, in the order they appear."""
    contribute(app, "home", oversight_report_views.home_panel)
    contribute(app, "home", verification_views.home_panel)
    contribute(app, "home", payouts_views.home_panel)
    contribute(app, "home", insurance_sections.home_panel)
    contribute(app, "home", mitigation_views.home_panel)
    contribute(app, "claim", verification_views.claim_section)
    contribute(app, "claim", freezes_views.claim_notice)
    contribute(app, "claim", payouts_views.claim_section)
    contribute(app, "claim", insurance_sections.claim_section)
    contribute(app, "claim", flags_views.claim_section)
    contribute(app, "claim", casefiles_views.claim_documents)
    contribute(app, "claim_actions", casefiles_views.claim_actions)
    contribute(app, "owner", payouts_views.owner_section)
    contribute(app, "owner", insurance_sections.owner_section)
    contribute(app, "owner", mitigation_views.owner_section)
    contribute(app, "programme", payouts_views.programme_section)
    contribute(app, "programme", insurance_sections.programme_section)


class IdConverter(IntegerConverter):
    """``<int:id>`` in a path fits the database's integer: a larger number is not found (404), not a 500."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def _assign_request_id() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex


def _security_headers(response):
    response.headers.setdefault("X-Request-ID", g.get("request_id", ""))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(self), microphone=(), payment=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config["DEPLOYMENT"] == "production":
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.path.startswith("/api/") or g.get("user") is not None:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:
            record.request_id = "-"
        return True


def _configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(_RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    for name in ("conflict_service", "claims", "verification", "mitigation", "payouts", "insurance", "performance",
                 "field", "casefiles", "oversight"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(handler)
        logger.setLevel(logging.WARNING if app.testing else logging.INFO)
        logger.propagate = False
