"""The insurance demo's events, replayed in calendar order: enrolments, premiums, grants, decisions, top-ups,
batches, a poaching violation, and at the end a surplus kill that waits for funds (see ``insurance.demo``).
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from claims.enums import AgeClass, LossOutcome, Species, TimeOfDay
from claims.models import Owner
from claims.operations import submit_claim
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.errors import DomainError
from conflict_service.i18n import round_money
from conflict_service.timeutil import clock_at
from insurance import operations, queries
from insurance.ledger import balances, fund_of
from insurance.models import Policy
from payouts import assessment
from payouts import operations as payout_ops
from payouts.enums import PaymentMethod, PaymentStatus, RejectReason
from payouts.models import Payment
from verification.operations import assign_verifier, record_verification
from verification.schemas import VerificationCreateSchema

QUIET = timedelta(days=25)  # no donor money and no premium in the last weeks: the fund runs short
TOP_UP_AFTER = timedelta(days=6)
BATCH_EVERY = timedelta(days=14)
DONORS = ["Snow Leopard Trust", "WWF Armenia", "Foundation for the Preservation of Wildlife and Cultural Assets"]
REASONS = {"not_insured": RejectReason.NOT_INSURED, "not_covered": RejectReason.NOT_COVERED,
           "late_report": RejectReason.LATE_REPORT, "excluded_zone": RejectReason.EXCLUDED_ZONE}


@dataclass
class Simulation:
    rng: random.Random
    users: dict
    scheme: object
    now: datetime
    queue: list = field(default_factory=list)
    batches: list = field(default_factory=list)
    decided: set = field(default_factory=set)
    top_up_pending: bool = False
    violators: set = field(default_factory=set)
    _order: itertools.count = field(default_factory=itertools.count)

    @property
    def quiet_from(self) -> datetime:
        return self.now - QUIET

    def at(self, moment: datetime, kind: str, payload=None) -> None:
        heapq.heappush(self.queue, (moment, next(self._order), kind, payload))

    def run(self) -> None:
        while self.queue:
            moment, _n, kind, payload = heapq.heappop(self.queue)
            with clock_at(moment):
                getattr(self, f"_on_{kind}")(moment, payload)

    # --- planning ---------------------------------------------------------------------------------------------

    def plan_grants(self, seasons) -> None:
        """A launch grant with the first season; later, donors top the fund up when claims wait for money."""
        moment = datetime(seasons[0].starts_on.year, 1, 15, 8, tzinfo=self.now.tzinfo)
        if moment < self.quiet_from:
            self.at(moment, "grant", (seasons[0], Decimal(100_000), DONORS[0]))

    def plan_decisions(self, claims) -> None:
        """A decision a few days after the verification; the newest claims still wait in the queue."""
        for claim in claims:
            moment = claim.status_changed_at + timedelta(days=self.rng.uniform(0.5, 5))
            # one in twelve waits, among the claims verified this month (none for a year: the queue is worked)
            if moment < self.now - timedelta(hours=3) and (self.rng.random() < 0.92
                                                           or moment < self.now - timedelta(days=30)):
                self.decided.add(claim.id)
                self.at(moment, "decide", claim)

    def plan_batches(self, first_day) -> None:
        moment = datetime(first_day.year, first_day.month, first_day.day, 7, tzinfo=self.now.tzinfo) + BATCH_EVERY
        while moment < self.now - timedelta(days=4):
            self.at(moment, "batch")
            moment += BATCH_EVERY

    def plan_violation(self, claims, enrolments: dict) -> None:
        """The newest decided claim of an owner enrolled well before it: a violation recorded a week before it."""
        for claim in reversed([c for c in claims if c.id in self.decided]):
            season_id = _season_of(enrolments, claim)
            if season_id is None:
                continue
            day = claim.incident_date - timedelta(days=7)
            if day > enrolments[(claim.owner_id, season_id)][0]:
                self.violators.add(claim.owner_id)
                self.at(_at(day + timedelta(days=1), 10), "violation", (claim.owner_id, season_id, day))
                return

    # --- events -----------------------------------------------------------------------------------------------

    def _on_enrol(self, moment, payload) -> None:
        owner, season, lines = payload
        data = {"owner_id": owner.id, "season_id": season.id, "lines": lines,
                "agreement_signed_on": moment.date() - timedelta(days=self.rng.randint(0, 3))}
        policy = operations.enrol(data, self.users["clerk_am"])
        roll, due = self.rng.random(), policy.premium_due
        first = moment + timedelta(hours=self.rng.uniform(1, 60))
        if roll < 0.65:
            self.at(first, "premium", (policy, due))
        else:
            half = round_money(due / 2, self.scheme.currency)
            self.at(first, "premium", (policy, half))
            if roll < 0.85:  # the rest after the spring; the others are still in arrears
                self.at(first + timedelta(days=self.rng.uniform(30, 90)), "premium", (policy, due - half))

    def _on_premium(self, moment, payload) -> None:
        policy, amount = payload
        if moment >= self.quiet_from or amount <= 0:
            return  # not paid yet: in arrears
        method = PaymentMethod.MOBILE_MONEY if self.rng.random() < 0.3 else PaymentMethod.CASH
        reference = f"IDRAM{self.rng.randint(10**6, 10**7 - 1)}" if method == PaymentMethod.MOBILE_MONEY else None
        operations.record_premium(policy, {"amount": amount, "paid_on": moment.date(), "method": method,
                                           "reference": reference}, self.users["clerk_am"])

    def _on_grant(self, moment, payload) -> None:
        season, amount, donor = payload
        operations.contribute(self.scheme, {"amount": amount, "received_on": moment.date(), "donor": donor,
                                            "season_id": season.id, "reference": f"GRANT-{season.name}",
                                            "note": "Season grant"}, self.users["manager_am"])

    def _on_decide(self, moment, claim) -> None:
        result = assessment.live(claim)
        manager = self.users["manager_am"]
        if not result.payable:
            reason = next((REASONS[r] for r in result.reasons if r in REASONS), None)
            # a few of this month's wait for the manager; older ones were rejected when they came up
            if reason is not None and (self.rng.random() < 0.85 or moment < self.now - timedelta(days=30)):
                payout_ops.reject_claim(claim, {"reason_code": reason, "note": ""}, manager)
            return
        payout_ops.approve_claim(claim, {"note": ""}, manager)
        if claim.status == ClaimState.AWAITING_FUNDS and not self.top_up_pending \
                and moment + TOP_UP_AFTER < self.quiet_from:
            self.top_up_pending = True
            self.at(moment + TOP_UP_AFTER, "top_up")

    def _on_top_up(self, moment, _payload) -> None:
        """A donor answers the fund's call: exactly what the waiting claims need, rounded up to 10,000."""
        self.top_up_pending = False
        needed = sum((w.award.total for w in queries.awaiting_funds(self.scheme.id)), Decimal(0))
        short = needed - balances(fund_of(self.scheme.id)).available
        if short > 0:
            amount = Decimal(math.ceil(short / 10_000) * 10_000)
            operations.contribute(self.scheme, {"amount": amount, "received_on": moment.date(),
                                                "donor": self.rng.choice(DONORS), "note": "Top-up for claims "
                                                "awaiting funds"}, self.users["manager_am"])

    def _on_batch(self, moment, _payload) -> None:
        try:
            batch = payout_ops.build_batch({"programme_id": self.scheme.id}, self.users["manager_am"])
        except DomainError:
            return  # nothing approved since the last batch
        self.batches.append(batch)
        self.at(moment + timedelta(hours=self.rng.uniform(2, 20)), "send", batch)

    def _on_send(self, moment, batch) -> None:
        payout_ops.approve_batch(batch, self.users["manager2_am"])
        payout_ops.payment_file(batch, self.users["manager2_am"])
        paid_at = moment + timedelta(days=self.rng.uniform(1, 4))
        if paid_at < self.now - timedelta(hours=2):
            self.at(paid_at, "confirm", batch)

    def _on_confirm(self, moment, batch) -> None:
        for payment in db.session.scalars(sa.select(Payment).where(Payment.batch_id == batch.id,
                                                                   Payment.status == PaymentStatus.SENT)):
            payout_ops.confirm_payment(payment, {"reference": f"ACBA{self.rng.randint(10**7, 10**8 - 1)}",
                                                 "paid_at": moment}, self.users["manager_am"])

    def _on_violation(self, moment, payload) -> None:
        owner_id, season_id, day = payload
        policy = db.session.scalar(sa.select(Policy).where(Policy.owner_id == owner_id, Policy.season_id == season_id))
        if policy is not None and day >= policy.agreement_signed_on:
            operations.record_violation(policy, {"occurred_on": day, "note": "Snares found on the owner's pasture "
                                                 "by the rangers; confirmed by the village committee."},
                                        self.users["manager_am"])


def _at(day, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _season_of(enrolments: dict, claim):
    for (owner_id, season_id), (day, _lines) in enrolments.items():
        if owner_id == claim.owner_id and day.year == claim.incident_date.year and day < claim.incident_date:
            return season_id
    return None


def surplus_kill(sim: Simulation, enrolments: dict) -> None:
    """A leopard got into a corral two nights ago and killed many sheep: verified, approved, waiting for funds."""
    candidates = [(owner_id, season_id, lines) for (owner_id, season_id), (day, lines) in enrolments.items()
                  if owner_id not in sim.violators and day < (sim.now - timedelta(days=4)).date()
                  and day.year == sim.now.year]
    sheep = [(next((ln["head_count"] for ln in lines if ln["species"] == Species.SHEEP), 0), o, s)
             for o, s, lines in candidates]
    if not sheep:
        return
    insured, owner_id, _season_id = max(sheep)
    available = balances(fund_of(sim.scheme.id)).available
    per_head = Decimal(48_000)  # an adult sheep at 60,000 × 80 % coverage
    count = max(3, min(insured, math.ceil((available + 2_000 + 1) / per_head)))
    claim = _file(sim, owner_id, count)
    if claim is None:
        return
    try:
        with clock_at(sim.now - timedelta(hours=3)):
            payout_ops.approve_claim(claim, {"note": "Surplus kill inside the corral; the committee confirmed."},
                                     sim.users["manager_am"])
    except DomainError:
        pass  # more than the policy still insures: it stays in the approval queue, not payable


def _file(sim: Simulation, owner_id: int, count: int):
    owner = db.session.get(Owner, owner_id)
    incident, users = sim.now - timedelta(days=2, hours=3), sim.users
    data = {"owner_id": owner.id, "programme_id": sim.scheme.id, "incident_at": incident,
            "incident_lat": owner.home_lat, "incident_lon": owner.home_lon, "incident_village": owner.village,
            "time_of_day": TimeOfDay.NIGHT, "is_in_corral": True, "is_herder_present": False,
            "is_guard_dog_present": True, "narrative": "The leopard got into the stone corral at night and killed "
            "sheep after sheep; the dogs drove it off at dawn.",
            "lines": [{"species": Species.SHEEP, "age_class": AgeClass.ADULT, "outcome": LossOutcome.KILLED,
                       "count": count}]}
    try:
        with clock_at(incident + timedelta(hours=10)):
            claim, _ = submit_claim(data, users["clerk_am"])
        with clock_at(incident + timedelta(hours=12)):
            assign_verifier(claim, {"verifier_id": users["verifier_am"].id}, users["clerk_am"])
        visited = incident + timedelta(hours=30)
        with clock_at(visited + timedelta(hours=2)):
            record_verification(claim, VerificationCreateSchema().load(_visit(visited, count)), users["verifier_am"])
    except DomainError:
        return None
    return claim


def _visit(visited: datetime, count: int) -> dict:
    return {"visited_at": visited.isoformat(), "predator": "leopard", "confidence": "probable",  # no photo taken
            "outcome": "confirmed", "has_carcass": True, "has_neck_bites": True, "canine_spacing_mm": 42,
            "has_tracks": True, "carcass_disposal": "buried", "notes": "Tracks in the corral mud; throat bites.",
            "lines": [{"species": "sheep", "age_class": "adult", "outcome": "killed", "count": count}]}
