"""Programme oversight reports (DESIGN §6, §8): payouts, deadlines and liabilities, each one aggregate statement.

Every report is limited to the claims of the user's offices. Money is summed per currency (programmes pay in
different currencies) and rounded once, to the currency's minor unit, when the row is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as L_
from sqlalchemy.orm import aliased

from claims.models import Claim, Programme
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.jurisdictions import queries as jq
from conflict_service.jurisdictions.models import Jurisdiction
from oversight.sql import days_between, hours_between, money, month, number, percentiles
from payouts.enums import PaymentKind, PaymentStatus
from payouts.models import Award, Payment
from verification.enums import VerificationOutcome
from verification.models import Verification, VerifiedLossLine

DIMENSIONS = {"region": L_("Region"), "office": L_("Office"), "programme": L_("Programme"), "month": L_("Month"),
              "predator": L_("Predator"), "species": L_("Species")}
OWED = (ClaimState.APPROVED, ClaimState.AWAITING_FUNDS, ClaimState.IN_PAYMENT)


@dataclass(frozen=True)
class Filters:
    programme_id: int | None = None
    start: date | None = None  # inclusive, on the date of the event the report counts
    end: date | None = None


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _between(column, f: Filters) -> list:
    out = []
    if f.start:
        out.append(column >= _moment(f.start))
    if f.end:
        out.append(column < _moment(f.end + timedelta(days=1)))
    return out


def latest_verification() -> sa.Subquery:
    """The claim's most recent site-visit record (after an appeal, the second round's)."""
    return (sa.select(Verification.claim_id, sa.func.max(Verification.id).label("verification_id"))
            .group_by(Verification.claim_id).subquery("latest"))


def species_shares() -> sa.Subquery:
    """Verified head per species of each verification, and its share of the verification's head."""
    total = sa.func.sum(sa.func.sum(VerifiedLossLine.count)).over(partition_by=VerifiedLossLine.verification_id)
    return (sa.select(VerifiedLossLine.verification_id, VerifiedLossLine.species,
                      sa.func.sum(VerifiedLossLine.count).label("heads"), total.label("total"))
            .group_by(VerifiedLossLine.verification_id, VerifiedLossLine.species).subquery("shares"))


# --- payouts -------------------------------------------------------------------------------------------------

def payouts(user, group_by: list[str], f: Filters = Filters()) -> list[dict]:
    """Confirmed payments (advances and final payments, interest included) per currency and the chosen
    dimensions. Grouped by species, a payment is split in proportion to the verified head of each species."""
    office, region = aliased(Jurisdiction, name="office"), aliased(Jurisdiction, name="region")
    amount = Payment.amount
    stmt = (sa.select().select_from(Payment).join(Claim, Claim.id == Payment.claim_id)
            .where(Payment.status == PaymentStatus.CONFIRMED, Claim.office_id.in_(jq.office_ids(user)),
                   *_between(Payment.paid_at, f)))
    if f.programme_id:
        stmt = stmt.where(Claim.programme_id == f.programme_id)
    keys: list = []
    if "region" in group_by or "office" in group_by:
        stmt = stmt.join(office, office.id == Claim.office_id)
    if "region" in group_by:
        stmt = stmt.join(region, region.id == office.parent_id)
        keys += [region.code.label("region"), region.name.label("region_name")]
    if "office" in group_by:
        keys += [office.code.label("office"), office.name.label("office_name")]
    if "programme" in group_by:
        stmt = stmt.join(Programme, Programme.id == Claim.programme_id)
        keys += [Programme.id.label("programme"), Programme.name.label("programme_name")]
    if "month" in group_by:
        keys.append(month(Payment.paid_at).label("month"))
    if "predator" in group_by or "species" in group_by:
        latest = latest_verification()
        stmt = stmt.outerjoin(latest, latest.c.claim_id == Claim.id)
    if "predator" in group_by:
        stmt = stmt.outerjoin(Verification, Verification.id == latest.c.verification_id)
        keys.append(Verification.predator.label("predator"))
    if "species" in group_by:
        shares = species_shares()
        stmt = stmt.outerjoin(shares, shares.c.verification_id == latest.c.verification_id)
        keys.append(shares.c.species.label("species"))
        amount = amount * sa.func.coalesce(shares.c.heads, 1) / sa.func.coalesce(shares.c.total, 1)
    keys.append(Payment.currency.label("currency"))
    stmt = (stmt.add_columns(*keys, sa.func.count(sa.distinct(Claim.id)).label("claims"),
                             sa.func.sum(amount).label("amount"))
            .group_by(*keys).order_by(*keys))
    rows = []
    for row in db.session.execute(stmt).mappings():
        item = dict(row)
        item["amount"] = money(item["amount"], item["currency"])
        rows.append(item)
    return local_names(rows)


def local_names(rows: list[dict]) -> list[dict]:
    """Programme, region and office names in the reader's language (DESIGN §14), where the rows carry them."""
    programmes = {r["programme"] for r in rows if r.get("programme_name") is not None}
    codes = {r[k] for r in rows for k in ("region", "office") if r.get(f"{k}_name") is not None}
    by_id = {p.id: p for p in db.session.scalars(sa.select(Programme).where(Programme.id.in_(programmes)))}
    by_code = {j.code: j for j in db.session.scalars(sa.select(Jurisdiction).where(Jurisdiction.code.in_(codes)))}
    for r in rows:
        if r.get("programme") in by_id and "programme_name" in r:
            r["programme_name"] = by_id[r["programme"]].local_name
        for k in ("region", "office"):
            if r.get(k) in by_code and f"{k}_name" in r:
                r[f"{k}_name"] = by_code[r[k]].local_name
    return rows


# --- deadlines -----------------------------------------------------------------------------------------------

DEADLINE_GROUPS = ("region", "month")


def _group_columns(group_by, moment, office, region) -> list:
    cols = [Programme.id.label("programme"), Programme.name.label("programme_name")]
    if "region" in group_by:
        cols += [region.code.label("region"), region.name.label("region_name")]
    if "month" in group_by:
        cols.append(month(moment).label("month"))
    return cols


def _samples(user, base, start, end, limit_col, group_by, f: Filters, unit) -> sa.Subquery:
    office, region = aliased(Jurisdiction, name="office"), aliased(Jurisdiction, name="region")
    value = unit(start, end)
    stmt = (base.join(Programme, Programme.id == Claim.programme_id)
            .join(office, office.id == Claim.office_id).join(region, region.id == office.parent_id)
            .where(Claim.office_id.in_(jq.office_ids(user)), *_between(end, f))
            .add_columns(*_group_columns(group_by, end, office, region), value.label("value"),
                         (value <= limit_col).label("is_within"), limit_col.label("limit")))
    if f.programme_id:
        stmt = stmt.where(Claim.programme_id == f.programme_id)
    return stmt.subquery("samples")


def verification_samples(user, group_by, f: Filters) -> sa.Subquery:
    """Hours from filing to the first site-visit record, per claim verified."""
    first = (sa.select(Verification.claim_id, sa.func.min(Verification.recorded_at).label("verified_at"))
             .group_by(Verification.claim_id).subquery("first_visit"))
    base = sa.select().select_from(Claim).join(first, first.c.claim_id == Claim.id)
    return _samples(user, base, Claim.filed_at, first.c.verified_at, Programme.verification_sla_hours, group_by,
                    f, hours_between)


def payment_samples(user, group_by, f: Filters) -> sa.Subquery:
    """Days from the final approval to the confirmed final payment, per claim paid."""
    base = (sa.select().select_from(Claim).join(Award, Award.claim_id == Claim.id)
            .join(Payment, sa.and_(Payment.claim_id == Claim.id, Payment.kind == PaymentKind.FINAL,
                                   Payment.status == PaymentStatus.CONFIRMED)))
    return _samples(user, base, Award.approved_at, Payment.paid_at, Programme.payment_sla_days, group_by, f,
                    days_between)


def deadlines(user, group_by: list[str], f: Filters = Filters()) -> list[dict]:
    """Per programme (and region, month of the step's end): median, 90th percentile and share within the
    deadline of the time to verification (hours) and to payment (days)."""
    keys = ["programme", "programme_name"]
    keys += [k for g in DEADLINE_GROUPS if g in group_by for k in ((g, f"{g}_name") if g == "region" else (g,))]
    merged: dict[tuple, dict] = {}
    for step, samples in (("verification", verification_samples(user, group_by, f)),
                          ("payment", payment_samples(user, group_by, f))):
        limits = sa.select(*[samples.c[k] for k in keys], sa.func.max(samples.c.limit).label("limit")).group_by(
            *[samples.c[k] for k in keys]).subquery("limits")
        stats = percentiles(samples, keys, within="is_within").subquery("stats")
        stmt = (sa.select(stats, limits.c.limit)
                .join(limits, sa.and_(*[limits.c[k] == stats.c[k] for k in keys])))
        for row in db.session.execute(stmt).mappings():
            entry = merged.setdefault(tuple(row[k] for k in keys), {k: row[k] for k in keys})
            entry[step] = {"count": row["n"], "median": number(row["p50"]), "p90": number(row["p90"]),
                           "within": row["within"], "share_within": number(row["within"] / row["n"], 3),
                           "limit": row["limit"]}
    empty = {"count": 0, "median": None, "p90": None, "within": 0, "share_within": None, "limit": None}
    return local_names([{**entry, "verification": entry.get("verification", empty),
                         "payment": entry.get("payment", empty)}
                        for _key, entry in sorted(merged.items(), key=lambda kv: tuple(str(v) for v in kv[0]))])


# --- liabilities ---------------------------------------------------------------------------------------------

def liabilities(user, f: Filters = Filters()) -> list[dict]:
    """Approved but unpaid: the frozen approved amount less confirmed payments (advances), per programme."""
    paid = (sa.select(Payment.claim_id, sa.func.sum(Payment.principal).label("paid"))
            .where(Payment.status == PaymentStatus.CONFIRMED).group_by(Payment.claim_id).subquery("paid"))
    outstanding = Award.total - sa.func.coalesce(paid.c.paid, 0)
    stmt = (sa.select(Programme.id.label("programme"), Programme.name.label("programme_name"),
                      Award.currency.label("currency"), sa.func.count().label("claims"),
                      sa.func.sum(outstanding).label("amount"), sa.func.min(Award.approved_at).label("oldest"))
            .select_from(Claim).join(Award, Award.claim_id == Claim.id)
            .join(Programme, Programme.id == Claim.programme_id)
            .outerjoin(paid, paid.c.claim_id == Claim.id)
            .where(Claim.status.in_(OWED), Claim.office_id.in_(jq.office_ids(user)))
            .group_by(Programme.id, Programme.name, Award.currency).order_by(Programme.name, Award.currency))
    if f.programme_id:
        stmt = stmt.where(Claim.programme_id == f.programme_id)
    rows = []
    for row in db.session.execute(stmt).mappings():
        item = dict(row)
        item["amount"] = money(item["amount"], item["currency"])
        oldest = item["oldest"]
        item["oldest"] = oldest if oldest is None or oldest.tzinfo else oldest.replace(tzinfo=UTC)
        rows.append(item)
    return local_names(rows)


# --- verified losses (dashboard) -----------------------------------------------------------------------------

def losses(user) -> list[dict]:
    """Verified head lost per predator and species, from each claim's latest confirmed site visit."""
    latest = latest_verification()
    stmt = (sa.select(Verification.predator.label("predator"), VerifiedLossLine.species.label("species"),
                      sa.func.count(sa.distinct(Claim.id)).label("claims"),
                      sa.func.sum(VerifiedLossLine.count).label("heads"))
            .select_from(Claim).join(latest, latest.c.claim_id == Claim.id)
            .join(Verification, Verification.id == latest.c.verification_id)
            .join(VerifiedLossLine, VerifiedLossLine.verification_id == Verification.id)
            .where(Claim.office_id.in_(jq.office_ids(user)), Verification.outcome == VerificationOutcome.CONFIRMED)
            .group_by(Verification.predator, VerifiedLossLine.species)
            .order_by(sa.func.sum(VerifiedLossLine.count).desc(), Verification.predator, VerifiedLossLine.species))
    return [dict(r) for r in db.session.execute(stmt).mappings()]
