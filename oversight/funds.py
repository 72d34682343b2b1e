"""The insurance funds' health (DESIGN §12): loss ratio per season, reserve in months of payouts, premiums due
against collected, each with a level (ok, amber, red) that the dashboard and the bulletin show in words.

Read-only, from insurance's ledger and policies. The loss ratio of a season is its cover's, as in the season's
statement: payouts for losses under the season's policies ÷ premiums received for those policies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as L_

from claims.models import Programme
from conflict_service.db import db
from conflict_service.enums import TitledEnum
from conflict_service.timeutil import utcnow
from insurance.ledger import Balances, balances, fund_of
from insurance.models import Policy, Season

ZERO, HUNDRED = Decimal(0), Decimal(100)
LOSS_RATIO_AMBER = Decimal(70)  # % of premiums paid out: above it the premiums barely carry the losses
LOSS_RATIO_RED = Decimal(100)  # above it the season's cover costs more than it brought in
RESERVE_MONTHS_AMBER = Decimal(6)  # months of average payouts the fund's money would last
RESERVE_MONTHS_RED = Decimal(3)
COLLECTED_AMBER = Decimal(90)  # % of premiums due actually collected
COLLECTED_RED = Decimal(70)
PAYOUT_MONTHS = 12  # the average monthly payout is taken over this many months


class Level(TitledEnum):
    OK = "ok"
    AMBER = "amber"
    RED = "red"

    @classmethod
    def _titles(cls):
        return {cls.OK: L_("Healthy"), cls.AMBER: L_("Watch"), cls.RED: L_("At risk")}

    @classmethod
    def worst(cls, levels) -> Level:
        order = [cls.OK, cls.AMBER, cls.RED]
        return max(levels, key=order.index, default=cls.OK)


def _above(value: Decimal | None, amber: Decimal, red: Decimal) -> Level:
    if value is None:
        return Level.OK
    return Level.RED if value > red else Level.AMBER if value > amber else Level.OK


def _below(value: Decimal | None, amber: Decimal, red: Decimal) -> Level:
    if value is None:
        return Level.OK
    return Level.RED if value < red else Level.AMBER if value < amber else Level.OK


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    return None if whole <= ZERO else (part * HUNDRED / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class SeasonHealth:
    season: Season
    premiums_due: Decimal
    premiums_collected: Decimal
    payouts: Decimal

    @property
    def loss_ratio(self) -> Decimal | None:
        return _pct(self.payouts, self.premiums_collected)

    @property
    def collected_pct(self) -> Decimal | None:
        return _pct(self.premiums_collected, self.premiums_due)

    @property
    def loss_level(self) -> Level:
        return _above(self.loss_ratio, LOSS_RATIO_AMBER, LOSS_RATIO_RED)

    @property
    def collection_level(self) -> Level:
        return _below(self.collected_pct, COLLECTED_AMBER, COLLECTED_RED)


@dataclass
class FundHealth:
    scheme: Programme
    currency: str
    held: Decimal
    monthly_payouts: Decimal
    seasons: list[SeasonHealth] = field(default_factory=list)

    @property
    def reserve_months(self) -> Decimal | None:
        """How many months of average payouts the money held would pay (None without payouts to measure)."""
        if self.monthly_payouts <= ZERO:
            return None
        return (self.held / self.monthly_payouts).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def reserve_level(self) -> Level:
        return _below(self.reserve_months, RESERVE_MONTHS_AMBER, RESERVE_MONTHS_RED)

    @property
    def level(self) -> Level:
        """The worst of the reserve and the latest season's loss ratio and collection."""
        latest = self.seasons[:1]
        return Level.worst([self.reserve_level, *(s.loss_level for s in latest),
                            *(s.collection_level for s in latest)])


def _due_by_season(scheme_id: int) -> dict[int, Decimal]:
    stmt = (sa.select(Policy.season_id, sa.func.sum(Policy.premium_due)).where(Policy.programme_id == scheme_id)
            .group_by(Policy.season_id))
    return {sid: Decimal(total or 0) for sid, total in db.session.execute(stmt)}


def health(scheme: Programme, today: date | None = None, seasons_shown: int = 4) -> FundHealth:
    """The fund's health now (or as of ``today``), with its latest seasons, newest first."""
    today = today or utcnow().date()
    fund = fund_of(scheme.id)
    totals = balances(fund, until=today) if fund is not None else Balances(scheme.currency)
    recent = (balances(fund, since=today - timedelta(days=round(PAYOUT_MONTHS * 30.4375)), until=today)
              if fund is not None else Balances(scheme.currency))
    out = FundHealth(scheme, scheme.currency, totals.held, recent.payouts / PAYOUT_MONTHS)
    due = _due_by_season(scheme.id)
    seasons = db.session.scalars(sa.select(Season).where(Season.programme_id == scheme.id, Season.starts_on <= today)
                                 .order_by(Season.starts_on.desc()).limit(seasons_shown))
    for season in seasons:
        cover = balances(fund, season_ids=[season.id]) if fund is not None else Balances(scheme.currency)
        out.seasons.append(SeasonHealth(season, due.get(season.id, ZERO), cover.premiums, cover.payouts))
    return out
