"""What insurance adds to other packages' pages: the home page, an owner, a claim and a programme."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template

from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.jurisdictions import queries as jq
from conflict_service.timeutil import local_today
from insurance import queries
from insurance.enums import Account
from insurance.ledger import balances, fund_of
from insurance.models import LedgerEntry, LedgerTransaction, Policy
from insurance.permissions import can_enrol, can_read_fund, can_read_insurance
from insurance.statement import fund_view
from payouts.models import Award


def home_panel(_subject, user) -> str | None:
    """Managers and auditors: each fund's health. Clerks: premiums in arrears at their offices."""
    if not can_read_insurance(user):
        return None
    schemes = queries.schemes_for(user)
    if not schemes:
        return None
    funds = [(s, fund_view(s)) for s in schemes] if can_read_fund(user) else []
    arrears = None if funds else _arrears_count(user)
    return render_template("insurance/home_panel.html", funds=funds, arrears=arrears)


def _arrears_count(user) -> int:
    paid = (sa.select(sa.func.coalesce(-sa.func.sum(LedgerEntry.amount), 0))
            .join(LedgerTransaction, LedgerEntry.transaction_id == LedgerTransaction.id)
            .where(LedgerTransaction.policy_id == Policy.id, LedgerEntry.account == Account.PREMIUMS)
            .scalar_subquery())
    return db.session.scalar(sa.select(sa.func.count()).select_from(Policy).where(
        Policy.office_id.in_(jq.office_ids(user)), Policy.premium_due > paid)) or 0


def owner_section(owner, user) -> str | None:
    """The owner's policies, with what is due and paid, and enrolment for the clerk."""
    if not can_read_insurance(user):
        return None
    rows = queries.policies_of_owner(owner.id)
    enrolled = {r.policy.season_id for r in rows}
    open_seasons = [s for s in queries.open_seasons(user) if s.id not in enrolled] if can_enrol(user) else []
    if not rows and not open_seasons:
        return None
    return render_template("insurance/owner_section.html", owner=owner, rows=rows, can_enrol=bool(open_seasons),
                           today=local_today(owner.office.timezone))


def claim_section(claim, user) -> str | None:
    """A scheme's claim: the policy that decides its cover, and where its money stands in the fund."""
    if not claim.programme.is_insurance or not can_read_insurance(user):
        return None
    policy = queries.policy_for_claim(claim)
    paid = queries.paid_by_policy([policy.id]).get(policy.id, queries.ZERO) if policy else None
    fund = fund_of(claim.programme_id)
    money = _money_of(claim, fund) if fund is not None and can_read_fund(user) else None
    return render_template("insurance/claim_section.html", claim=claim, policy=policy, paid=paid, money=money,
                           status=policy.status_on(claim.incident_date) if policy else None)


def _money_of(claim, fund) -> dict:
    award = db.session.scalar(sa.select(Award).where(Award.claim_id == claim.id))
    out = {"currency": fund.currency, "reserved": balances(fund, claim_id=claim.id).reserved,
           "paid": balances(fund, claim_id=claim.id).payouts, "available": balances(fund).available,
           "award": award, "position": None, "ahead": None}
    if claim.status == ClaimState.AWAITING_FUNDS:
        line = queries.awaiting_funds(claim.programme_id)
        position = next(i for i, w in enumerate(line) if w.claim.id == claim.id)
        out["position"], out["ahead"] = position + 1, sum((w.award.total for w in line[:position]), queries.ZERO)
        out["queue"] = len(line)
    return out


def programme_section(programme, user) -> str | None:
    if not programme.is_insurance:
        return None
    return render_template("insurance/programme_section.html", scheme=programme,
                           seasons=queries.seasons_of(programme.id),
                           fund=fund_view(programme) if can_read_fund(user) else None)
