"""Synthetic owners with their herds, payout details, mitigation measures and insurance policies.

What the assessment of their claims needs is kept beside the rows: each owner's measures with their inspections
(for :func:`mitigation.assessment.active_on`) and policies as model objects outside any session (for
:func:`insurance.coverage.deciding_policy` and ``Policy.cover_from``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from bench.synth.audit import Chain
from bench.synth.world import LANGUAGE, PER_USD, SPAN_DAYS, Office
from bench.synth.writer import Writer
from claims.enums import AgeClass, Species
from claims.models import twin_key
from insurance.models import Policy
from mitigation.enums import DogSex, MeasureKind, MeasureStatus, VaccineKind
from payouts.enums import PaymentMethod

HERD_SPECIES = [Species.SHEEP, Species.GOAT, Species.CATTLE, Species.HORSE, Species.DONKEY, Species.YAK]
SMALL_STOCK = (Species.SHEEP, Species.GOAT)
GIVEN = ["Ali", "Reza", "Hassan", "Karim", "Aram", "Levan", "Nodir", "Farid", "Gul", "Zahra", "Maryam", "Anahit",
         "Nino", "Aziz", "Murat", "Yusuf", "Daulet", "Rustam", "Bibi", "Shirin", "Omar", "Tigran", "Giorgi", "Aygul"]
FAMILY = ["Ahmadi", "Karimov", "Hosseini", "Petrosyan", "Beridze", "Yilmaz", "Rahimi", "Aliyev", "Nazarov",
          "Khan", "Saidov", "Tursunov", "Mammadov", "Gelashvili", "Sargsyan", "Barzani", "Durrani", "Kaya"]
VILLAGES = ["Upper", "Lower", "Old", "New", "Stone", "River", "Spring", "Pass", "Walnut", "Juniper", "Meadow",
            "Cedar", "Rock", "Wolf", "Eagle", "Poplar"]
RECOUNT_DAYS = 365
TABLES = ["owners", "herd_counts", "payout_accounts", "mitigation_measures", "guardian_dogs", "dog_vaccinations",
          "mitigation_inspections", "insurance_policies", "insurance_policy_lines", "premium_payments"]


@dataclass(frozen=True)
class MeasureFacts:
    """What the §5.5 decision reads of a measure (the model's attribute names)."""

    id: int
    kind: MeasureKind
    installed_on: date


@dataclass
class OwnerRow:
    id: int
    name: str
    office: Office
    lat: float
    lon: float
    village: str
    herd: dict
    insured: bool
    phone: str
    measures: list[MeasureFacts] = field(default_factory=list)
    inspections: dict[int, list] = field(default_factory=dict)  # measure id -> [(inspected_on, id, status)]
    policies: list[Policy] = field(default_factory=list)
    insured_head: dict[Species, int] = field(default_factory=dict)  # the same count every season


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)


class OwnerMaker:
    """Owners in chunks: ``make(n)`` returns them and leaves their rows in ``tables`` until ``write``."""

    def __init__(self, offices: list[Office], writer: Writer, chain: Chain, rnd: random.Random, now: datetime,
                 usernames: dict[int, str]):
        self.offices, self.w, self.chain, self.rnd, self.now = offices, writer, chain, rnd, now
        self.usernames = usernames
        self.tables: dict[str, list] = {name: [] for name in TABLES}

    def make(self, n: int) -> list[OwnerRow]:
        owners = [self._owner() for _ in range(n)]
        for name in TABLES:
            self.w.write(name, self.tables[name])
            self.tables[name] = []
        return owners

    def _owner(self) -> OwnerRow:
        rnd, office = self.rnd, self.rnd.choice(self.offices)
        name = f"{rnd.choice(GIVEN)} {rnd.choice(FAMILY)}"
        village = f"{rnd.choice(VILLAGES)} {office.short.title()}"
        lat, lon = office.lat + rnd.uniform(-0.15, 0.15), office.lon + rnd.uniform(-0.15, 0.15)
        created_at = self.now - timedelta(days=SPAN_DAYS + 60, minutes=rnd.randrange(100_000))
        herd = {species: rnd.randint(5, 400) if species in SMALL_STOCK else rnd.randint(1, 40)
                for species in rnd.sample(HERD_SPECIES, rnd.randint(1, 3))}
        phone = f"+{rnd.randint(10**9, 10**10 - 1)}"
        owner = OwnerRow(self.w.next_id("owners"), name, office, lat, lon, village, herd, rnd.random() < 0.2, phone)
        self._rows(owner, created_at)
        if rnd.random() < 0.15:
            self._measure(owner)
        if owner.insured:
            owner.insured_head = {species: max(1, count * 3 // 4) for species, count in herd.items()}
            for year, season in owner.office.scheme.seasons.items():
                self._policy(owner, year, season)
        return owner

    def _rows(self, owner: OwnerRow, created_at: datetime) -> None:
        office, rnd = owner.office, self.rnd
        self.tables["owners"].append({
            "id": owner.id, "name": owner.name, "twin_key": twin_key(owner.name, owner.village),
            "national_id": f"N{rnd.randint(10**8, 10**9 - 1)}",
            "phone": owner.phone, "village": owner.village, "office_id": office.id, "home_lat": round(owner.lat, 5),
            "home_lon": round(owner.lon, 5), "preferred_language": LANGUAGE[office.country],
            "created_at": created_at, "created_by_id": office.clerk_id})
        self.tables["herd_counts"] += [{"id": self.w.next_id("herd_counts"), "owner_id": owner.id,
                                        "species": species.value, "head_count": count,
                                        "counted_on": created_at.date(), "recorded_at": created_at,
                                        "recorded_by_id": office.clerk_id, "corrects_id": None, "note": ""}
                                       for species, count in owner.herd.items()]
        if owner.id % 3 == 0:  # a third of the herds are counted again a year later: a history, never overwritten
            self._recount(owner, created_at + timedelta(days=RECOUNT_DAYS))
        method = rnd.choice([PaymentMethod.BANK, PaymentMethod.MOBILE_MONEY, PaymentMethod.CASH])
        bank = method == PaymentMethod.BANK
        self.tables["payout_accounts"].append({
            "owner_id": owner.id, "method": method.value, "bank_name": "National Bank" if bank else "",
            "account_number": f"ACC{owner.id:09d}" if bank else None, "updated_at": created_at,
            "updated_by_id": office.clerk_id})
        self.chain.add(created_at, (office.clerk_id, self.usernames[office.clerk_id]), "owner.registered",
                       ("owner", owner.id, owner.name[:80]), office.id,
                       changes={"name": [None, owner.name], "village": [None, owner.village]})

    def _recount(self, owner: OwnerRow, at: datetime) -> None:
        """A later dated count of each species (a tenth more head), recorded and audited as the service does."""
        if at >= self.now:
            return
        clerk = owner.office.clerk_id
        for species, count in owner.herd.items():
            row = {"id": self.w.next_id("herd_counts"), "owner_id": owner.id, "species": species.value,
                   "head_count": count + max(1, count // 10), "counted_on": at.date(), "recorded_at": at,
                   "recorded_by_id": clerk, "corrects_id": None, "note": ""}
            self.tables["herd_counts"].append(row)
            self.chain.add(at, (clerk, self.usernames[clerk]), "owner.herd_counted",
                           ("owner", owner.id, owner.name[:80]), owner.office.id,
                           data={"count": row["id"], "species": species.value, "head_count": row["head_count"],
                                 "counted_on": at.date().isoformat()})

    def _measure(self, owner: OwnerRow) -> None:
        rnd, office = self.rnd, owner.office
        kind = rnd.choice(list(MeasureKind))
        installed = (self.now - timedelta(days=rnd.randint(30, SPAN_DAYS))).date()
        cost = Decimal(rnd.randint(100, 3000)) * PER_USD[office.country]
        status = rnd.choices([MeasureStatus.GOOD, MeasureStatus.NEEDS_REPAIR, MeasureStatus.FAILED, None],
                             [60, 15, 5, 20])[0]
        inspected = None
        if status:
            days = rnd.randint(10, max(11, (self.now.date() - installed).days))
            inspected = min(installed + timedelta(days=days), self.now.date())
        mid = self.w.next_id("mitigation_measures")
        owner.measures.append(MeasureFacts(mid, kind, installed))
        self.tables["mitigation_measures"].append({
            "id": mid, "owner_id": owner.id, "kind": kind.value, "installed_on": installed,
            "site": f"{owner.village} pasture", "lat": round(owner.lat, 5), "lon": round(owner.lon, 5), "cost": cost,
            "currency": office.compensation.currency, "funder": "Range-wide programme",
            "owner_contribution": (cost / 10).quantize(Decimal(1)), "notes": "",
            "status": status.value if status else None, "last_inspected_on": inspected,
            "created_at": _midnight(installed), "created_by_id": office.clerk_id,
            "updated_at": _midnight(inspected or installed)})
        if status:
            self._inspection(owner, mid, inspected, status)
        if kind == MeasureKind.GUARDIAN_DOG:
            self._dog(owner, mid, installed)

    def _inspection(self, owner: OwnerRow, measure_id: int, inspected: date, status: MeasureStatus) -> None:
        iid = self.w.next_id("mitigation_inspections")
        owner.inspections[measure_id] = [(inspected, iid, status)]
        self.tables["mitigation_inspections"].append({
            "id": iid, "measure_id": measure_id, "inspected_on": inspected, "status": status.value, "notes": "",
            "inspector_id": owner.office.verifier_ids[0], "recorded_at": _midnight(inspected)})

    def _dog(self, owner: OwnerRow, measure_id: int, installed: date) -> None:
        rnd = self.rnd
        self.tables["guardian_dogs"].append({
            "measure_id": measure_id, "name": rnd.choice(["Gampr", "Kangal", "Alabai", "Tobet", "Sage"]),
            "sex": rnd.choice(list(DogSex)).value, "birth_year": installed.year - 1})
        given = installed + timedelta(days=20)
        self.tables["dog_vaccinations"].append({
            "id": self.w.next_id("dog_vaccinations"), "dog_id": measure_id, "kind": VaccineKind.RABIES.value,
            "given_on": given, "next_due_on": given + timedelta(days=365), "notes": "",
            "recorded_by_id": owner.office.clerk_id, "recorded_at": _midnight(given)})

    def _policy(self, owner: OwnerRow, year: int, season) -> None:
        scheme, office = owner.office.scheme, owner.office
        pid = self.w.next_id("insurance_policies")
        enrolled = date(year, 1, 1) - timedelta(days=self.rnd.randint(1, 40))
        lines = [self._policy_line(pid, scheme, species, head) for species, head in owner.insured_head.items()]
        total = sum((line["premium"] for line in lines), Decimal(0))
        row = {"id": pid, "number": f"P-{office.country}-{office.short}-{year}-{pid:07d}", "programme_id": scheme.id,
               "season_id": season.id, "owner_id": owner.id, "office_id": office.id, "enrolled_on": enrolled,
               "enrolled_at": _midnight(enrolled), "enrolled_by_id": office.clerk_id,
               "agreement_signed_on": enrolled, "premium_due": total, "violation_on": None}
        self.tables["insurance_policies"].append(row)
        self.tables["insurance_policy_lines"] += lines
        owner.policies.append(Policy(id=pid, number=row["number"], season=season, enrolled_on=enrolled,
                                     violation_on=None))
        if total > 0 and date(year, 1, 1) <= self.now.date():
            self._premium(scheme, pid, enrolled, total, office.clerk_id)

    def _policy_line(self, policy_id: int, scheme, species: Species, insured: int) -> dict:
        rate = (scheme.rates[(species, AgeClass.ADULT)] / 50).quantize(Decimal(1))
        return {"id": self.w.next_id("insurance_policy_lines"), "policy_id": policy_id, "species": species.value,
                "head_count": insured, "rate": rate, "premium": rate * insured}

    def _premium(self, scheme, policy_id: int, enrolled: date, total: Decimal, clerk_id: int) -> None:
        paid = total if self.rnd.random() < 0.8 else (total / 2).quantize(Decimal(1))
        if paid <= 0:
            return
        rid = self.w.next_id("premium_payments")
        self.tables["premium_payments"].append({
            "id": rid, "policy_id": policy_id, "receipt_number": f"R-{policy_id:07d}-{rid:07d}", "amount": paid,
            "currency": scheme.currency, "paid_on": enrolled, "method": PaymentMethod.CASH.value, "reference": None,
            "recorded_at": _midnight(enrolled), "recorded_by_id": clerk_id})
