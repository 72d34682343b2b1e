"""What works: verified leopard losses per household-year before and after a measure, against non-adopters.

Method (shown in plain words on the report page):
- A loss is one claim in state verified, approved, in payment or paid whose latest verification round
  confirmed it and attributed it to one of the chosen predators. One attack is one loss, however many
  animals died (counts of animals are not Poisson: one attack may kill twenty sheep).
- Households are the owners registered at the reader's offices, grouped by their office's region; all are
  taken to be at risk over the whole observation range.
- Adopters of a kind of measure: households whose first measure of that kind was installed by the end of
  the range, whatever became of it later (intention to treat). Protection starts the day after
  installation (as in the assessment, DESIGN §5.5); "before" is the window months up to it, "after" the
  window months from it, both clipped to the range.
- Non-adopters: the region's other households, over the same windows around the median installation date
  of the region's adopters of that kind.

Verification data lives in tables owned by the ``verification`` package, a sibling in the layers that
mitigation must not import. This module reads those tables by name with SQLAlchemy Core constructs
(``sa.table``/``sa.column``) for the few columns it needs; ``tests/mitigation/test_effectiveness.py``
checks that the columns still exist under these names, so a rename there fails a test here.
"""

from __future__ import annotations

import bisect
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from claims.enums import Predator, TimeOfDay
from claims.models import Claim, Owner
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.jurisdictions import queries as jq
from conflict_service.jurisdictions.models import Jurisdiction, Level
from conflict_service.timeutil import local_today
from mitigation.enums import MeasureKind
from mitigation.models import Measure
from mitigation.rules import add_months
from mitigation.stats import Cell, Estimate, difference_in_differences

COUNTED_STATES = (ClaimState.VERIFIED, ClaimState.APPROVED, ClaimState.AWAITING_FUNDS, ClaimState.IN_PAYMENT,
                  ClaimState.PAID)
DAYS_PER_YEAR = 365.25

verifications = sa.table("verifications", sa.column("id"), sa.column("claim_id"), sa.column("round"),
                         sa.column("outcome"), sa.column("predator"), sa.column("time_of_day"))


@dataclass(frozen=True)
class ReportParams:
    window_months: int = 24
    predators: tuple[Predator, ...] = (Predator.LEOPARD,)
    time_of_day: TimeOfDay | None = None
    start: date | None = None
    end: date | None = None


@dataclass
class EffectRow:
    region: Jurisdiction
    kind: MeasureKind
    adopters: int
    others: int
    reference_on: date  # median installation date of the adopters: the non-adopters' "installation"
    adopters_before: Cell
    adopters_after: Cell
    others_before: Cell
    others_after: Cell
    estimate: Estimate


@dataclass
class Report:
    params: ReportParams
    start: date | None
    end: date | None
    rows: list[EffectRow] = field(default_factory=list)


def latest_verification_id() -> sa.ScalarSelect:
    """The id of the claim's latest verification round (an appeal's re-verification replaces the first)."""
    v = verifications
    return (sa.select(v.c.id).where(v.c.claim_id == Claim.id).order_by(v.c.round.desc(), v.c.id.desc())
            .limit(1).correlate(Claim).scalar_subquery())


def loss_events(office_ids, params: ReportParams, start: date, end: date) -> dict[int, list[date]]:
    """Incident dates of the counted losses per owner, sorted; one statement."""
    v = verifications
    stmt = (sa.select(Claim.owner_id, Claim.incident_date).join(Owner, Owner.id == Claim.owner_id)
            .join(v, v.c.id == latest_verification_id())
            .where(Owner.office_id.in_(office_ids), Claim.status.in_(COUNTED_STATES), v.c.outcome == "confirmed",
                   v.c.predator.in_([p.value for p in params.predators]),
                   Claim.incident_date >= start, Claim.incident_date <= end))
    if params.time_of_day is not None:
        # The verifier's finding replaces what the claim says, as everywhere in the assessment.
        stmt = stmt.where(sa.func.coalesce(v.c.time_of_day, sa.cast(Claim.time_of_day, sa.String))
                          == params.time_of_day.value)
    out: dict[int, list[date]] = defaultdict(list)
    for owner_id, day in db.session.execute(stmt):
        out[owner_id].append(day)
    return {k: sorted(days) for k, days in out.items()}


def _range(office_ids, params: ReportParams) -> tuple[date | None, date | None]:
    """From the first incident on record in the reader's offices (or ``start``) to today (or ``end``)."""
    start = params.start or db.session.scalar(
        sa.select(sa.func.min(Claim.incident_date)).join(Owner, Owner.id == Claim.owner_id)
        .where(Owner.office_id.in_(office_ids)))
    tree = jq.tree()
    end = params.end or max((local_today(tree.by_id[o].timezone) for o in office_ids), default=None)
    return start, end


def _region_of(office_id: int) -> Jurisdiction:
    tree = jq.tree()
    node = tree.by_id[office_id]
    while node.level != Level.REGION and node.parent_id is not None:
        node = tree.by_id[node.parent_id]
    return node


def effectiveness(user, params: ReportParams) -> Report:
    """The report rows, one per region and kind of measure with at least one adopter."""
    office_ids = jq.office_ids(user)
    start, end = _range(office_ids, params)
    report = Report(params, start, end)
    if start is None or end is None or start > end or not office_ids:
        return report
    households: dict[int, list[int]] = defaultdict(list)  # region id -> owner ids
    for owner_id, office_id in db.session.execute(sa.select(Owner.id, Owner.office_id)
                                                  .where(Owner.office_id.in_(office_ids))):
        households[_region_of(office_id).id].append(owner_id)
    first_installs = dict(((o, k), d) for o, k, d in db.session.execute(
        sa.select(Measure.owner_id, Measure.kind, sa.func.min(Measure.installed_on)).join(Measure.owner)
        .where(Owner.office_id.in_(office_ids), Measure.installed_on <= end).group_by(Measure.owner_id, Measure.kind)))
    events = loss_events(office_ids, params, start, end)
    window = Window(params.window_months, start, end)
    tree = jq.tree()
    for region_id in sorted(households, key=lambda r: tree.by_id[r].code):
        for kind in MeasureKind:
            row = _row(tree.by_id[region_id], kind, households[region_id], first_installs, events, window)
            if row is not None:
                report.rows.append(row)
    return report


@dataclass(frozen=True)
class Window:
    months: int
    start: date
    end: date

    def periods(self, installed_on: date) -> tuple[tuple[date, date], tuple[date, date]]:
        """Half-open ``[from, to)`` day ranges before and after protection began, clipped to the range."""
        begins, stop = installed_on + timedelta(days=1), self.end + timedelta(days=1)
        before = (max(add_months(begins, -self.months), self.start), min(begins, stop))
        after = (max(begins, self.start), min(add_months(begins, self.months), stop))
        return before, after


def _tally(owner_ids, periods_of, events) -> tuple[Cell, Cell]:
    """Sum events and household-years over households, each with its own (before, after) periods."""
    sums = [[0, 0], [0, 0]]  # [events, days] for before and after
    for owner_id in owner_ids:
        days = events.get(owner_id, [])
        for i, (lo, hi) in enumerate(periods_of(owner_id)):
            if hi > lo:
                sums[i][0] += bisect.bisect_left(days, hi) - bisect.bisect_left(days, lo)
                sums[i][1] += (hi - lo).days
    return tuple(Cell(n, d / DAYS_PER_YEAR) for n, d in sums)


def _row(region, kind, owner_ids, first_installs, events, window: Window) -> EffectRow | None:
    adopted = {o: first_installs[(o, kind)] for o in owner_ids if (o, kind) in first_installs}
    if not adopted:
        return None
    others = [o for o in owner_ids if o not in adopted]
    reference = statistics.median_low(sorted(adopted.values()))
    a_before, a_after = _tally(adopted, lambda o: window.periods(adopted[o]), events)
    o_before, o_after = _tally(others, lambda _o: window.periods(reference), events)
    estimate = difference_in_differences(a_before, a_after, o_before, o_after)
    return EffectRow(region, kind, len(adopted), len(others), reference, a_before, a_after, o_before, o_after,
                     estimate)
