"""API: the oversight reports (managers, auditors) and the public transparency figures (anyone)."""

from __future__ import annotations

from flask import jsonify
from flask.views import MethodView

from conflict_service.api import BEARER, blueprint
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.schemas import dump_flat_rows
from oversight import reports, transparency
from oversight.performance_payouts import payout_rows
from oversight.report_schemas import (
    DeadlineQuerySchema,
    DeadlineReportSchema,
    FilterSchema,
    LiabilityReportSchema,
    PayoutQuerySchema,
    PayoutReportSchema,
    PayoutRowSchema,
    TransparencySchema,
    filters,
)

blp = blueprint("Reports", __name__, "/reports", "Payouts, deadlines and liabilities, within your jurisdictions.")
public = blueprint("Public", __name__, "/public", "Aggregate figures anyone may read (no sign-in, no personal data).")


@blp.route("/payouts")
class Payouts(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PayoutQuerySchema, location="query")
    @blp.response(200, PayoutReportSchema)
    @roles_allowed(*OVERSEERS)
    def get(self, args):
        """Amounts paid (confirmed payments) and claims paid, per currency and any of region, office, programme,
        month, predator, species; with ``payments=performance``, the payments of performance periods instead
        (counted apart: compensation never includes them)."""
        user = signed_in_user()
        rows = payout_rows(user, args["group_by"], filters(args), args["payments"])
        # The answer the schema documents, its rows (hundreds) dumped flat as the schema dumps them: through the
        # schema they cost half the report's CPU.
        head = _PAYOUT_HEAD.dump({"group_by": args["group_by"], "payments": args["payments"]})
        return jsonify(head | {"rows": dump_flat_rows(PayoutRowSchema, rows)})


_PAYOUT_HEAD = PayoutReportSchema(exclude=("rows",))


@blp.route("/deadlines")
class Deadlines(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(DeadlineQuerySchema, location="query")
    @blp.response(200, DeadlineReportSchema)
    @roles_allowed(*OVERSEERS)
    def get(self, args):
        """Time to verification (hours) and to payment (days): median, 90th percentile, share within deadline."""
        user = signed_in_user()
        return {"group_by": args["group_by"], "rows": reports.deadlines(user, args["group_by"], filters(args))}


@blp.route("/liabilities")
class Liabilities(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(FilterSchema(only=("programme_id",)), location="query")
    @blp.response(200, LiabilityReportSchema)
    @roles_allowed(*OVERSEERS)
    def get(self, args):
        """Approved but unpaid amounts per programme and currency, with counts and the oldest approval."""
        return {"rows": reports.liabilities(signed_in_user(), filters(args))}


@public.route("/transparency")
class Transparency(MethodView):
    @public.response(200, TransparencySchema)
    def get(self):
        """Claims filed, verified losses, amounts paid and median days to payment per region and month. Figures
        resting on fewer than `min_claims` claims are withheld (null, named in `suppressed`). Performance payments
        to communities are apart, in `performance`, per region and year."""
        return {"min_claims": transparency.MIN_CLAIMS, "rows": transparency.figures(),
                "performance": transparency.performance_figures()}
