"""Public transparency figures (DESIGN §6): per region and month, aggregates only, with small cells suppressed.

No personal data and no claim numbers leave this module: only counts, sums and medians per region and month.
A figure resting on fewer than ``MIN_CLAIMS`` claims is withheld (``None``), so that no household can be
recognised from it. Each figure is counted in the month its event happened: claims in the month they were filed,
verified losses in the month of the site visit's record, payments in the month the money arrived.

Performance payments (DESIGN §13: communities paid for leopards alive) are not compensation and are counted apart,
per region and year (:func:`performance_figures`): confirmed payments of periods, in the year the money arrived.
An amount resting on fewer than ``MIN_CLAIMS`` households (the members of the communities paid) is withheld too,
since a member's share could be read from it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from claims.models import Claim
from conflict_service.db import db
from conflict_service.i18n import local_name
from conflict_service.jurisdictions.models import Jurisdiction, Level
from oversight.reports import latest_verification
from oversight.sql import days_between, money, month, number, percentiles
from payouts.enums import PaymentKind, PaymentStatus
from payouts.models import Payment
from performance.models import Contract, Member, Period
from performance.payments import SUBJECT
from verification.enums import VerificationOutcome
from verification.models import Verification, VerifiedLossLine

MIN_CLAIMS = 3


def _region_joins(stmt):
    office, region = aliased(Jurisdiction, name="office"), aliased(Jurisdiction, name="region")
    stmt = stmt.join(office, office.id == Claim.office_id).join(region, region.id == office.parent_id)
    return stmt, region


def _filed(calendar: str):
    stmt, region = _region_joins(sa.select().select_from(Claim))
    keys = (region.id, month(Claim.filed_at, calendar))
    return stmt.add_columns(*keys, sa.func.count()).group_by(*keys)


def _verified(calendar: str):
    latest = latest_verification()
    stmt = (sa.select().select_from(Claim).join(latest, latest.c.claim_id == Claim.id)
            .join(Verification, Verification.id == latest.c.verification_id)
            .join(VerifiedLossLine, VerifiedLossLine.verification_id == Verification.id)
            .where(Verification.outcome == VerificationOutcome.CONFIRMED))
    stmt, region = _region_joins(stmt)
    keys = (region.id, month(Verification.recorded_at, calendar))
    return stmt.add_columns(*keys, sa.func.count(sa.distinct(Claim.id)), sa.func.sum(VerifiedLossLine.count)) \
        .group_by(*keys)


def _paid(calendar: str):
    stmt = (sa.select().select_from(Payment).join(Claim, Claim.id == Payment.claim_id)
            .where(Payment.status == PaymentStatus.CONFIRMED))
    stmt, region = _region_joins(stmt)
    keys = (region.id, month(Payment.paid_at, calendar), Payment.currency)
    return stmt.add_columns(*keys, sa.func.count(sa.distinct(Claim.id)), sa.func.sum(Payment.amount)) \
        .group_by(*keys)


def _days_to_payment(calendar: str):
    stmt = (sa.select().select_from(Payment).join(Claim, Claim.id == Payment.claim_id)
            .where(Payment.status == PaymentStatus.CONFIRMED, Payment.kind == PaymentKind.FINAL))
    stmt, region = _region_joins(stmt)
    samples = stmt.add_columns(region.id.label("region_id"), month(Payment.paid_at, calendar).label("month"),
                               days_between(Claim.filed_at, Payment.paid_at).label("value")).subquery("samples")
    return percentiles(samples, ["region_id", "month"], fractions=(0.5,))


def figures(calendar: str = "gregorian") -> list[dict]:
    """One row per region and month with any activity, newest month first. A withheld figure is ``None`` and its
    name is listed in the row's ``suppressed``. Months are Gregorian (``2026-12``) or, for readers who count from
    Nowruz, Solar Hijri (``1405-09``): the figures are counted in the reader's months, not relabelled."""
    rows: dict[tuple, dict] = {}

    def put(region_id, period, name, value, n):
        entry = rows.setdefault((region_id, period), {"claims_filed": 0, "verified_animals": 0, "paid": [],
                                                      "median_days_to_payment": None, "suppressed": []})
        if n < MIN_CLAIMS:
            value = {"currency": value["currency"], "claims": None, "amount": None} if name == "paid" else None
            entry["suppressed"].append(name)
        if name == "paid":
            entry["paid"].append(value)
        else:
            entry[name] = value

    for region_id, period, n in db.session.execute(_filed(calendar)):
        put(region_id, period, "claims_filed", n, n)
    for region_id, period, n, heads in db.session.execute(_verified(calendar)):
        put(region_id, period, "verified_animals", int(heads), n)
    for region_id, period, currency, n, amount in db.session.execute(_paid(calendar)):
        put(region_id, period, "paid", {"currency": currency, "claims": n, "amount": money(amount, currency)}, n)
    for item in db.session.execute(_days_to_payment(calendar)).mappings():
        put(item["region_id"], item["month"], "median_days_to_payment", number(item["p50"]), item["n"])
    names = _region_names({k[0] for k in rows})
    ordered = sorted(rows.items(), key=lambda kv: (kv[0][1], names[kv[0][0]][1]), reverse=True)
    return [{"region": names[rid][0], "region_name": names[rid][1], "month": period, **entry}
            for (rid, period), entry in ordered]


def _performance_paid():
    """Confirmed payments of performance periods, with the region of the community paid (an office's region; a
    community of a region or a country is its own)."""
    place = aliased(Jurisdiction, name="place")
    region = sa.case((place.level == Level.OFFICE, place.parent_id), else_=place.id)
    stmt = (sa.select().select_from(Payment).join(place, place.id == Payment.jurisdiction_id)
            .where(Payment.subject == SUBJECT, Payment.status == PaymentStatus.CONFIRMED))
    return stmt, region


def performance_figures(calendar: str = "gregorian") -> list[dict]:
    """Performance payments per region and year (the reader's years), newest first: communities and periods paid
    and the amount per currency; an amount resting on fewer than ``MIN_CLAIMS`` households is withheld (``None``,
    ``suppressed`` names it)."""
    stmt, region = _performance_paid()
    year = sa.func.substr(month(Payment.paid_at, calendar), 1, 4)
    keys = (region, year)
    paid = stmt.join(Period, Period.id == Payment.subject_id).join(Contract, Contract.id == Period.contract_id)
    sums = paid.add_columns(*keys, Payment.currency, sa.func.count(sa.distinct(Contract.community_id)),
                            sa.func.count(sa.distinct(Period.id)), sa.func.sum(Payment.amount)) \
        .group_by(*keys, Payment.currency)
    households = dict(((rid, y), n) for rid, y, n in db.session.execute(
        paid.join(Member, Member.community_id == Contract.community_id)
        .add_columns(*keys, sa.func.count(sa.distinct(Member.owner_id))).group_by(*keys)))
    rows: dict[tuple, dict] = {}
    for region_id, in_year, currency, communities, periods_paid, amount in db.session.execute(sums):
        entry = rows.setdefault((region_id, in_year), {"paid": [], "suppressed": []})
        withheld = households.get((region_id, in_year), 0) < MIN_CLAIMS
        entry["paid"].append({"currency": currency, "communities": communities, "periods": periods_paid,
                              "amount": None if withheld else money(amount, currency)})
        if withheld and "paid" not in entry["suppressed"]:
            entry["suppressed"].append("paid")
    names = _region_names({k[0] for k in rows})
    ordered = sorted(rows.items(), key=lambda kv: (kv[0][1], names[kv[0][0]][1]), reverse=True)
    return [{"region": names[rid][0], "region_name": names[rid][1], "year": in_year, **entry}
            for (rid, in_year), entry in ordered]


def _region_names(ids) -> dict[int, tuple[str, str]]:
    """Each region's code and its name in the reader's language (DESIGN §14)."""
    stmt = sa.select(Jurisdiction.id, Jurisdiction.code, Jurisdiction.name, Jurisdiction.names).where(
        Jurisdiction.id.in_(ids))
    return {jid: (code, local_name(name, names)) for jid, code, name, names in db.session.execute(stmt)}
