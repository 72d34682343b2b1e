"""Demo step of payouts: rules and rate tables for the two demo programmes, then decisions and payments.

It works on whatever verified claims exist when it runs (the verification step may or may not have made
some). Events are replayed in calendar order with ``clock_at``: approvals (two managers above the
threshold), a batch every two weeks approved by the other manager, most payments confirmed by hand or
from a bank statement, a few failed and paid later. The newest batch is left sent but unconfirmed, one
waits for approval, a few claims wait for a second approval, and a few approved claims are never batched,
so the overdue list has something to show. Claims of the Armenian insurance scheme are left to the insurance
demo step (``insurance.demo``), which pays them from the scheme's fund. The Herat office's programme, when the
claims step made one, follows the same course in afghanis after Iran's, with its own random sequence and managers;
its owners are paid by mobile money (M-Paisa, HesabPay), a few to a bank account.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from claims import rule_changes
from claims.enums import AgeClass, Species
from claims.models import Claim
from claims.operations import update_programme
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.errors import DomainError
from conflict_service.timeutil import clock_at, utcnow
from payouts import assessment, operations
from payouts.enums import PaymentMethod, PaymentStatus, RejectReason
from payouts.models import Payment

# (species, age): amount per head. Iran raises its rates each Nowruz; Armenia's scheme pays in drams.
IR_RATES = {
    date(2024, 3, 20): {"sheep": (38_000_000, 16_000_000), "goat": (30_000_000, 12_000_000),
                        "cattle": (300_000_000, 120_000_000), "donkey": (90_000_000, 40_000_000),
                        "horse": (400_000_000, 150_000_000), "camel": (500_000_000, 200_000_000),
                        "dog": (20_000_000, 8_000_000)},
    date(2025, 3, 21): {"sheep": (45_000_000, 20_000_000), "goat": (35_000_000, 15_000_000),
                        "cattle": (350_000_000, 140_000_000), "donkey": (100_000_000, 45_000_000),
                        "horse": (450_000_000, 180_000_000), "camel": (600_000_000, 250_000_000),
                        "dog": (25_000_000, 10_000_000)},
}
AM_RATES = {date(2024, 1, 1): {"sheep": (60_000, 25_000), "goat": (45_000, 18_000), "cattle": (450_000, 180_000),
                               "donkey": (120_000, 50_000), "horse": (500_000, 200_000), "dog": (30_000, 12_000)}}
# Herat's rates in afghanis, from each Hamal 1 (Nawroz), as the provincial council approves them.
AF_RATES = {
    date(2024, 3, 20): {"sheep": (6_000, 2_500), "goat": (5_000, 2_000), "cattle": (45_000, 18_000),
                        "donkey": (12_000, 5_000), "horse": (50_000, 20_000), "camel": (70_000, 30_000),
                        "dog": (3_000, 1_200)},
    date(2025, 3, 21): {"sheep": (6_500, 2_800), "goat": (5_500, 2_200), "cattle": (50_000, 20_000),
                        "donkey": (13_000, 5_500), "horse": (55_000, 22_000), "camel": (75_000, 32_000),
                        "dog": (3_500, 1_500)},
}
AF_RULES = {"dual_approval_threshold": Decimal(30_000), "household_annual_cap": Decimal(200_000),
            "payment_sla_days": 30}
AF_BANK = "بانک بین‌المللی افغانستان"  # the few owners paid to a bank account
IR_RULES = {"dual_approval_threshold": Decimal(150_000_000), "household_annual_cap": Decimal(1_500_000_000),
            "advance_pct": Decimal(25), "late_interest_pct_per_year": Decimal(18), "payment_sla_days": 30}
REASON_FOR = {"not_covered": RejectReason.NOT_COVERED, "late_report": RejectReason.LATE_REPORT,
              "excluded_zone": RejectReason.EXCLUDED_ZONE, "household_cap_reached": RejectReason.HOUSEHOLD_CAP_REACHED}
BATCH_EVERY = timedelta(days=14)
UNCONFIRMED = timedelta(days=17)  # from here on, approvals wait for the last two batches


@dataclass
class Plan:
    rng: random.Random
    managers: tuple
    approvals: list[tuple[datetime, Claim]] = field(default_factory=list)
    forgotten: set[int] = field(default_factory=set)
    batches: list = field(default_factory=list)

# What managers write, in their office's language.
SECOND_LOOK = {"IR": "عکس‌ها و گزارش کارشناس بازدید بررسی شد.", "AM": "Ստուգվեցին լուսանկարները և ստուգողի զեկույցը։",
               "AF": "عکس‌ها و گزارش بازدید ساحوی دیده شد."}
WALLET_NOT_REGISTERED = {"IRR": "کیف پول همراه به نام این شماره ثبت نشده است.",
                         "AMD": "Բջջային դրամապանակը գրանցված չէ այս համարով։",
                         "AFN": "برای این شمارهٔ تیلفون حساب پول موبایلی ثبت نشده است."}
# A transfer the bank sends back: in Iran (Paya) most often a Sheba number whose holder is not the payee.
BANK_RETURNED = {"IRR": "شمارهٔ شبا به نام دریافت‌کننده نیست؛ بانک مبلغ را برگرداند.",
                 "AMD": "Հաշվեհամարը չի համապատասխանում ստացողի անվանը։ Բանկը վերադարձրեց գումարը։",
                 "AFN": "شمارهٔ حساب به نام گیرنده نیست؛ بانک پول را دوباره برگرداند."}
# Iran's programme pays into the owners' bank accounts by their Sheba number (IBAN), most at the agricultural bank,
# where herders keep their accounts (its three-digit code in the Sheba number); mobile money is not how Iran pays.
IR_BANKS = (("بانک کشاورزی", "016"), ("بانک ملی ایران", "017"))
RATES_NOTE = {"IRR": "نرخ‌های سال", "AMD": "Տարվա դրույքաչափերը", "AFN": "نرخ‌های سال، منظورشدهٔ شورای ولایتی"}
# A payment statement, by currency and how its payments went: (file name, the sender's reference prefix). Iran's
# programme pays every transfer from its account at Bank Melli; Herat's sends mobile money through HesabPay and bank
# transfers from Afghanistan International Bank, each with its own statement.
STATEMENTS = {("IRR", PaymentMethod.BANK): ("melli-statement", "MELLI"),
              ("IRR", PaymentMethod.MOBILE_MONEY): ("melli-statement", "MELLI"),
              ("AFN", PaymentMethod.MOBILE_MONEY): ("hesabpay-statement", "HP"),
              ("AFN", PaymentMethod.BANK): ("aib-statement", "AIB")}
UNKNOWN_ROW = {"IRR": "IR-DRG", "AFN": "AF-HRC"}  # an unknown row's claim number prefix

def load(context: dict) -> None:
    users, programmes = context["users"], context["programmes"]
    ir, am = programmes["IR-RKH-DRG"], programmes["AM-SU-KPN"]
    _rules_and_rates(ir, am, users)
    _sheba_accounts(context["owners"]["IR-RKH-DRG"], users["clerk_ir"], random.Random(context["seed"] + 24))
    plan = Plan(random.Random(context["seed"] + 4), (users["manager_ir"], users["manager2_ir"]))
    _decide(plan, _verified(ir))
    _pay(plan, ir)
    context["batches"] = plan.batches
    if "AF-HRT-HRC" in programmes:
        context["batches"] += _herat(context, programmes["AF-HRT-HRC"])


def _herat(context: dict, af) -> list:
    """The Herat office's rules, rates, decisions and batches, built and approved by its two managers."""
    users = context["users"]
    manager, second = users["manager_af"], users["manager2_af"]
    _rules(af, AF_RULES, min(AF_RATES), manager, second)
    _rates(af, AF_RATES, manager, second)
    rng = random.Random(context["seed"] + 14)
    opened = datetime.combine(min(AF_RATES), datetime.min.time(), utcnow().tzinfo) - timedelta(days=20)
    for owner in rng.sample(context["owners"]["AF-HRT-HRC"], 3):
        with clock_at(opened):
            operations.set_payout_account(owner, {"method": PaymentMethod.BANK, "bank_name": AF_BANK,
                                                  "account_number": f"{rng.randint(10**11, 10**12 - 1)}"},
                                          users["clerk_af"])
    plan = Plan(rng, (manager, second))
    _decide(plan, _verified(af))
    _pay(plan, af)
    return plan.batches


def _sheba_accounts(owners, clerk, rng: random.Random) -> None:
    """Iran's owners give the clerk their bank's Sheba number when they are registered."""
    for owner in owners:
        bank, code = IR_BANKS[0] if rng.random() < 0.75 else IR_BANKS[1]
        with clock_at(owner.created_at + timedelta(minutes=5)):
            operations.set_payout_account(owner, {"method": PaymentMethod.BANK, "bank_name": bank,
                                                  "account_number": sheba(code, rng)}, clerk)


def sheba(bank_code: str, rng: random.Random) -> str:
    """An Iranian IBAN (Sheba number): IR, two check digits (ISO 13616: mod 97), 0, the bank's code, 18 digits."""
    bban = f"0{bank_code}{rng.randint(0, 10**18 - 1):018d}"
    check = 98 - int(f"{bban}182700") % 97  # I = 18, R = 27
    return f"IR{check:02d}{bban}"


def _rules(programme, rules: dict, first: date, manager, second) -> None:
    first -= timedelta(days=30)
    with clock_at(datetime(first.year, first.month, first.day, 9, tzinfo=utcnow().tzinfo)):
        update_programme(programme, rules, manager)
        for change in rule_changes.pending(programme):  # money rules apply once a second manager confirms them
            rule_changes.confirm(change, second)


def _rules_and_rates(ir, am, users) -> None:
    _rules(ir, IR_RULES, min(IR_RATES), users["manager_ir"], users["manager2_ir"])
    _rates(ir, IR_RATES, users["manager_ir"], users["manager2_ir"])
    _rates(am, AM_RATES, users["manager_am"], users["manager2_am"])


def _rates(programme, table: dict, manager, second) -> None:
    for valid_from, amounts in sorted(table.items()):
        entries = [{"species": Species(s), "age_class": age, "amount": Decimal(v), "valid_from": valid_from}
                   for s, pair in amounts.items() for age, v in zip((AgeClass.ADULT, AgeClass.YOUNG), pair,
                                                                     strict=True)]
        recorded = datetime(valid_from.year, valid_from.month, valid_from.day, 8, tzinfo=utcnow().tzinfo) \
            - timedelta(days=10)
        with clock_at(min(recorded, utcnow())):
            version = operations.record_rates(programme, {"entries": entries,
                                                          "note": RATES_NOTE[programme.currency]}, manager,
                                              source="demo")
            operations.confirm_rates(version, second)  # rates are money rules: a second manager confirms


def _verified(programme) -> list[Claim]:
    stmt = (sa.select(Claim).where(Claim.programme_id == programme.id, Claim.status == ClaimState.VERIFIED)
            .order_by(Claim.status_changed_at, Claim.id))
    return list(db.session.scalars(stmt))


def _decide(plan: Plan, claims: list[Claim]) -> None:
    """Approve most payable claims a few days after verification; reject most of the others."""
    now, assessed = utcnow(), assessment.live_many(claims)
    for claim in claims:
        result = assessed.get(claim.id)
        when = min(claim.status_changed_at + timedelta(days=plan.rng.uniform(0.5, 6)), now - timedelta(hours=2))
        recent = claim.status_changed_at > now - timedelta(days=25)
        if result is None or when > now - timedelta(hours=3) or (recent and plan.rng.random() < 0.4):
            continue  # stays in the approval queue
        if not result.payable:
            reason = next((REASON_FOR[r] for r in result.reasons if r in REASON_FOR), None)
            if reason is not None:
                with clock_at(when):
                    operations.reject_claim(claim, {"reason_code": reason, "note": ""}, plan.managers[0])
            continue
        plan.approvals.append((when, claim))
    plan.approvals.sort(key=lambda item: item[0])
    # approved a month or three ago and never batched: overdue for payment by weeks, as an office may let slip
    old = [c for t, c in plan.approvals if now - timedelta(days=120) < t < now - timedelta(days=45)]
    plan.forgotten = {c.id for c in plan.rng.sample(old, min(3, len(old)))}


def _approve(plan: Plan, when: datetime, claim: Claim, *, final: bool = True) -> None:
    first, second = plan.managers if plan.rng.random() < 0.6 else plan.managers[::-1]
    try:
        with clock_at(when):
            result = operations.approve_claim(claim, {"note": ""}, first)
        if result.awaiting_second and final:
            with clock_at(min(when + timedelta(hours=plan.rng.uniform(3, 40)), utcnow() - timedelta(hours=1))):
                operations.approve_claim(claim, {"note": SECOND_LOOK[claim.office.country_code]}, second)
    except DomainError:
        pass  # e.g. the household cap was reached meanwhile: it stays in the queue for a decision


def _pay(plan: Plan, programme) -> None:
    """A confirmed batch every two weeks; then one sent three days ago, not yet confirmed; then one to approve."""
    now = utcnow()
    if not plan.approvals:
        return
    pending, moment = list(plan.approvals), plan.approvals[0][0] + BATCH_EVERY
    while moment < now - UNCONFIRMED:
        _approve_until(plan, pending, moment)
        _batch(plan, programme, moment, confirm=True)
        moment += BATCH_EVERY
    sent_at = now - timedelta(days=3)
    _approve_until(plan, pending, sent_at)
    _batch(plan, programme, sent_at, confirm=False)
    _advances(plan, programme)
    for when, claim in pending:  # the newest approvals: some still wait for their second approval
        _approve(plan, when, claim, final=plan.rng.random() < 0.5)
    with clock_at(now - timedelta(hours=1)):
        _build(plan, programme)


def _approve_until(plan: Plan, pending: list, moment: datetime) -> None:
    while pending and pending[0][0] < moment:
        _approve(plan, *pending.pop(0))


def _build(plan: Plan, programme):
    ids = [c.id for c in db.session.scalars(sa.select(Claim).where(
        Claim.programme_id == programme.id, Claim.status == ClaimState.APPROVED)) if c.id not in plan.forgotten]
    ids += list(db.session.scalars(sa.select(Payment.claim_id).join(Claim, Claim.id == Payment.claim_id).where(
        Claim.programme_id == programme.id, Payment.batch_id.is_(None), Payment.status == PaymentStatus.PENDING)))
    if not ids:
        return None
    builder = plan.managers[len(plan.batches) % 2]
    batch = operations.build_batch({"programme_id": programme.id, "claim_ids": sorted(set(ids))}, builder)
    plan.batches.append(batch)
    return batch


def _batch(plan: Plan, programme, moment: datetime, *, confirm: bool) -> None:
    with clock_at(moment):
        batch = _build(plan, programme)
    if batch is None:
        return
    approver = next(m for m in plan.managers if m.id != batch.created_by_id)
    with clock_at(moment + timedelta(hours=plan.rng.uniform(3, 30))):
        operations.approve_batch(batch, approver)
        operations.payment_file(batch, approver)
    if not confirm:
        return  # sent, not yet confirmed: its claims are in payment
    paid_at = moment + timedelta(days=plan.rng.uniform(2, 5))
    if len(plan.batches) % 3 == 0:
        _reconcile(plan, batch, paid_at, approver)
        return
    for payment in db.session.scalars(sa.select(Payment).where(Payment.batch_id == batch.id)):
        with clock_at(paid_at + timedelta(hours=1)):
            if plan.rng.random() < 0.06:
                reason = (BANK_RETURNED if payment.method == PaymentMethod.BANK else WALLET_NOT_REGISTERED)
                operations.fail_payment(payment, {"reason": reason[payment.currency]}, approver)
            else:
                operations.confirm_payment(payment, {"reference": f"TRX{plan.rng.randint(10**7, 10**8 - 1)}",
                                                     "paid_at": paid_at}, approver)


def _reconcile(plan: Plan, batch, paid_at: datetime, manager) -> None:
    """Confirm one batch in three from the statements of the accounts it was paid from (one per account), the first
    with one unknown row as banks send them."""
    payments = list(db.session.scalars(sa.select(Payment).where(Payment.batch_id == batch.id)))
    day = paid_at.date().isoformat()
    by_statement: dict[tuple[str, str], list[Payment]] = {}
    for payment in payments:
        by_statement.setdefault(STATEMENTS[batch.currency, payment.method], []).append(payment)
    for n, ((name, sender), listed) in enumerate(sorted(by_statement.items())):
        lines = ["reference,amount,date,bank_reference"]
        lines += [f"{p.reference},{p.amount.normalize():f},{day},{sender}{plan.rng.randint(10**6, 10**7 - 1)}"
                  for p in listed]
        if n == 0:
            lines.append(f"{UNKNOWN_ROW[batch.currency]}-{paid_at.year}-999999-F1,1000000,{day},{sender}0000001")
        with clock_at(paid_at + timedelta(days=1, minutes=10 * n)):
            operations.reconcile(f"{name}-{day}.csv", ("\n".join(lines) + "\n").encode(), manager)


def _advances(plan: Plan, programme) -> None:
    """A few recently verified claims get the programme's advance before their approval."""
    queue = [c for c in db.session.scalars(sa.select(Claim).where(Claim.status == ClaimState.VERIFIED,
                                                                  Claim.programme_id == programme.id)
                                           .order_by(Claim.status_changed_at)) if c.programme.advance_pct > 0]
    for claim in queue[-3:]:
        when = min(claim.status_changed_at + timedelta(hours=6), utcnow() - timedelta(hours=6))
        try:
            with clock_at(when):
                operations.grant_advance(claim, plan.managers[1])
        except DomainError:
            continue
