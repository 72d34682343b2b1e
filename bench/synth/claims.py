"""Synthetic claims through their whole life: filed, assigned, verified, decided and paid, with their audit events.

Each claim is first drawn (:class:`Draft`), then assessed by the service's steps, then written; the state it was
drawn for is where it stops. A claim drawn for a state past approval is drawn again until the assessment finds it
payable, so the states keep their shares; a claim the manager rejects gets the assessment's reason when it is not
payable (filed too late, not insured for the loss…), as in the service.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bench.synth.assess import Assessor, Draft, Line
from bench.synth.audit import Chain
from bench.synth.owners import OwnerRow
from bench.synth.world import SPAN_DAYS, World
from bench.synth.writer import Writer
from claims.enums import AgeClass, Confidence, LossOutcome, Predator, TimeOfDay
from claims.states import ClaimState
from payouts import breakdown
from payouts.engine import Assessment, Circumstances
from payouts.enums import BatchStatus, DecisionKind, PaymentKind, PaymentMethod, PaymentStatus, RejectReason
from verification.enums import AssignmentEnd, CarcassDisposal, RejectionReason, VerificationOutcome

# (state, weight, (min age, max age) of the claim in days since filing)
STATES = [
    (ClaimState.SUBMITTED, 4, (0, 3)),
    (ClaimState.UNDER_VERIFICATION, 5, (0, 12)),
    (ClaimState.VERIFIED, 4, (3, 30)),
    (ClaimState.REJECTED, 16, (6, SPAN_DAYS)),
    (ClaimState.APPROVED, 5, (10, 70)),
    (ClaimState.AWAITING_FUNDS, 1, (10, 90)),
    (ClaimState.IN_PAYMENT, 4, (20, 70)),
    (ClaimState.PAID, 57, (40, SPAN_DAYS)),
    (ClaimState.WITHDRAWN, 4, (1, SPAN_DAYS)),
]
STATE_LIST, STATE_WEIGHTS = [s for s, _w, _a in STATES], [w for _s, w, _a in STATES]
STATE_AGES = {s: a for s, _w, a in STATES}
APPROVED_STATES = (ClaimState.APPROVED, ClaimState.AWAITING_FUNDS, ClaimState.IN_PAYMENT, ClaimState.PAID)
DELAY_HOURS = [2, 8, 20, 30, 50, 70, 100, 160]  # incident to filing
ATTRIBUTED = [Predator.LEOPARD, Predator.SNOW_LEOPARD, Predator.WOLF]
MISTAKEN = [Predator.WOLF, Predator.DOG, Predator.UNKNOWN, Predator.JACKAL]  # the verifier rejects these claims
DISPOSALS = [d.value for d in CarcassDisposal]
REJECTIONS = [r.value for r in RejectionReason]
REDRAWS = 50  # a claim drawn for a state past approval is drawn again until it is payable
TABLES = ["claims", "loss_lines", "assignments", "verifications", "verified_loss_lines", "decisions", "awards",
          "payment_batches", "payments"]


@dataclass
class Plan:
    """A drawn claim on its way to ``state``: the draft, its timeline and the people who act on it."""

    draft: Draft
    state: ClaimState
    filed_at: datetime
    incident_at: datetime
    age: timedelta
    confirmed: bool
    verifier_id: int
    row: dict | None = None
    number: str = ""
    result: Assessment | None = None
    moments: dict = field(default_factory=dict)
    line_values: list = field(default_factory=list)  # [species, age class, outcome, count] per line, as stored

    def at(self, fraction: float) -> datetime:
        if fraction not in self.moments:
            self.moments[fraction] = (self.filed_at + self.age * fraction).replace(microsecond=0)
        return self.moments[fraction]


class ClaimMaker:
    def __init__(self, writer: Writer, chain: Chain, rnd: random.Random, now: datetime, world: World,
                 counters: dict, assessor: Assessor):
        self.w, self.chain, self.rnd, self.now, self.world = writer, chain, rnd, now, world
        self.counters, self.assessor = counters, assessor
        self.tables: dict[str, list] = defaultdict(list)
        self.batches: dict[tuple, int] = {}
        self.state_counts: dict[ClaimState, int] = defaultdict(int)

    # --- drawing -----------------------------------------------------------------------------------------------

    def claim(self, owner: OwnerRow, forced: ClaimState | None) -> None:
        state = forced or self.rnd.choices(STATE_LIST, STATE_WEIGHTS)[0]
        insured = owner.insured and (state == ClaimState.AWAITING_FUNDS or self.rnd.random() < 0.7)
        if state == ClaimState.AWAITING_FUNDS and not owner.insured:
            state = ClaimState.APPROVED
        claim_id = self.w.next_id("claims")
        plan = self._draw(claim_id, owner, state, insured)
        for _ in range(REDRAWS if state in APPROVED_STATES else 0):
            if self._assessed(plan).payable:
                break
            plan = self._draw(claim_id, owner, state, insured)
        self._write(plan)

    def _draw(self, claim_id: int, owner: OwnerRow, state: ClaimState, insured: bool) -> Plan:
        rnd, office = self.rnd, owner.office
        lo, hi = STATE_AGES[state]
        age = timedelta(days=rnd.uniform(lo, hi))
        filed_at = (self.now - age).replace(microsecond=0)
        incident_at = filed_at - timedelta(hours=rnd.choice(DELAY_HOURS) + rnd.randint(0, 5))
        night = rnd.random() < 0.7
        circumstances = Circumstances(TimeOfDay.NIGHT if night else TimeOfDay.DAY, rnd.random() < 0.4,
                                      rnd.random() < 0.3, rnd.random() < 0.25)
        location = (round(owner.lat + rnd.uniform(-0.05, 0.05), 5), round(owner.lon + rnd.uniform(-0.05, 0.05), 5))
        draft = Draft(claim_id, owner, office.scheme if insured else office.compensation,
                      incident_at.astimezone(office.tz).date(), filed_at.astimezone(office.tz).date(), location,
                      circumstances, self._lines(owner))
        confirmed = state != ClaimState.REJECTED or rnd.random() < 0.25  # some rejections are the manager's
        draft.predator = (rnd.choices(ATTRIBUTED, [70, 10, 20])[0] if confirmed else rnd.choice(MISTAKEN))
        draft.confidence = rnd.choice([Confidence.CONFIRMED, Confidence.PROBABLE]) if confirmed else Confidence.POSSIBLE
        return Plan(draft, state, filed_at, incident_at, age, confirmed, rnd.choice(office.verifier_ids))

    def _lines(self, owner: OwnerRow) -> list[Line]:
        rnd, pool = self.rnd, list(owner.herd) or [next(iter(owner.office.compensation.rates))[0]]
        return [Line(rnd.choice(pool), rnd.choice([AgeClass.ADULT, AgeClass.ADULT, AgeClass.YOUNG]),
                     rnd.choices([LossOutcome.KILLED, LossOutcome.INJURED, LossOutcome.MISSING], [80, 12, 8])[0],
                     rnd.choices([1, 2, 3, 4, 6, 10], [50, 22, 12, 8, 5, 3])[0])
                for _ in range(rnd.choices([1, 2, 3], [75, 20, 5])[0])]

    def _assessed(self, plan: Plan) -> Assessment:
        if plan.result is None:
            plan.result = self.assessor.assess(plan.draft)
        return plan.result

    # --- writing -----------------------------------------------------------------------------------------------

    def _write(self, plan: Plan) -> None:
        self._file(plan)
        state = plan.state
        if state == ClaimState.SUBMITTED:
            return self._stop(plan, state)
        if state == ClaimState.WITHDRAWN:
            self._move(plan, plan.at(0.01), self._clerk(plan), "withdraw", "submitted", "withdrawn",
                       reason="Owner found the animals alive.")
            return self._stop(plan, state)
        self._assign(plan)
        if state == ClaimState.UNDER_VERIFICATION:
            return self._stop(plan, state)
        self._verify(plan)
        if not plan.confirmed:
            return self._stop(plan, ClaimState.REJECTED)
        if state == ClaimState.VERIFIED:
            return self._stop(plan, state)
        self._decide(plan)

    def _stop(self, plan: Plan, state: ClaimState) -> None:
        plan.row["status"] = state.value
        self.state_counts[state] += 1

    def _clerk(self, plan: Plan) -> tuple[int, str]:
        return self.world.actor(plan.draft.owner.office.clerk_id)

    def _move(self, plan: Plan, when: datetime, who, action: str, before: str, after: str, data=None,
              reason=None) -> None:
        plan.row["status_changed_at"] = plan.row["updated_at"] = when
        self.chain.add(when, who, f"claim.{action}", ("claim", plan.draft.id, plan.number),
                       plan.draft.owner.office.id, changes={"status": [before, after]}, data=data, reason=reason)

    def _file(self, plan: Plan) -> None:
        d, office = plan.draft, plan.draft.owner.office
        year = d.filed_date.year
        seq = self.counters[(office.id, year)] = self.counters.get((office.id, year), 0) + 1
        plan.number = f"{office.country}-{office.short}-{year}-{seq:06d}"
        c, night = d.circumstances, d.circumstances.time_of_day == TimeOfDay.NIGHT
        due = plan.filed_at + timedelta(hours=d.programme.verification_sla_hours)
        plan.row = {
            "id": d.id, "number": plan.number, "pin": f"{self.rnd.randrange(10**6):06d}", "owner_id": d.owner.id,
            "programme_id": d.programme.id, "office_id": office.id, "filed_by_id": office.clerk_id,
            "status": plan.state.value, "status_changed_at": plan.filed_at, "incident_at": plan.incident_at,
            "incident_date": d.incident_date, "incident_lat": d.location[0], "incident_lon": d.location[1],
            "incident_village": d.owner.village, "time_of_day": c.time_of_day.value, "is_in_corral": c.is_in_corral,
            "is_herder_present": c.is_herder_present, "is_guard_dog_present": c.is_guard_dog_present,
            "narrative": "Found the animals killed at first light." if night else "Attacked while grazing.",
            "reported_at": plan.filed_at, "filed_at": plan.filed_at, "filed_date": d.filed_date,
            "updated_at": plan.filed_at, "verification_due_at": due, "assigned_verifier_id": None,
            "prior_verifier_id": None, "appealed_at": None}
        self.tables["claims"].append(plan.row)
        plan.line_values = [[ln.species.value, ln.age_class.value, ln.outcome.value, ln.count] for ln in d.lines]
        self.tables["loss_lines"] += self._line_rows("loss_lines", "claim_id", d.id, plan.line_values)
        self.chain.add(plan.filed_at, self._clerk(plan), "claim.submitted", ("claim", d.id, plan.number), office.id,
                       changes={"number": [None, plan.number], "status": [None, "submitted"],
                                "owner_id": [None, d.owner.id], "programme_id": [None, d.programme.id],
                                "incident_at": [None, plan.incident_at.isoformat()],
                                "lines": [None, plan.line_values]})

    def _line_rows(self, table: str, key: str, owner_id: int, values: list[list]) -> list[dict]:
        return [{"id": self.w.next_id(table), key: owner_id, "position": pos, "species": species,
                 "age_class": age_class, "outcome": outcome, "count": count}
                for pos, (species, age_class, outcome, count) in enumerate(values)]

    def _assign(self, plan: Plan) -> None:
        d, office = plan.draft, plan.draft.owner.office
        assigned_at = plan.at(0.05 if plan.state != ClaimState.UNDER_VERIFICATION else 0.2)
        plan.row["assigned_verifier_id"] = plan.verifier_id
        self.tables["assignments"].append({
            "id": self.w.next_id("assignments"), "claim_id": d.id, "verifier_id": plan.verifier_id,
            "assigned_by_id": office.clerk_id, "assigned_at": assigned_at,
            "due_at": plan.row["verification_due_at"], "ended_at": None, "end_reason": None, "round": 1})
        self._move(plan, assigned_at, self._clerk(plan), "assign", "submitted", "under_verification",
                   data={"verifier_id": plan.verifier_id})

    def _verify(self, plan: Plan) -> None:
        rnd, d, confirmed = self.rnd, plan.draft, plan.confirmed
        visited = plan.at(0.1)
        self.tables["assignments"][-1].update(ended_at=visited, end_reason=AssignmentEnd.VERIFIED.value)
        vid = self.w.next_id("verifications")
        self.tables["verifications"].append({
            "id": vid, "claim_id": d.id, "verifier_id": plan.verifier_id, "round": 1, "visited_at": visited,
            "visit_lat": d.location[0], "visit_lon": d.location[1], "recorded_at": visited, "has_carcass": True,
            "has_neck_bites": confirmed, "canine_spacing_mm": rnd.randint(32, 45) if confirmed else None,
            "has_claw_marks": confirmed and rnd.random() < 0.6, "has_drag_marks": rnd.random() < 0.4,
            "is_carcass_cached": confirmed and rnd.random() < 0.3, "has_tracks": rnd.random() < 0.7,
            "has_scat": rnd.random() < 0.2, "has_hair": rnd.random() < 0.2,
            "has_camera_trap_image": rnd.random() < 0.05, "predator": d.predator.value,
            "confidence": d.confidence.value, "time_of_day": None, "is_in_corral": None, "is_herder_present": None,
            "is_guard_dog_present": None,
            "carcass_disposal": rnd.choices(DISPOSALS, [50, 20, 25, 5])[0],
            "outcome": (VerificationOutcome.CONFIRMED if confirmed else VerificationOutcome.REJECTED).value,
            "rejection_reason": None if confirmed else rnd.choice(REJECTIONS), "notes": ""})
        self.tables["verified_loss_lines"] += self._line_rows("verified_loss_lines", "verification_id", vid,
                                                              plan.line_values)
        action, after = ("verify_confirm", "verified") if confirmed else ("verify_reject", "rejected")
        self._move(plan, visited, self.world.actor(plan.verifier_id), action, "under_verification", after)

    def _decide(self, plan: Plan) -> None:
        """The manager's decision: the assessment decides what an approval is for, or why it cannot be one."""
        result = self._assessed(plan)
        if not result.payable:
            return self._reject(plan, _reason_code(result.reasons), "")
        if plan.state == ClaimState.REJECTED:
            return self._reject(plan, RejectReason.INSUFFICIENT_EVIDENCE, "Evidence does not support the claim.")
        self._approve(plan, result)
        if plan.state == ClaimState.AWAITING_FUNDS:
            money = {"total": breakdown.money_str(result.total, result.currency), "currency": result.currency}
            self._move(plan, plan.at(0.2), self._manager(plan), "await_funds", "approved", "awaiting_funds",
                       data=money)
        if plan.state in (ClaimState.IN_PAYMENT, ClaimState.PAID):
            self._pay(plan, result)
        self._stop(plan, plan.state)

    def _manager(self, plan: Plan, second: bool = False) -> tuple[int, str]:
        return self.world.actor(plan.draft.owner.office.manager_ids[1 if second else 0])

    def _decision(self, plan: Plan, kind: DecisionKind, note: str, reason: RejectReason | None, total) -> None:
        self.tables["decisions"].append({
            "id": self.w.next_id("decisions"), "claim_id": plan.draft.id, "kind": kind.value,
            "manager_id": self._manager(plan)[0], "decided_at": plan.at(0.2), "note": note,
            "reason_code": reason.value if reason else None, "total": total,
            "currency": plan.draft.programme.currency, "is_final": True, "superseded_at": None})

    def _reject(self, plan: Plan, code: RejectReason, note: str) -> None:
        self._decision(plan, DecisionKind.REJECT, note, code, None)
        self._move(plan, plan.at(0.2), self._manager(plan), "reject", "verified", "rejected",
                   reason=note or str(code.title), data={"reason_code": code.value})
        self._stop(plan, ClaimState.REJECTED)

    def _approve(self, plan: Plan, result: Assessment) -> None:
        d, decided = plan.draft, plan.at(0.2)
        self._decision(plan, DecisionKind.APPROVE, "", None, result.total)
        due_on = decided.astimezone(d.owner.office.tz).date() + timedelta(days=d.programme.payment_sla_days)
        self.tables["awards"].append({
            "id": self.w.next_id("awards"), "claim_id": d.id, "programme_id": d.programme.id,
            "owner_id": d.owner.id, "incident_date": d.incident_date, "currency": result.currency,
            "total": result.total, "breakdown": self.assessor.frozen(result), "approved_at": decided,
            "approved_by_id": self._manager(plan)[0], "due_on": due_on})
        self.assessor.approve(d, result.total)
        self._move(plan, decided, self._manager(plan), "approve", "verified", "approved",
                   data={"total": breakdown.money_str(result.total, result.currency), "currency": result.currency,
                         "due_on": due_on.isoformat()})

    def _batch(self, plan: Plan, paid: bool) -> int:
        """The month's batch of the programme (one for paid claims, one still in payment)."""
        programme, batched = plan.draft.programme, plan.at(0.3)
        key = (programme.id, batched.year, batched.month, paid)
        if key in self.batches:
            return self.batches[key]
        batch_id = self.batches[key] = self.w.next_id("payment_batches")
        manager, second = self._manager(plan), self._manager(plan, second=True)
        self.tables["payment_batches"].append({
            "id": batch_id, "programme_id": programme.id, "currency": programme.currency,
            "status": (BatchStatus.CLOSED if paid else BatchStatus.APPROVED).value, "note": f"{batched:%B %Y}",
            "created_at": batched, "created_by_id": manager[0], "approved_at": batched + timedelta(days=1),
            "approved_by_id": second[0], "exported_at": batched + timedelta(days=1),
            "closed_at": plan.at(0.5) if paid else None})
        self.chain.add(batched, manager, "payment_batch.created", ("payment_batch", batch_id, f"#{batch_id}"), None,
                       data={"programme": programme.id})
        return batch_id

    def _pay(self, plan: Plan, result: Assessment) -> None:
        d, paid = plan.draft, plan.state == ClaimState.PAID
        batch_id, reference, settled = self._batch(plan, paid), f"{plan.number}-F1", plan.at(0.5)
        second = self._manager(plan, second=True)
        self.tables["payments"].append({
            "id": self.w.next_id("payments"), "claim_id": d.id, "batch_id": batch_id, "kind": PaymentKind.FINAL.value,
            "status": (PaymentStatus.CONFIRMED if paid else PaymentStatus.SENT).value, "reference": reference,
            "currency": result.currency, "principal": result.total, "interest": 0, "interest_days": 0,
            "amount": result.total, "method": PaymentMethod.MOBILE_MONEY.value, "payee_name": d.owner.name,
            "payee_account": d.owner.phone, "created_at": plan.at(0.3), "created_by_id": self._manager(plan)[0],
            "external_reference": f"BANK-{d.id}" if paid else None, "paid_at": settled if paid else None,
            "settled_at": settled if paid else None, "settled_by_id": second[0] if paid else None,
            "failure_reason": None})
        self._move(plan, plan.at(0.3), self._manager(plan), "add_to_batch", "approved", "in_payment",
                   data={"batch": batch_id, "reference": reference})
        # The consistency check (audit verify) compares each payment with its events: record them as the service does.
        sent = {"reference": reference, "amount": str(result.total), "currency": result.currency}
        self.chain.add(plan.at(0.3) + timedelta(days=1), second, "claim.payment_sent", ("claim", d.id, plan.number),
                       d.owner.office.id, data={"batch": batch_id, **sent, "interest": "0"})
        if paid:
            self._move(plan, settled, second, "pay", "in_payment", "paid", data=sent)

    def take(self) -> list[tuple[str, list]]:
        """Hand over the rows built so far, in an order that satisfies the foreign keys, audit events last."""
        out = [(name, self.tables.pop(name, [])) for name in TABLES]
        return [*out, ("audit_events", self.chain.take())]


def _reason_code(reasons: tuple[str, ...]) -> RejectReason:
    """The reject reason that names the assessment's first reason ("other" for one without its own code)."""
    codes = {r.value for r in RejectReason}
    return next((RejectReason(r) for r in reasons if r in codes), RejectReason.OTHER)
