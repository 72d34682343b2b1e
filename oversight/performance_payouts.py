"""Performance payments in the payouts report (DESIGN §13, issue 18 item 5): counted apart from compensation.

Payments of conservation-performance periods go through the same batches as claims' but pay for leopards alive,
not for losses: the compensation figures (``reports.payouts``, which counts claims' payments only) never include
them, and they are summed here on their own, per currency and region, office, programme and month of payment.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from claims.models import Programme
from conflict_service.db import db
from conflict_service.jurisdictions import queries as jq
from conflict_service.jurisdictions.models import Jurisdiction, Level
from oversight import reports
from oversight.reports import Filters, _between, local_names
from oversight.sql import money, month
from payouts.enums import PaymentStatus
from payouts.models import Payment, PaymentBatch
from performance.payments import SUBJECT

# Predator and species do not apply: a performance payment is not for a loss.
DIMENSIONS = ("region", "office", "programme", "month")


def performance_payouts(user, group_by: list[str], f: Filters = Filters()) -> list[dict]:
    """Confirmed payments of performance periods in the user's jurisdictions, per currency and the chosen
    dimensions among region, office (a community of a region has none), programme and month; ``periods`` counts
    the periods paid. Predator and species, asked for, read as empty."""
    place = aliased(Jurisdiction, name="place")
    stmt = (sa.select().select_from(Payment).join(PaymentBatch, PaymentBatch.id == Payment.batch_id)
            .join(place, place.id == Payment.jurisdiction_id)
            .where(Payment.subject == SUBJECT, Payment.status == PaymentStatus.CONFIRMED,
                   Payment.jurisdiction_id.in_(jq.scope_ids(user)), *_between(Payment.paid_at, f)))
    if f.programme_id:
        stmt = stmt.where(PaymentBatch.programme_id == f.programme_id)
    columns = {
        "region": sa.case((place.level == Level.OFFICE, place.parent_id), (place.level == Level.REGION, place.id)),
        "office": sa.case((place.level == Level.OFFICE, place.id)),
        "programme": PaymentBatch.programme_id,
        "month": month(Payment.paid_at, f.calendar),
    }
    ids = [columns[d].label(d) for d in DIMENSIONS if d in group_by] + [Payment.currency.label("currency")]
    stmt = stmt.add_columns(*ids, sa.func.count(sa.distinct(Payment.subject_id)).label("periods"),
                            sa.func.sum(Payment.amount).label("amount")).group_by(*ids).order_by(*ids)
    rows = [dict(r) for r in db.session.execute(stmt).mappings()]
    return local_names(_named(rows, group_by))


def _named(rows: list[dict], group_by: list[str]) -> list[dict]:
    """Codes and names of the regions, offices and programmes (a few rows: looked up once each)."""
    places = {j.id: j for j in db.session.scalars(sa.select(Jurisdiction).where(Jurisdiction.id.in_(
        {r[k] for r in rows for k in ("region", "office") if r.get(k) is not None})))}
    programmes = {p.id: p for p in db.session.scalars(sa.select(Programme).where(Programme.id.in_(
        {r["programme"] for r in rows if r.get("programme") is not None})))}
    out = []
    for r in rows:
        item = {}
        for dim in ("region", "office"):
            if dim in group_by:
                place = places.get(r[dim])
                item |= {dim: place.code if place else None, f"{dim}_name": place.name if place else None}
        if "programme" in group_by:
            item |= {"programme": r["programme"], "programme_name": programmes[r["programme"]].name}
        for dim in ("month", "predator", "species"):
            if dim in group_by:
                item[dim] = r.get(dim)
        out.append(item | {"currency": r["currency"], "periods": r["periods"],
                           "amount": money(r["amount"], r["currency"])})
    return out


def payout_rows(user, group_by: list[str], f: Filters, payments: str) -> list[dict]:
    """The payouts report's rows of one kind: ``compensation`` (claims) or ``performance`` (periods)."""
    return performance_payouts(user, group_by, f) if payments == "performance" else reports.payouts(user, group_by, f)
