"""JSON API of insurance: schemes (seasons, premium rates, fund, ledger, statements), policies and premiums."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from conflict_service.api import BEARER, blueprint
from conflict_service.auth.models import Role
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.schemas import BaseSchema, bom_field, optional_text
from conflict_service.spreadsheets import csv_response
from conflict_service.timeutil import local_today
from insurance import operations, queries
from insurance.permissions import INSURANCE_READERS, can_read_fund
from insurance.schemas import (
    AwaitingSchema,
    ContributionCreateSchema,
    CorrectionSchema,
    FundStatementSchema,
    LedgerQuerySchema,
    OnDateQuerySchema,
    PolicyCreateSchema,
    PolicyPageSchema,
    PolicyQuerySchema,
    PolicySchema,
    PremiumCreateSchema,
    PremiumPageSchema,
    PremiumQuerySchema,
    PremiumRateEntrySchema,
    PremiumRatesSchema,
    PremiumSchema,
    PremiumTableCreateSchema,
    PremiumTableSchema,
    SchemeSchema,
    SeasonCreateSchema,
    SeasonSchema,
    SeasonUpdateSchema,
    TransactionPageSchema,
    TransactionSchema,
    ViolationSchema,
)
from insurance.statement import CSV_KINDS, fund_view, statement

schemes = blueprint("Schemes", __name__, "/schemes",
                    "Community insurance schemes: seasons, premium rates, the fund's ledger and statements.")
policies = blueprint("Policies", __name__, "/policies", "Owners enrolled in a scheme for a season.")
premiums = blueprint("Premiums", __name__, "/premiums", "Premiums paid on policies, each with a receipt.")


class PremiumFileSchema(BaseSchema):
    file = Upload(required=True, metadata={"description": "CSV: species,amount,valid_from"})
    note = optional_text(500)


class StatementCsvQuerySchema(BaseSchema):
    part = fields.String(load_default="statement", validate=validate.OneOf(list(CSV_KINDS)))
    bom = bom_field()


def scheme_view(scheme, user) -> dict:
    return {"id": scheme.id, "name": scheme.name, "jurisdiction_id": scheme.jurisdiction_id,
            "currency": scheme.currency, "is_active": scheme.is_active, "coverage_pct": scheme.coverage_pct,
            "deductible": scheme.deductible, "seasons": queries.seasons_of(scheme.id),
            "fund": fund_view(scheme) if can_read_fund(user) else None}


def premium_rates_view(season, on=None) -> dict:
    on = on or local_today(season.programme.jurisdiction.timezone)
    return {"season_id": season.id, "currency": season.programme.currency, "on": on,
            "in_force": list(queries.premium_rates_in_force(season.id, on).values()),
            "versions": queries.premium_tables(season.id)}


def season_of(scheme_id: int, season_id: int, user):
    season = queries.get_season(season_id, user)
    if season.programme_id != queries.get_scheme(scheme_id, user).id:
        raise NotFound()
    return season


def policy_row(policy) -> queries.PolicyRow:
    return queries.PolicyRow(policy, queries.paid_by_policy([policy.id]).get(policy.id, queries.ZERO))


# --- schemes ----------------------------------------------------------------------------------------------------

@schemes.route("")
class Schemes(MethodView):
    @schemes.doc(security=BEARER)
    @schemes.response(200, SchemeSchema(many=True))
    @roles_allowed(*INSURANCE_READERS)
    def get(self):
        """Insurance schemes you work with; managers and auditors also see each fund's balance."""
        user = signed_in_user()
        return [scheme_view(s, user) for s in queries.schemes_for(user)]


@schemes.route("/<int:scheme_id>")
class Scheme(MethodView):
    @schemes.doc(security=BEARER)
    @schemes.response(200, SchemeSchema)
    @roles_allowed(*INSURANCE_READERS)
    def get(self, scheme_id):
        """A scheme with its seasons and (managers, auditors) its fund: available, reserved, awaiting funds."""
        user = signed_in_user()
        return scheme_view(queries.get_scheme(scheme_id, user), user)


@schemes.route("/<int:scheme_id>/seasons")
class Seasons(MethodView):
    @schemes.doc(security=BEARER)
    @schemes.response(200, SeasonSchema(many=True))
    @roles_allowed(*INSURANCE_READERS)
    def get(self, scheme_id):
        """The scheme's seasons, newest first."""
        return queries.seasons_of(queries.get_scheme(scheme_id, signed_in_user()).id)

    @schemes.doc(security=BEARER)
    @schemes.arguments(SeasonCreateSchema)
    @schemes.response(201, SeasonSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, scheme_id):
        """Add a season (managers); seasons of a scheme must not overlap."""
        user = signed_in_user()
        season = operations.create_season(queries.get_scheme(scheme_id, user), data, user)
        db.session.commit()
        return season


@schemes.route("/<int:scheme_id>/seasons/<int:season_id>")
class SeasonDetail(MethodView):
    @schemes.doc(security=BEARER)
    @schemes.arguments(SeasonUpdateSchema(partial=True))
    @schemes.response(200, SeasonSchema)
    @roles_allowed(Role.MANAGER)
    def patch(self, data, scheme_id, season_id):
        """Rename a season (managers): its official ``name`` and ``names`` per language (the whole map)."""
        user = signed_in_user()
        season = operations.update_season(season_of(scheme_id, season_id, user), data, user)
        db.session.commit()
        return season


@schemes.route("/<int:scheme_id>/seasons/<int:season_id>/premium-rates")
class PremiumRates(MethodView):
    @schemes.doc(security=BEARER)
    @schemes.arguments(OnDateQuerySchema, location="query")
    @schemes.response(200, PremiumRatesSchema)
    @roles_allowed(*INSURANCE_READERS)
    def get(self, args, scheme_id, season_id):
        """Premium rates in force on a date (default today) and every recorded version, newest first."""
        return premium_rates_view(season_of(scheme_id, season_id, signed_in_user()), args.get("on"))

    @schemes.doc(security=BEARER)
    @schemes.arguments(PremiumTableCreateSchema)
    @schemes.response(201, PremiumTableSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, scheme_id, season_id):
        """Record a new version of the season's premium rates (managers); earlier versions are kept."""
        user = signed_in_user()
        table = operations.record_premium_rates(season_of(scheme_id, season_id, user), data, user)
        db.session.commit()
        return table


@schemes.route("/<int:scheme_id>/seasons/<int:season_id>/premium-rates/import")
class PremiumRatesImport(MethodView):
    @schemes.doc(security=BEARER)
    @schemes.arguments(PremiumFileSchema, location="multipart")
    @schemes.response(201, PremiumTableSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, scheme_id, season_id):
        """Import premium rates from CSV (managers); a bad line answers 422 naming every bad line."""
        user = signed_in_user()
        table = operations.import_premium_rates(season_of(scheme_id, season_id, user), data["file"].read(), user,
                                                schema=PremiumRateEntrySchema(), note=data.get("note") or "")
        db.session.commit()
        return table


@schemes.route("/<int:scheme_id>/ledger")
class Ledger(MethodView):
    @schemes.doc(security=BEARER)
    @schemes.arguments(LedgerQuerySchema, location="query")
    @schemes.response(200, TransactionPageSchema)
    @roles_allowed(*OVERSEERS)
    def get(self, args, scheme_id):
        """The fund's postings, newest first, each with its balanced entries (managers, auditors)."""
        scheme = queries.get_scheme(scheme_id, signed_in_user())
        return queries.ledger_page(scheme.id, season_id=args["season_id"], page=args["page"],
                                   per_page=args["per_page"])


@schemes.route("/<int:scheme_id>/ledger/<int:seq>/reverse")
class Reverse(MethodView):
    @schemes.doc(security=BEARER)
    @schemes.arguments(CorrectionSchema)
    @schemes.response(201, TransactionSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, scheme_id, seq):
        """Correct a premium or contribution recorded in error with a reversing posting (managers)."""
        user = signed_in_user()
        scheme = queries.get_scheme(scheme_id, user)
        reversal = operations.correct(scheme, queries.get_transaction(scheme.id, seq), data, user)
        db.session.commit()
        return reversal


@schemes.route("/<int:scheme_id>/contributions")
class Contributions(MethodView):
    @schemes.doc(security=BEARER)
    @schemes.arguments(ContributionCreateSchema)
    @schemes.response(201, TransactionSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, scheme_id):
        """Record a donor's contribution (managers); claims waiting for funds are released in approval order."""
        user = signed_in_user()
        tx = operations.contribute(queries.get_scheme(scheme_id, user), data, user)
        db.session.commit()
        return tx


@schemes.route("/<int:scheme_id>/awaiting-funds")
class AwaitingFunds(MethodView):
    @schemes.doc(security=BEARER)
    @schemes.response(200, AwaitingSchema(many=True))
    @roles_allowed(*OVERSEERS)
    def get(self, scheme_id):
        """Approved claims waiting for money, in the order they will be paid (managers, auditors)."""
        user = signed_in_user()
        return queries.awaiting_funds(queries.get_scheme(scheme_id, user).id, user)


@schemes.route("/<int:scheme_id>/seasons/<int:season_id>/statement")
class Statement(MethodView):
    @schemes.doc(security=BEARER)
    @schemes.response(200, FundStatementSchema)
    @roles_allowed(*OVERSEERS)
    def get(self, scheme_id, season_id):
        """The season's fund statement, loss ratio, enrolment by village and premium arrears."""
        user = signed_in_user()
        season = season_of(scheme_id, season_id, user)
        return statement(season.programme, season, user)


@schemes.route("/<int:scheme_id>/seasons/<int:season_id>/statement.csv")
class StatementCsv(MethodView):
    @schemes.doc(security=BEARER)
    @schemes.arguments(StatementCsvQuerySchema, location="query")
    @schemes.response(200, {"type": "string"}, content_type="text/csv",
                      description="part=statement (the lines), enrolment (by village) or arrears (by policy).")
    @roles_allowed(*OVERSEERS)
    def get(self, args, scheme_id, season_id):
        """The statement, the enrolment by village or the arrears as CSV."""
        user = signed_in_user()
        season = season_of(scheme_id, season_id, user)
        text = CSV_KINDS[args["part"]](statement(season.programme, season, user))
        name = f"{args['part']}-{season.programme_id}-{season.id}.csv"
        return csv_response(text, name, bom=args["bom"])


# --- policies ---------------------------------------------------------------------------------------------------

@policies.route("")
class Policies(MethodView):
    @policies.doc(security=BEARER)
    @policies.arguments(PolicyQuerySchema, location="query")
    @policies.response(200, PolicyPageSchema)
    @roles_allowed(*INSURANCE_READERS)
    def get(self, args):
        """Policies of owners in your offices, newest first; ``in_arrears=true`` lists those with premium due."""
        user = signed_in_user()
        page, per_page = args.pop("page"), args.pop("per_page")
        args["programme_id"] = args.pop("scheme_id")
        return queries.policies_page(user, queries.PolicyFilters(**args), page, per_page)

    @policies.doc(security=BEARER)
    @policies.arguments(PolicyCreateSchema)
    @policies.response(201, PolicySchema)
    @roles_allowed(Role.CLERK)
    def post(self, data):
        """Enrol an owner for a season (clerks): the premium is priced at the rates in force today."""
        user = signed_in_user()
        policy = operations.enrol(data, user)
        db.session.commit()
        return policy_row(policy)


@policies.route("/<int:policy_id>")
class PolicyDetail(MethodView):
    @policies.doc(security=BEARER)
    @policies.response(200, PolicySchema)
    @roles_allowed(*INSURANCE_READERS)
    def get(self, policy_id):
        """A policy with its insured head, premium due, paid and in arrears, and its cover."""
        return policy_row(queries.get_policy(policy_id, signed_in_user()))


@policies.route("/<int:policy_id>/violation")
class PolicyViolation(MethodView):
    @policies.doc(security=BEARER)
    @policies.arguments(ViolationSchema)
    @policies.response(200, PolicySchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, policy_id):
        """Record a confirmed poaching violation (managers): cover ends from its date."""
        user = signed_in_user()
        policy = operations.record_violation(queries.get_policy(policy_id, user), data, user)
        db.session.commit()
        return policy_row(policy)


# --- premiums ---------------------------------------------------------------------------------------------------

@premiums.route("")
class Premiums(MethodView):
    @premiums.doc(security=BEARER)
    @premiums.arguments(PremiumQuerySchema, location="query")
    @premiums.response(200, PremiumPageSchema)
    @roles_allowed(*INSURANCE_READERS)
    def get(self, args):
        """Premium payments on policies of your offices, newest first."""
        user = signed_in_user()
        return queries.premium_payments_page(user, policy_id=args["policy_id"], programme_id=args["scheme_id"],
                                             page=args["page"], per_page=args["per_page"])

    @premiums.doc(security=BEARER)
    @premiums.arguments(PremiumCreateSchema)
    @premiums.response(201, PremiumSchema)
    @roles_allowed(Role.CLERK)
    def post(self, data):
        """Record a premium payment (clerks), at most what is still due; receipt: ``/premiums/{id}/receipt.pdf``."""
        user = signed_in_user()
        policy = operations.policy_for_payment(data.pop("policy_id"), user)
        payment = operations.record_premium(policy, data, user)
        db.session.commit()
        return payment


@premiums.route("/<int:payment_id>")
class PremiumDetail(MethodView):
    @premiums.doc(security=BEARER)
    @premiums.response(200, PremiumSchema)
    @roles_allowed(*INSURANCE_READERS)
    def get(self, payment_id):
        """One premium payment."""
        return queries.get_premium_payment(payment_id, signed_in_user())
