"""A season's fund statement, loss ratio, enrolment by village and premium arrears, as data and as CSV.

The money lines cover the season's dates, by the value date of each posting (the day a premium or a gift was
received, the day a payment was made): the opening balance is what the fund held the day before the season began,
the closing balance what it held on its last day (or today). The fund is pooled, so a season's losses may be paid
with money received later. The loss ratio is the season's cover's: payouts for losses under the season's policies
÷ premiums received for those policies, whenever either happened. Money figures are the scheme's; the lists of
owners show only the policies of the reader's offices.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from claims.models import Programme
from conflict_service.db import db
from conflict_service.jurisdictions import queries as jq
from conflict_service.spreadsheets import csv_text
from insurance import queries
from insurance.ledger import Balances, balances, fund_of
from insurance.models import Policy, Season
from payouts.breakdown import money_str

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass
class VillageRow:
    village: str
    policies: int = 0
    head: dict = field(default_factory=lambda: defaultdict(int))
    premium_due: Decimal = ZERO
    premium_paid: Decimal = ZERO

    @property
    def arrears(self) -> Decimal:
        return max(self.premium_due - self.premium_paid, ZERO)

    @property
    def head_by_value(self) -> dict[str, int]:
        return {species.value: count for species, count in sorted(self.head.items())}


@dataclass
class Statement:
    scheme: Programme
    season: Season
    currency: str
    opening: Decimal
    premiums: Decimal
    contributions: Decimal
    payouts: Decimal
    closing: Decimal
    reserved: Decimal
    available: Decimal
    premiums_due: Decimal
    cover: Balances
    enrolment: list[VillageRow]
    arrears: list[queries.PolicyRow]
    awaiting: list

    @property
    def loss_ratio(self) -> Decimal | None:
        """The cover's payouts as a percentage of its premiums received (None before any premium)."""
        if self.cover.premiums <= ZERO:
            return None
        return (self.cover.payouts * HUNDRED / self.cover.premiums).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def arrears_total(self) -> Decimal:
        return sum((row.arrears for row in self.arrears), ZERO)

    @property
    def policy_count(self) -> int:
        return sum(row.policies for row in self.enrolment)

    @property
    def awaiting_total(self) -> Decimal:
        return sum((award.total for _claim, award in self.awaiting), ZERO)


def _money(scheme: Programme, season: Season) -> tuple[Balances, Balances, Balances, Balances]:
    """Before the season, during it, up to its end (by value date), and of its cover (by the policies' season)."""
    fund = fund_of(scheme.id)
    if fund is None:
        empty = Balances(scheme.currency)
        return empty, empty, empty, empty
    return (balances(fund, until=season.starts_on - timedelta(days=1)),
            balances(fund, since=season.starts_on, until=season.ends_on), balances(fund, until=season.ends_on),
            balances(fund, season_ids=[season.id]))


def statement(scheme: Programme, season: Season, user=None) -> Statement:
    """Opening, premiums, contributions, payouts and closing of the season, with its policies' figures (of the
    user's offices; every office for the server's CLI, ``user=None``)."""
    before, during, upto, cover = _money(scheme, season)
    stmt = sa.select(Policy).where(Policy.season_id == season.id)
    if user is not None:
        stmt = stmt.where(Policy.office_id.in_(jq.office_ids(user)))
    policies = list(db.session.scalars(stmt))
    paid = queries.paid_by_policy([p.id for p in policies])
    rows = [queries.PolicyRow(p, paid.get(p.id, ZERO)) for p in policies]
    return Statement(
        scheme=scheme, season=season, currency=scheme.currency, opening=before.held, premiums=during.premiums,
        contributions=during.contributions, payouts=during.payouts, closing=upto.held, reserved=upto.reserved,
        available=upto.available, premiums_due=sum((p.premium_due for p in policies), ZERO), cover=cover,
        enrolment=_by_village(rows),
        arrears=sorted((r for r in rows if r.arrears > 0), key=lambda r: (r.policy.owner.village, r.policy.owner.name)),
        awaiting=queries.awaiting_funds(scheme.id, user))


def _by_village(rows: list[queries.PolicyRow]) -> list[VillageRow]:
    villages: dict[str, VillageRow] = {}
    for row in rows:
        v = villages.setdefault(row.policy.owner.village, VillageRow(row.policy.owner.village))
        v.policies += 1
        v.premium_due += row.policy.premium_due
        v.premium_paid += row.paid
        for line in row.policy.lines:
            v.head[line.species] += line.head_count
    return [villages[name] for name in sorted(villages)]


# --- CSV --------------------------------------------------------------------------------------------------------

def _csv(rows) -> str:
    return csv_text(rows, line_end="\n")


def statement_csv(s: Statement) -> str:
    m = s.currency

    def money(value):
        return money_str(value, m)

    scheme, season = s.scheme.local_name, s.season.local_name
    rows = [("scheme", "season", "line", "amount", "currency"),
            *[(scheme, season, name, money(value), m) for name, value in (
                ("opening_balance", s.opening), ("premiums", s.premiums), ("contributions", s.contributions),
                ("payouts", s.payouts), ("closing_balance", s.closing), ("reserved_for_approved_claims", s.reserved),
                ("available", s.available), ("premiums_due", s.premiums_due), ("premium_arrears", s.arrears_total),
                ("awaiting_funds", s.awaiting_total))],
            (scheme, season, "loss_ratio_pct", "" if s.loss_ratio is None else str(s.loss_ratio), "")]
    return _csv(rows)


def enrolment_csv(s: Statement) -> str:
    species = sorted({sp for row in s.enrolment for sp in row.head})
    header = ("village", "policies", *[f"insured_{sp.value}" for sp in species], "premium_due", "premium_paid",
              "arrears", "currency")
    body = [(row.village, row.policies, *[row.head.get(sp, 0) for sp in species],
             money_str(row.premium_due, s.currency), money_str(row.premium_paid, s.currency),
             money_str(row.arrears, s.currency), s.currency) for row in s.enrolment]
    return _csv([header, *body])


def arrears_csv(s: Statement) -> str:
    header = ("policy", "owner", "village", "enrolled_on", "premium_due", "premium_paid", "arrears", "currency")
    body = [(r.policy.number, r.policy.owner.name, r.policy.owner.village, r.policy.enrolled_on.isoformat(),
             money_str(r.policy.premium_due, s.currency), money_str(r.paid, s.currency),
             money_str(r.arrears, s.currency), s.currency) for r in s.arrears]
    return _csv([header, *body])


CSV_KINDS = {"statement": statement_csv, "enrolment": enrolment_csv, "arrears": arrears_csv}


def fund_view(scheme: Programme) -> dict:
    """The fund's health now: what it holds, what is free, what is promised and what waits for money."""
    fund = fund_of(scheme.id)
    totals = balances(fund) if fund is not None else Balances(scheme.currency)
    waiting = queries.awaiting_funds(scheme.id)
    return {"currency": scheme.currency, "held": totals.held, "available": totals.available,
            "reserved": totals.reserved, "premiums": totals.premiums, "contributions": totals.contributions,
            "payouts": totals.payouts, "awaiting_count": len(waiting),
            "awaiting_total": sum((award.total for _c, award in waiting), ZERO),
            "postings": fund.last_seq if fund is not None else 0}
