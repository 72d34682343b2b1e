"""The assessment and payments sections of the case file, filled from the payouts package.

``create_app`` calls :func:`register_sections`: they take the place of the placeholders of ``casefiles.sections``
(same keys, same order).
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as L_

from casefiles.sections import PAYMENT_ACTIONS, claim_events, register
from conflict_service.errors import NotEligible
from payouts import assessment, breakdown
from payouts.queries import payments_for


def build_assessment(claim, _options) -> dict | None:
    """The frozen breakdown once approved, otherwise the live one; None before the claim is verified."""
    if claim.status not in assessment.ASSESSABLE:
        return None
    try:
        view = assessment.view(claim)
    except NotEligible:
        return None
    steps = [{"label": breakdown.step_title(line["step"]), "detail": line["description"],
              "amount": None if line["amount"] is None else Decimal(line["amount"])} for line in view["lines"]]
    return {"steps": steps, "total": Decimal(view["total"]), "currency": view["currency"],
            "payable": view["payable"], "reason": " ".join(r["message"] for r in view["reasons"]) or None,
            "frozen": view["frozen"]}


def build_payments(claim, _options) -> dict | None:
    payments = [{"amount": p.amount, "currency": p.currency, "method": str(p.method.title),
                 "status": str(p.status.title), "reference": p.reference, "at": p.paid_at or p.created_at,
                 "kind": str(p.kind.title)} for p in payments_for(claim.id)]
    events = claim_events(claim, PAYMENT_ACTIONS)
    if not payments and not events:
        return None
    return {"payments": payments, "events": events}


def register_sections() -> None:
    register("assessment", L_("Assessment"), "casefiles/sections/assessment.html", build_assessment)
    register("payments", L_("Payments"), "casefiles/sections/payments.html", build_payments)
