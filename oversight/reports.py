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

from claims.enums import Clock
from claims.models import Claim, Programme
from claims.queries import overdue_clause
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.jurisdictions import queries as jq
from conflict_service.jurisdictions.models import Jurisdiction
from oversight.sql import days_between, hours_between, money, month, number, percentiles
from payouts.enums import PaymentKind, PaymentStatus
from payouts.models import Award, Decision, Payment
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
    calendar: str = "gregorian"  # the months of a "month" grouping: "gregorian" or "solar_hijri" (DESIGN §14)


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
    dimensions. Grouped by species, a payment is split in proportion to the verified head of each species.

    The payments are summed by ids (region, office, programme) in an inner statement, and the codes and names are
    joined to its few rows afterwards: sorting tens of thousands of payments by names costs more than the sums.
    """
    claim_office = aliased(Jurisdiction, name="claim_office")
    amount = Payment.amount
    stmt = (sa.select().select_from(Payment).join(Claim, Claim.id == Payment.claim_id)
            .where(Payment.status == PaymentStatus.CONFIRMED, Claim.office_id.in_(jq.office_ids(user)),
                   *_between(Payment.paid_at, f)))
    if f.programme_id:
        stmt = stmt.where(Claim.programme_id == f.programme_id)
    ids: list = []
    if "region" in group_by:
        stmt = stmt.join(claim_office, claim_office.id == Claim.office_id)
        ids.append(claim_office.parent_id.label("region_id"))
    if "office" in group_by:
        ids.append(Claim.office_id.label("office_id"))
    if "programme" in group_by:
        ids.append(Claim.programme_id.label("programme"))
    if "month" in group_by:
        ids.append(month(Payment.paid_at, f.calendar).label("month"))
    if "predator" in group_by or "species" in group_by:
        latest = latest_verification()
        stmt = stmt.outerjoin(latest, latest.c.claim_id == Claim.id)
    if "predator" in group_by:
        stmt = stmt.outerjoin(Verification, Verification.id == latest.c.verification_id)
        ids.append(Verification.predator.label("predator"))
    if "species" in group_by:
        shares = species_shares()
        stmt = stmt.outerjoin(shares, shares.c.verification_id == latest.c.verification_id)
        ids.append(shares.c.species.label("species"))
        amount = amount * sa.func.coalesce(shares.c.heads, 1) / sa.func.coalesce(shares.c.total, 1)
    ids.append(Payment.currency.label("currency"))
    sums = (stmt.add_columns(*ids, sa.func.count(sa.distinct(Claim.id)).label("claims"),
                             sa.func.sum(amount).label("amount")).group_by(*ids).subquery("sums"))

    office, region = aliased(Jurisdiction, name="office"), aliased(Jurisdiction, name="region")
    named = sa.select().select_from(sums)
    keys: list = []
    if "region" in group_by:
        named = named.join(region, region.id == sums.c.region_id)
        keys += [region.code.label("region"), region.name.label("region_name")]
    if "office" in group_by:
        named = named.join(office, office.id == sums.c.office_id)
        keys += [office.code.label("office"), office.name.label("office_name")]
    if "programme" in group_by:
        named = named.join(Programme, Programme.id == sums.c.programme)
        keys += [sums.c.programme, Programme.name.label("programme_name")]
    keys += [sums.c[key] for key in ("month", "predator", "species") if key in group_by]
    keys.append(sums.c.currency)
    named = named.add_columns(*keys, sums.c.claims, sums.c.amount).order_by(*keys)
    rows = []
    for row in db.session.execute(named).mappings():
        item = dict(row)
        item["amount"] = money(item["amount"], item["currency"])
        rows.append(item)
    return local_names(rows)


def local_names(rows: list[dict]) -> list[dict]:
    """Programme, region and office names in the reader's language (DESIGN §14), where the rows carry them."""
    programmes = {r["programme"] for r in rows if r.get("programme_name") is not None}
    codes = {r[k] for r in rows for k in ("region", "office") if r.get(f"{k}_name") is not None}
    # Each name is worked out once (a report has hundreds of rows and a dozen places): local_name looks up the
    # reader's language on every call.
    by_id = {p.id: p.local_name for p in db.session.scalars(sa.select(Programme).where(Programme.id.in_(programmes)))}
    # The places from the request's jurisdiction tree, which the report's scope has loaded already.
    by_code = {j.code: j.local_name for j in jq.tree().by_id.values() if j.code in codes}
    for r in rows:
        if r.get("programme") in by_id and "programme_name" in r:
            r["programme_name"] = by_id[r["programme"]]
        for k in ("region", "office"):
            if r.get(k) in by_code and f"{k}_name" in r:
                r[f"{k}_name"] = by_code[r[k]]
    return rows


# --- deadlines -----------------------------------------------------------------------------------------------

DEADLINE_GROUPS = ("region", "month")


def _group_columns(group_by, moment, office, region, calendar: str) -> list:
    cols = [Programme.id.label("programme"), Programme.name.label("programme_name")]
    if "region" in group_by:
        cols += [region.code.label("region"), region.name.label("region_name")]
    if "month" in group_by:
        cols.append(month(moment, calendar).label("month"))
    return cols


def _samples(user, base, start, end, limit_col, group_by, f: Filters, unit) -> sa.Subquery:
    office, region = aliased(Jurisdiction, name="office"), aliased(Jurisdiction, name="region")
    value = unit(start, end)
    stmt = (base.join(Programme, Programme.id == Claim.programme_id)
            .join(office, office.id == Claim.office_id).join(region, region.id == office.parent_id)
            .where(Claim.office_id.in_(jq.office_ids(user)), *_between(end, f))
            .add_columns(*_group_columns(group_by, end, office, region, f.calendar), value.label("value"),
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


def decision_samples(user, group_by, f: Filters) -> sa.Subquery:
    """Days from the site-visit record to the final approval or rejection, per claim decided."""
    visit = (sa.select(Verification.claim_id, sa.func.max(Verification.recorded_at).label("verified_at"))
             .where(Verification.outcome == VerificationOutcome.CONFIRMED)
             .group_by(Verification.claim_id).subquery("confirmed_visit"))
    decided = (sa.select(Decision.claim_id, sa.func.max(Decision.decided_at).label("decided_at"))
               .where(Decision.is_final.is_(True)).group_by(Decision.claim_id).subquery("decided"))
    base = (sa.select().select_from(Claim).join(visit, visit.c.claim_id == Claim.id)
            .join(decided, sa.and_(decided.c.claim_id == Claim.id, decided.c.decided_at >= visit.c.verified_at)))
    return _samples(user, base, visit.c.verified_at, decided.c.decided_at, Programme.decision_sla_days, group_by, f,
                    days_between)


# Open claims past the due time of their stage count as late for the step they are stuck in (DESIGN §6): a
# payment sent but not confirmed in time is late for the payment step, which ends at the confirmation.
OPEN_LATE_STEP = {Clock.VERIFICATION: "verification", Clock.DECISION: "decision", Clock.PAYMENT: "payment",
                  Clock.CONFIRMATION: "payment"}
DEADLINE_STEPS = ("verification", "decision", "payment")


def open_late(user, group_by, f: Filters) -> list[dict]:
    """Open claims now past their stage's due time, per group and stage (the month is the due date's)."""
    office, region = aliased(Jurisdiction, name="office"), aliased(Jurisdiction, name="region")
    cols = _group_columns(group_by, Claim.due_at, office, region, f.calendar)
    stmt = (sa.select(*cols, Claim.due_clock.label("clock"), sa.func.count().label("n")).select_from(Claim)
            .join(Programme, Programme.id == Claim.programme_id)
            .join(office, office.id == Claim.office_id).join(region, region.id == office.parent_id)
            .where(Claim.office_id.in_(jq.office_ids(user)), overdue_clause(), *_between(Claim.due_at, f))
            .group_by(*cols, Claim.due_clock))
    if f.programme_id:
        stmt = stmt.where(Claim.programme_id == f.programme_id)
    return [dict(r) for r in db.session.execute(stmt).mappings()]


def _step(row) -> dict:
    return {"count": row["n"], "median": number(row["p50"]), "p90": number(row["p90"]), "within": row["within"],
            "limit": row["limit"], "open_late": 0}


def deadlines(user, group_by: list[str], f: Filters = Filters()) -> list[dict]:
    """Per programme (and region, month of the step's end): median, 90th percentile and share within the
    deadline of the time to verification (hours), to decision and to payment (days); open claims already past
    a step's deadline count as late for it."""
    keys = ["programme", "programme_name"]
    keys += [k for g in DEADLINE_GROUPS if g in group_by for k in ((g, f"{g}_name") if g == "region" else (g,))]
    merged: dict[tuple, dict] = {}
    for step, samples in (("verification", verification_samples(user, group_by, f)),
                          ("decision", decision_samples(user, group_by, f)),
                          ("payment", payment_samples(user, group_by, f))):
        limits = sa.select(*[samples.c[k] for k in keys], sa.func.max(samples.c.limit).label("limit")).group_by(
            *[samples.c[k] for k in keys]).subquery("limits")
        stats = percentiles(samples, keys, within="is_within").subquery("stats")
        stmt = (sa.select(stats, limits.c.limit)
                .join(limits, sa.and_(*[limits.c[k] == stats.c[k] for k in keys])))
        for row in db.session.execute(stmt).mappings():
            entry = merged.setdefault(tuple(row[k] for k in keys), {k: row[k] for k in keys})
            entry[step] = _step(row)
    empty = {"count": 0, "median": None, "p90": None, "within": 0, "limit": None, "open_late": 0}
    for row in open_late(user, group_by, f):
        entry = merged.setdefault(tuple(row[k] for k in keys), {k: row[k] for k in keys})
        entry.setdefault(OPEN_LATE_STEP[row["clock"]], dict(empty))["open_late"] += row["n"]
    for entry in merged.values():
        for step in DEADLINE_STEPS:
            s = entry.setdefault(step, dict(empty))
            total = s["count"] + s["open_late"]
            s["share_within"] = number(s["within"] / total, 3) if total else None
    return local_names([entry for _key, entry in sorted(merged.items(), key=lambda kv: tuple(str(v) for v in kv[0]))])


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

def losses(user, f: Filters = Filters()) -> list[dict]:
    """Verified head lost per predator and species, from each claim's latest confirmed site visit (recorded
    within the filter's dates)."""
    latest = latest_verification()
    stmt = (sa.select(Verification.predator.label("predator"), VerifiedLossLine.species.label("species"),
                      sa.func.count(sa.distinct(Claim.id)).label("claims"),
                      sa.func.sum(VerifiedLossLine.count).label("heads"))
            .select_from(Claim).join(latest, latest.c.claim_id == Claim.id)
            .join(Verification, Verification.id == latest.c.verification_id)
            .join(VerifiedLossLine, VerifiedLossLine.verification_id == Verification.id)
            .where(Claim.office_id.in_(jq.office_ids(user)), Verification.outcome == VerificationOutcome.CONFIRMED,
                   *_between(Verification.recorded_at, f),
                   *([Claim.programme_id == f.programme_id] if f.programme_id else []))
            .group_by(Verification.predator, VerifiedLossLine.species)
            .order_by(sa.func.sum(VerifiedLossLine.count).desc(), Verification.predator, VerifiedLossLine.species))
    return [dict(r) for r in db.session.execute(stmt).mappings()]
