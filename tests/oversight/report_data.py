"""A fixed dataset for the report tests: claims in known states, visits, approvals and payments at known times.

IR programme (verification deadline 72 h, payment deadline 30 days), every claim filed 2026-03-01 00:00 UTC:

| claim | verified after | losses (verified)     | predator | approved   | paid                                 |
| A     | 10 h           | 2 sheep + 2 goat      | leopard  | 03-05      | final 1000 on 03-15 (10 days)        |
| B     | 20 h           | 1 cattle              | leopard  | 03-05      | final 2000 on 03-25 (20 days)        |
| C     | 30 h           | 3 sheep               | leopard  | 03-05      | final 3000 on 04-14 (40 days)        |
| D     | 100 h          | 1 sheep               | wolf     | 03-10      | advance 100 on 03-12; award 1000     |
| E     | 5 h            | 1 sheep               | leopard  | 03-20      | nothing; award 500                   |

D and E are still waiting for their payments, due on the day of approval: open and late (DESIGN §6).

AM: one claim, filed 2026-03-01, paid 700 AMD on 2026-03-20.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from claims import clocks
from claims.enums import AgeClass, Confidence, LossOutcome, Predator, Species
from claims.states import ClaimState
from conflict_service.db import db
from payouts.enums import PaymentKind, PaymentMethod, PaymentStatus
from payouts.models import Award, Payment
from tests.factories import at
from verification.enums import VerificationOutcome
from verification.models import Verification, VerifiedLossLine

FILED = at(2026, 3, 1, 0)


def _claim(make, country, status, hours, lines, predator):
    claim = make.claim(country)
    claim.filed_at, claim.status = FILED, status
    visit = Verification(claim_id=claim.id, verifier_id=country.verifier.id, visited_at=FILED, predator=predator,
                         confidence=Confidence.CONFIRMED, outcome=VerificationOutcome.CONFIRMED,
                         recorded_at=FILED + timedelta(hours=hours),
                         lines=[VerifiedLossLine(position=i, species=s, age_class=AgeClass.ADULT,
                                                 outcome=LossOutcome.KILLED, count=n)
                                for i, (s, n) in enumerate(lines)])
    db.session.add(visit)
    return claim


def _award(claim, country, total, approved):
    db.session.add(Award(claim_id=claim.id, programme_id=claim.programme_id, owner_id=claim.owner_id,
                         incident_date=claim.incident_date, currency=claim.programme.currency, total=Decimal(total),
                         breakdown={}, approved_at=approved, approved_by_id=country.manager.id,
                         due_on=date(approved.year, approved.month, approved.day)))


def _paid(claim, country, kind, amount, paid_at):
    db.session.add(Payment(claim_id=claim.id, kind=kind, status=PaymentStatus.CONFIRMED,
                           reference=f"{claim.number}-{kind.value}", currency=claim.programme.currency,
                           principal=Decimal(amount), amount=Decimal(amount), method=PaymentMethod.CASH,
                           payee_name="payee", created_by_id=country.manager.id, paid_at=paid_at))


def build(world, make) -> dict:
    ir, am = world.ir, world.am
    s = Species
    a = _claim(make, ir, ClaimState.PAID, 10, [(s.SHEEP, 2), (s.GOAT, 2)], Predator.LEOPARD)
    b = _claim(make, ir, ClaimState.PAID, 20, [(s.CATTLE, 1)], Predator.LEOPARD)
    c = _claim(make, ir, ClaimState.PAID, 30, [(s.SHEEP, 3)], Predator.LEOPARD)
    d = _claim(make, ir, ClaimState.APPROVED, 100, [(s.SHEEP, 1)], Predator.WOLF)
    e = _claim(make, ir, ClaimState.APPROVED, 5, [(s.SHEEP, 1)], Predator.LEOPARD)
    for claim, total, approved in ((a, 1000, at(2026, 3, 5, 0)), (b, 2000, at(2026, 3, 5, 0)),
                                   (c, 3000, at(2026, 3, 5, 0)), (d, 1000, at(2026, 3, 10, 0)),
                                   (e, 500, at(2026, 3, 20, 0))):
        _award(claim, ir, total, approved)
    _paid(a, ir, PaymentKind.FINAL, 1000, at(2026, 3, 15, 0))
    _paid(b, ir, PaymentKind.FINAL, 2000, at(2026, 3, 25, 0))
    _paid(c, ir, PaymentKind.FINAL, 3000, at(2026, 4, 14, 0))
    _paid(d, ir, PaymentKind.ADVANCE, 100, at(2026, 3, 12, 0))
    db.session.flush()
    for claim in (a, b, c, d, e):
        clocks.refresh(claim)  # D and E wait for their payments, due since March: open and late
    f = _claim(make, am, ClaimState.PAID, 12, [(s.SHEEP, 1)], Predator.LEOPARD)
    _award(f, am, 700, at(2026, 3, 6, 0))
    _paid(f, am, PaymentKind.FINAL, 700, at(2026, 3, 20, 0))
    db.session.commit()
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f}
