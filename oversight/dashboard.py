"""The managers' and auditors' dashboard: what needs attention now, and where the money and the losses went."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from persiantools.jdatetime import JalaliDate

from claims.enums import Clock
from claims.models import Claim
from claims.queries import overdue_clause, overdue_counts
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.i18n import reader_calendar
from conflict_service.jurisdictions import queries as jq
from conflict_service.timeutil import utcnow
from insurance import queries as insurance_queries
from insurance.statement import fund_view
from oversight import charts, mapdata, reports
from oversight import funds as fund_health
from payouts import queries as payout_queries

LIST_LIMIT = 50
MAP_LIMIT = 500
CHART_MONTHS = 12


@dataclass
class Dashboard:
    by_state: list[tuple[ClaimState, int]]
    overdue_verifications: list[Claim]
    overdue_verification_count: int
    overdue_payments: list
    overdue: dict = field(default_factory=dict)
    charts: list[dict] = field(default_factory=list)
    losses: list[dict] = field(default_factory=list)
    funds: list[tuple] = field(default_factory=list)
    map: dict = field(default_factory=dict)
    losses_chart: dict = field(default_factory=dict)
    health: dict = field(default_factory=dict)


def claims_by_state(user) -> list[tuple[ClaimState, int]]:
    stmt = (sa.select(Claim.status, sa.func.count()).where(Claim.office_id.in_(jq.office_ids(user)))
            .group_by(Claim.status))
    counts = dict(db.session.execute(stmt).all())
    return [(state, counts.get(state, 0)) for state in ClaimState]


def overdue_verifications(user) -> tuple[list[Claim], int]:
    where = (Claim.office_id.in_(jq.office_ids(user)), overdue_clause(Clock.VERIFICATION))
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Claim).where(*where)) or 0
    stmt = sa.select(Claim).where(*where).order_by(Claim.verification_due_at, Claim.id).limit(LIST_LIMIT)
    return list(db.session.scalars(stmt)), count


def payout_charts(user) -> list[dict]:
    """One chart per currency: amounts paid in each of the last months (months without payments show empty)."""
    calendar = reader_calendar()
    months, start = _last_months(utcnow().date(), calendar)
    rows = reports.payouts(user, ["month"], reports.Filters(start=start, calendar=calendar))
    out = []
    for currency in sorted({r["currency"] for r in rows}):
        by_month = {r["month"]: r["amount"] for r in rows if r["currency"] == currency}
        out.append({"currency": currency, "calendar": calendar,
                    **charts.bars([(m, by_month.get(m, 0)) for m in months])})
    return out


def _last_months(today: date, calendar: str) -> tuple[list[str], date]:
    """The last CHART_MONTHS months up to this one in the reader's calendar (``YYYY-MM``, Solar Hijri months for
    fa, fa_AF and ps) and the Gregorian day the first of them begins."""
    if calendar == "solar_hijri":
        jd = JalaliDate(today)
        year, number = jd.year, jd.month
    else:
        year, number = today.year, today.month
    index = year * 12 + number - 1
    months = [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - CHART_MONTHS + 1, index + 1)]
    first_year, first_month = int(months[0][:4]), int(months[0][5:])
    start = JalaliDate(first_year, first_month, 1).to_gregorian() if calendar == "solar_hijri" \
        else date(first_year, first_month, 1)
    return months, start


def incident_map(user) -> dict:
    """The map fitted to every incident of the user's offices (a region fills it), hotspot cells coloured by
    verified animals lost, and the latest incidents as points; the same incidents are listed beside it."""
    frame = charts.fit(mapdata.extent_points(user))
    rows = mapdata.incidents(user, MAP_LIMIT)
    return {"frame": frame, "outlines": charts.outlines(frame), "points": charts.place(frame, rows),
            "hotspots": charts.hotspots(frame, mapdata.verified_losses(user)), "listed": rows[:LIST_LIMIT],
            "count": len(rows)}


def build(user) -> Dashboard:
    overdue, overdue_count = overdue_verifications(user)
    schemes = insurance_queries.schemes_for(user)
    funds = [(s, fund_view(s)) for s in schemes]
    losses = reports.losses(user)
    return Dashboard(by_state=claims_by_state(user), overdue_verifications=overdue,
                     overdue_verification_count=overdue_count,
                     overdue_payments=payout_queries.overdue(user), overdue=overdue_counts(user),
                     charts=payout_charts(user),
                     losses=losses, funds=funds, map=incident_map(user),
                     losses_chart=charts.hbars([(r["predator"], r["species"], r["heads"]) for r in losses]),
                     health={s.id: fund_health.health(s) for s in schemes})

