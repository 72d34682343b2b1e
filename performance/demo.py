"""Demo data: a conservation-performance programme in Razavi Khorasan paying the herders around Tandoureh
National Park per verified leopard detection, with the camera-trap sample package ``demo_data/camtrap-ir-tandoureh``
(a year of three Tandoureh cameras, one of them stolen in September, and one in Golestan outside the area).

The contract runs in quarters from 1 April 2025. A verifier reviews the leopard observations (one rejected as
misidentified); a manager approves the first three quarters: the second quarter's monitoring failed (the stolen
camera), so it is paid the first quarter's units, and says so. The fourth waits for approval, and a higher cap
waits for a second manager's confirmation. The first quarter is paid through a payment batch, one payment per
member's share, confirmed from the bank's statement; the second is sent and waits for the bank; the third waits
for a batch.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from claims.enums import ProgrammeKind
from claims.operations import create_programme
from conflict_service.db import db
from conflict_service.timeutil import clock_at
from payouts import operations as payout_operations
from payouts.enums import PaymentMethod
from performance import evidence, operations, payments, periods
from performance.enums import Distribution, Fallback, Forfeiture, Indicator, Review
from performance.models import Observation

SAMPLE = Path(__file__).parent / "demo_data" / "camtrap-ir-tandoureh"
AREA = {"type": "Polygon", "coordinates": [[[58.70, 37.30], [59.10, 37.30], [59.10, 37.50], [58.70, 37.50],
                                            [58.70, 37.30]]]}
NAMES = {"en": "Tandoureh conservation-performance payments", "fa": "پرداخت بر پایه عملکرد حفاظتی تندوره",
         "tg": "Пардохтҳои ҳифзи табиат аз рӯи натиҷа дар Тандура"}
TEHRAN = ZoneInfo("Asia/Tehran")


def package_bytes(directory: Path = SAMPLE) -> bytes:
    """The sample directory as the zip archive a user would upload."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.iterdir()):
            archive.write(path, path.name)
    return buffer.getvalue()


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), TEHRAN)


def load(context: dict) -> None:
    users, codes = context["users"], context["jurisdictions"]
    manager, manager2, verifier = users["manager_ir"], users["manager2_ir"], users["verifier_ir"]
    with clock_at(_at(date(2025, 3, 10))):
        programme = create_programme({"name": NAMES["fa"], "names": NAMES, "kind": ProgrammeKind.PERFORMANCE,
                                      "jurisdiction_id": codes["IR"], "currency": "IRR",
                                      "official_language": "fa"}, manager)
        members = sorted(context["owners"]["IR-RKH-DRG"], key=lambda o: o.id)[:6]
        community = operations.create_community({
            "programme_id": programme.id, "name": "دامداران چهل‌میر و قره‌سو", "jurisdiction_id": codes["IR-RKH-DRG"],
            "area": AREA, "account_name": "شورای اسلامی روستای چهل‌میر", "account_method": PaymentMethod.BANK,
            "account_number": "IR820540102680020817909002", "member_ids": [o.id for o in members]}, manager)
        contract = operations.create_contract({
            "community_id": community.id, "starts_on": date(2025, 4, 1), "period_months": 3, "period_count": 4,
            "indicator": Indicator.DETECTIONS, "rate": Decimal(150_000_000), "cap": Decimal(600_000_000),
            "forfeiture": Forfeiture.CUT, "forfeit_pct": Decimal(50), "fallback": Fallback.AVERAGE,
            "fallback_periods": 3, "distribution": Distribution.HERD_WEIGHTED}, manager)
    with clock_at(_at(date(2025, 3, 12))):
        operations.confirm_contract(contract, manager2)
    with clock_at(_at(date(2026, 4, 12))):
        evidence.import_package(programme.id, package_bytes(), "camtrap-ir-tandoureh.zip", verifier)
    observations = db.session.scalars(sa.select(Observation).join(Observation.deployment)
                                      .where(Observation.deployment.has(contract_id=contract.id))
                                      .order_by(Observation.event_start, Observation.id)).all()
    with clock_at(_at(date(2026, 4, 14))):
        for number, observation in enumerate(observations):
            if number == 3:  # a caracal's tail at night: the verifier rejects it
                evidence.review(observation, {"review": Review.REJECTED, "note": "کاراکال، نه پلنگ"}, verifier)
            else:
                evidence.review(observation, {"review": Review.CONFIRMED}, verifier)
    with clock_at(_at(date(2026, 4, 20))):
        for period in contract.periods[:3]:
            periods.approve(period, manager)
    with clock_at(_at(date(2026, 4, 21))):  # a higher cap for the new contract year, waiting for a second manager
        operations.propose_change(contract, {"cap": Decimal(750_000_000)}, manager)
    _pay(contract, manager, manager2)
    context.setdefault("programmes", {})["performance"] = programme
    context["performance"] = {"contract": contract, "community": community}


def _pay(contract, manager, manager2) -> None:
    """Quarter 1 paid and reconciled, quarter 2 sent, quarter 3 left waiting (built and approved by two managers)."""
    first, second = contract.periods[0], contract.periods[1]
    for period, day in ((first, date(2026, 4, 25)), (second, date(2026, 5, 3))):
        with clock_at(_at(day)):
            batch = payments.pay(period, {"note": f"Q{period.number}"}, manager)
        with clock_at(_at(day, 15)):
            payout_operations.approve_batch(batch, manager2)
            payout_operations.payment_file(batch, manager2)
    rows = [f"{p.reference},{p.amount.normalize():f},2026-04-28,MELLI{4_100_000 + p.id}"
            for p in payments.payments_of([first.id])]
    statement = "\n".join(["reference,amount,date,bank_reference", *rows]) + "\n"
    with clock_at(_at(date(2026, 4, 29))):
        payout_operations.reconcile("melli-statement-2026-04-28-performance.csv", statement.encode(), manager)
