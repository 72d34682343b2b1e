"""Synthetic data at scale (``flask synth --claims N``): the whole range, every claim state, a valid audit chain.

Reference data (jurisdictions, users, programmes, rate tables, schemes and seasons) is created once and reused on
later runs; owners, claims and everything that follows them are generated in chunks and written with bulk inserts —
``COPY`` on PostgreSQL (psycopg 3), ``executemany`` elsewhere — each chunk in its own transaction. Audit events are
chained in Python exactly as :mod:`conflict_service.audit.chain` verifies them, continuing the existing chain under
the same advisory lock that normal writes take, so ``flask audit verify`` passes afterwards.
"""

from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from claims.enums import AgeClass, LossOutcome, Predator, ProgrammeKind, Species, TimeOfDay
from claims.states import ClaimState
from conflict_service.audit.chain import GENESIS_HASH, compute_hash
from conflict_service.audit.keys import audit_keys
from conflict_service.audit.operations import PG_LOCK_KEY
from conflict_service.auth.models import Role
from conflict_service.auth.passwords import hash_password
from conflict_service.db import Base, db
from conflict_service.i18n import currency_precision
from conflict_service.jurisdictions.models import Level
from mitigation.enums import DogSex, MeasureKind, MeasureStatus, VaccineKind
from payouts.enums import BatchStatus, DecisionKind, PaymentKind, PaymentMethod, PaymentStatus
from verification.enums import AssignmentEnd, CarcassDisposal, RejectionReason, VerificationOutcome

PASSWORD = "demo-password"  # noqa: S105 - the documented password of demo and synthetic users
CHUNK = 20_000
SPAN_DAYS = 4 * 365

# code, name, time zone, currency, language, units of currency per US dollar (for realistic rates),
# regions (short code, name, offices [(short code, name)]).
COUNTRIES = [
    ("IR", "Iran", "Asia/Tehran", "IRR", "fa", 420_000, [
        ("NKH", "North Khorasan", [("BJN", "Bojnurd"), ("SHV", "Shirvan")]),
        ("GLS", "Golestan", [("GNB", "Gonbad"), ("KLL", "Kalaleh")]),
        ("MZN", "Mazandaran", [("SAR", "Sari"), ("KJR", "Kojur")])]),
    ("AF", "Afghanistan", "Asia/Kabul", "AFN", "fa_AF", 70, [
        ("BDS", "Badakhshan", [("FZB", "Fayzabad"), ("WKH", "Wakhan")]),
        ("BMN", "Bamyan", [("BMY", "Bamyan"), ("PNJ", "Panjab")])]),
    ("PK", "Pakistan", "Asia/Karachi", "PKR", "ur", 280, [
        ("GB", "Gilgit-Baltistan", [("GLT", "Gilgit"), ("SKD", "Skardu"), ("HNZ", "Hunza")]),
        ("KP", "Khyber Pakhtunkhwa", [("CHT", "Chitral"), ("SWT", "Swat")])]),
    ("IQ", "Iraq", "Asia/Baghdad", "IQD", "ar", 1300, [
        ("SUL", "Sulaymaniyah", [("PNJ", "Penjwen"), ("HLB", "Halabja")]),
        ("DHK", "Duhok", [("AMD", "Amedi"), ("ZKH", "Zakho")])]),
    ("TR", "Türkiye", "Europe/Istanbul", "TRY", "tr", 34, [
        ("HKR", "Hakkari", [("YKV", "Yüksekova"), ("SMD", "Şemdinli")]),
        ("ART", "Artvin", [("SVS", "Şavşat"), ("YSF", "Yusufeli")])]),
    ("AM", "Armenia", "Asia/Yerevan", "AMD", "hy", 390, [
        ("VD", "Vayots Dzor", [("YGN", "Yeghegnadzor"), ("VKK", "Vayk")]),
        ("AR", "Ararat", [("VDI", "Vedi"), ("URC", "Urtsadzor")])]),
    ("AZ", "Azerbaijan", "Asia/Baku", "AZN", "az", 2, [
        ("NX", "Nakhchivan", [("ORD", "Ordubad"), ("SHR", "Sharur")]),
        ("ZQ", "Zaqatala", [("ZQT", "Zaqatala"), ("BLK", "Balakan")])]),
    ("GE", "Georgia", "Asia/Tbilisi", "GEL", "ka", 3, [
        ("KA", "Kakheti", [("LGD", "Lagodekhi"), ("TLV", "Telavi")]),
        ("SJ", "Samtskhe-Javakheti", [("BRJ", "Borjomi"), ("AKH", "Akhaltsikhe")])]),
    ("TM", "Turkmenistan", "Asia/Ashgabat", "TMT", "tk", 4, [
        ("AH", "Ahal", [("KPD", "Kopetdag"), ("BHR", "Baharly")]),
        ("BA", "Balkan", [("SMB", "Sumbar"), ("MGT", "Magtymguly")])]),
    ("UZ", "Uzbekistan", "Asia/Tashkent", "UZS", "uz", 12_700, [
        ("TO", "Tashkent", [("BST", "Bostanliq"), ("PRK", "Parkent")]),
        ("SU", "Surxondaryo", [("BSN", "Boysun"), ("SRS", "Sariosiyo")])]),
    ("TJ", "Tajikistan", "Asia/Dushanbe", "TJS", "tg", 11, [
        ("GBA", "Gorno-Badakhshan", [("MRG", "Murghab"), ("ISH", "Ishkashim")]),
        ("SUG", "Sughd", [("ZFR", "Zafarobod"), ("AYN", "Ayni")])]),
    ("KZ", "Kazakhstan", "Asia/Almaty", "KZT", "kk", 480, [
        ("ALM", "Almaty Region", [("TKL", "Tekeli"), ("RMB", "Raiymbek")]),
        ("TRK", "Turkistan", [("TLS", "Tulkibas"), ("KZG", "Kazygurt")])]),
]
SPECIES_USD = {Species.SHEEP: 120, Species.GOAT: 100, Species.CATTLE: 600, Species.HORSE: 800,
               Species.DONKEY: 250, Species.CAMEL: 1200, Species.YAK: 700, Species.DOG: 150}
HERD_SPECIES = [Species.SHEEP, Species.GOAT, Species.CATTLE, Species.HORSE, Species.DONKEY, Species.YAK,
                Species.CAMEL, Species.DOG]
LOSS_WEIGHTS = [55, 25, 8, 4, 4, 2, 1, 1]
GIVEN = ["Ali", "Reza", "Hassan", "Karim", "Aram", "Levan", "Nodir", "Farid", "Gul", "Zahra", "Maryam", "Anahit",
         "Nino", "Aziz", "Murat", "Yusuf", "Daulet", "Rustam", "Bibi", "Shirin", "Omar", "Tigran", "Giorgi", "Aygul"]
FAMILY = ["Ahmadi", "Karimov", "Hosseini", "Petrosyan", "Beridze", "Yilmaz", "Rahimi", "Aliyev", "Nazarov",
          "Khan", "Saidov", "Tursunov", "Mammadov", "Gelashvili", "Sargsyan", "Barzani", "Durrani", "Kaya"]
VILLAGES = ["Upper", "Lower", "Old", "New", "Stone", "River", "Spring", "Pass", "Walnut", "Juniper", "Meadow",
            "Cedar", "Rock", "Wolf", "Eagle", "Poplar"]
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
HUNDRED = Decimal(100)


@dataclass
class Office:
    id: int
    country: str
    short: str
    tz: ZoneInfo
    lat: float
    lon: float
    clerk_id: int
    verifier_ids: list[int]
    manager_ids: list[int]
    compensation: Programme
    scheme: Programme


@dataclass
class Programme:
    id: int
    currency: str
    rates: dict  # (species, age class) -> Decimal
    kind: ProgrammeKind
    seasons: dict = field(default_factory=dict)  # year -> season id

    def __post_init__(self):
        self.digits = currency_precision(self.currency)
        self.quantum = Decimal(1).scaleb(-self.digits)


@dataclass
class Stats:
    counts: dict = field(default_factory=lambda: defaultdict(int))

    def add(self, table: str, n: int) -> None:
        self.counts[table] += n


class Writer:
    """Bulk inserts: COPY on PostgreSQL, executemany on other databases; ids are allocated here."""

    def __init__(self, connection: sa.Connection, stats: Stats):
        self.connection = connection
        self.is_pg = connection.dialect.name == "postgresql"
        self.stats = stats
        self._next: dict[str, int] = {}
        self._fill: dict[str, dict] = {}

    def prime(self) -> None:
        """Read every table's highest id now, so that allocating ids later never touches the connection."""
        for name, t in Base.metadata.tables.items():
            if "id" in t.c and name not in self._next:
                self._next[name] = (self.connection.scalar(sa.select(sa.func.max(t.c.id))) or 0) + 1

    def next_id(self, table: str, column: str = "id") -> int:
        if table not in self._next:
            t = Base.metadata.tables[table]
            self._next[table] = (self.connection.scalar(sa.select(sa.func.max(t.c[column]))) or 0) + 1
        value = self._next[table]
        self._next[table] = value + 1
        return value

    def _defaults(self, table: sa.Table) -> dict:
        if table.name not in self._fill:
            fill = {}
            for column in table.columns:
                default = column.default
                if default is None or column.primary_key:
                    continue
                fill[column.name] = default.arg(None) if default.is_callable else default.arg
            self._fill[table.name] = fill
        return self._fill[table.name]

    def write(self, name: str, rows: list[dict]) -> None:
        if not rows:
            return
        table = Base.metadata.tables[name]
        fill = self._defaults(table)
        columns = list(dict.fromkeys([*rows[0], *fill]))
        if self.is_pg:
            raw = self.connection.connection.driver_connection
            json_cols = {c.name for c in table.columns if isinstance(c.type, sa.JSON)}
            enum_values = {c.name for c in table.columns if isinstance(c.type, sa.Enum)}
            statement = f"COPY {name} ({', '.join(columns)}) FROM STDIN"  # noqa: S608 - names from the models
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    values = []
                    for c in columns:
                        v = row[c] if c in row else fill.get(c)
                        if c in json_cols and v is not None and not isinstance(v, str):
                            v = json.dumps(v, ensure_ascii=False)
                        elif c in enum_values and v is not None and not isinstance(v, str):
                            v = v.value
                        values.append(v)
                    copy.write_row(values)
        else:
            self.connection.execute(table.insert(), [{**fill, **row} for row in rows])
        self.stats.add(name, len(rows))

    def commit(self) -> None:
        """End the transaction: COPY runs on the driver's connection, which SQLAlchemy does not see beginning one."""
        self.connection.commit()
        if self.is_pg:
            self.connection.connection.driver_connection.commit()

    def fix_sequences(self) -> None:
        if not self.is_pg:
            return
        for name in self._next:
            table = Base.metadata.tables[name]
            if "id" not in table.c:
                continue
            self.connection.execute(sa.select(sa.func.setval(
                sa.func.pg_get_serial_sequence(name, "id"),
                sa.select(sa.func.coalesce(sa.func.max(table.c.id), 1)).scalar_subquery())))


class Chain:
    """Audit events chained exactly as the service writes them (see AuditEvent.hashed_payload)."""

    def __init__(self, connection: sa.Connection, writer: Writer):
        t = Base.metadata.tables["audit_events"]
        row = connection.execute(sa.select(t.c.seq, t.c.hash).order_by(t.c.seq.desc()).limit(1)).first()
        self.seq, self.prev = (row.seq, row.hash) if row else (0, GENESIS_HASH)
        self.keys = audit_keys()  # signed as the service signs them, or the chain would read as forged
        self.writer = writer
        self.rows: list[dict] = []

    def add(self, at: datetime, actor: tuple[int, str] | None, action: str, entity_type: str, entity_id: int | None,
            label: str | None, scope_id: int | None, changes: dict | None = None, data: dict | None = None,
            reason: str | None = None) -> None:
        self.seq += 1
        payload = {"seq": self.seq, "occurred_at": at.isoformat(), "actor_id": actor[0] if actor else None,
                   "actor_name": actor[1] if actor else "system", "action": action, "entity_type": entity_type,
                   "entity_id": entity_id, "entity_label": label, "changes": changes or {}, "data": data or {},
                   "reason": reason, "request_id": None, "prev_hash": self.prev}
        if scope_id is not None:
            payload["scope_id"] = scope_id
        digest = compute_hash(payload)
        row = dict(payload)
        if self.writer.is_pg:  # COPY takes JSON text: encode once here
            row["changes"] = json.dumps(row["changes"], ensure_ascii=False)
            row["data"] = json.dumps(row["data"], ensure_ascii=False)
        row["id"] = self.writer.next_id("audit_events")
        row["occurred_at"] = at
        row["scope_id"] = scope_id
        row["hash"], row["mac"] = digest, self.keys.event_mac(digest)
        self.prev = digest
        self.rows.append(row)

    def flush(self) -> None:
        self.writer.write("audit_events", self.rows)
        self.rows = []


# --- reference data -------------------------------------------------------------------------------------------

def _get_or_insert(conn: sa.Connection, writer: Writer, table: str, key: dict, values: dict) -> int:
    t = Base.metadata.tables[table]
    found = conn.scalar(sa.select(t.c.id).where(*[t.c[k] == v for k, v in key.items()]))
    if found is not None:
        return found
    new_id = writer.next_id(table)
    writer.write(table, [{"id": new_id, **key, **values}])
    return new_id


def _reference(conn: sa.Connection, writer: Writer, chain: Chain, rnd: random.Random, now: datetime,
               password_hash: str) -> tuple[list[Office], dict]:
    users: dict[str, int] = {}
    t_users = Base.metadata.tables["users"]

    def user(username: str, role: Role, jurisdiction_ids: list[int], language: str) -> int:
        found = conn.scalar(sa.select(t_users.c.id).where(t_users.c.username == username))
        if found is None:
            found = writer.next_id("users")
            writer.write("users", [{"id": found, "username": username, "full_name": username.replace("_", " ").title(),
                                    "role": role.value, "password_hash": password_hash, "preferred_language": language,
                                    "is_active": True, "failed_login_count": 0, "session_version": 1,
                                    "created_at": now}])
            writer.write("user_jurisdictions", [{"user_id": found, "jurisdiction_id": j} for j in jurisdiction_ids])
            chain.add(now, None, "user.created", "user", found, username, jurisdiction_ids[0],
                      changes={"role": [None, role.value], "username": [None, username]})
        users[username] = found
        return found

    offices: list[Office] = []
    country_ids = []
    for cc, cname, tz, currency, lang, per_usd, regions in COUNTRIES:
        country_id = _get_or_insert(conn, writer, "jurisdictions", {"code": cc}, {
            "short_code": cc, "level": Level.COUNTRY.value, "parent_id": None, "country_code": cc, "name": cname,
            "timezone": tz, "is_active": True})
        country_ids.append(country_id)
        managers = [user(f"synth_manager{i}_{cc.lower()}", Role.MANAGER, [country_id], lang) for i in (1, 2)]
        user(f"synth_auditor_{cc.lower()}", Role.AUDITOR, [country_id], lang)
        programmes = {}
        for kind, title in ((ProgrammeKind.COMPENSATION, "compensation programme"),
                            (ProgrammeKind.INSURANCE, "community livestock insurance")):
            name = f"{cname} {title} (synthetic)"
            pid = _get_or_insert(conn, writer, "programmes", {"name": name}, {
                "kind": kind.value, "jurisdiction_id": country_id, "currency": currency, "official_language": lang,
                "is_active": True, "created_at": now,
                "covered_predators": [Predator.LEOPARD.value, Predator.SNOW_LEOPARD.value, Predator.WOLF.value]})
            programmes[kind] = Programme(pid, currency, _rates(conn, writer, pid, per_usd, currency, now), kind)
        scheme = programmes[ProgrammeKind.INSURANCE]
        _seasons(conn, writer, scheme, now)
        base_lat, base_lon = _COUNTRY_CENTRE[cc]
        for ri, (rshort, rname, office_list) in enumerate(regions):
            region_id = _get_or_insert(conn, writer, "jurisdictions", {"code": f"{cc}-{rshort}"}, {
                "short_code": rshort, "level": Level.REGION.value, "parent_id": country_id, "country_code": cc,
                "name": rname, "timezone": tz, "is_active": True})
            verifiers = [user(f"synth_verifier{i}_{cc.lower()}_{rshort.lower()}", Role.VERIFIER, [region_id], lang)
                         for i in (1, 2, 3)]
            for oi, (oshort, oname) in enumerate(office_list):
                office_id = _get_or_insert(conn, writer, "jurisdictions", {"code": f"{cc}-{rshort}-{oshort}"}, {
                    "short_code": oshort, "level": Level.OFFICE.value, "parent_id": region_id, "country_code": cc,
                    "name": f"{oname} office", "timezone": tz, "is_active": True})
                clerk = user(f"synth_clerk_{cc.lower()}_{rshort.lower()}_{oshort.lower()}", Role.CLERK, [office_id],
                             lang)
                offices.append(Office(office_id, cc, oshort, ZoneInfo(tz), base_lat + ri * 0.6 + oi * 0.2,
                                      base_lon + ri * 0.7 - oi * 0.25, clerk, verifiers, managers,
                                      programmes[ProgrammeKind.COMPENSATION], scheme))
    user("synth_auditor", Role.AUDITOR, country_ids, "en")
    user("synth_admin", Role.ADMIN, country_ids, "en")
    return offices, users


_COUNTRY_CENTRE = {"IR": (37.4, 57.3), "AF": (36.9, 71.5), "PK": (35.9, 74.3), "IQ": (35.6, 45.8),
                   "TR": (37.5, 44.0), "AM": (39.7, 45.3), "AZ": (38.9, 45.7), "GE": (41.8, 45.8),
                   "TM": (38.0, 57.8), "UZ": (41.5, 70.0), "TJ": (38.2, 73.9), "KZ": (43.6, 78.7)}


def _rates(conn, writer: Writer, programme_id: int, per_usd: int, currency: str, now: datetime) -> dict:
    t_rates = Base.metadata.tables["rates"]
    rows = conn.execute(sa.select(t_rates.c.species, t_rates.c.age_class, t_rates.c.amount)
                        .where(t_rates.c.programme_id == programme_id)).all()
    if rows:
        return {(Species(r.species), AgeClass(r.age_class)): Decimal(r.amount) for r in rows}
    table_id = writer.next_id("rate_tables")
    writer.write("rate_tables", [{"id": table_id, "programme_id": programme_id, "version": 1, "recorded_at": now,
                                  "recorded_by_id": None, "source": "synth", "note": "synthetic data"}])
    quantum = Decimal(1).scaleb(-currency_precision(currency))
    rates, entries = {}, []
    for species, usd in SPECIES_USD.items():
        for age, share in ((AgeClass.ADULT, Decimal(1)), (AgeClass.YOUNG, Decimal("0.45"))):
            amount = (Decimal(usd) * per_usd * share).quantize(quantum, ROUND_HALF_UP)
            rates[(species, age)] = amount
            entries.append({"id": writer.next_id("rates"), "rate_table_id": table_id, "programme_id": programme_id,
                            "species": species.value, "age_class": age.value, "amount": amount,
                            "valid_from": (now - timedelta(days=SPAN_DAYS + 30)).date()})
    writer.write("rates", entries)
    return rates


def _seasons(conn, writer: Writer, scheme: Programme, now: datetime) -> None:
    t = Base.metadata.tables["insurance_seasons"]
    first = (now - timedelta(days=SPAN_DAYS + 30)).year
    for year in range(first, now.year + 1):
        name = str(year)
        found = conn.scalar(sa.select(t.c.id).where(t.c.programme_id == scheme.id, t.c.name == name))
        if found is None:
            found = writer.next_id("insurance_seasons")
            writer.write("insurance_seasons", [{"id": found, "programme_id": scheme.id, "name": name,
                                                "starts_on": date(year, 1, 1), "ends_on": date(year, 12, 31),
                                                "created_at": now, "created_by_id": None}])
        scheme.seasons[year] = found
    funds = Base.metadata.tables["insurance_funds"]
    if conn.scalar(sa.select(funds.c.programme_id).where(funds.c.programme_id == scheme.id)) is None:
        writer.write("insurance_funds", [{"programme_id": scheme.id, "currency": scheme.currency, "opened_at": now,
                                          "last_seq": 0}])


# --- owners ----------------------------------------------------------------------------------------------------

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


def _owners(n: int, offices: list[Office], writer: Writer, chain: Chain, rnd: random.Random, now: datetime,
            users: dict) -> list[OwnerRow]:
    owners, rows, herds, accounts, measures, dogs, vaccinations, inspections = [], [], [], [], [], [], [], []
    policies, policy_lines, premiums = [], [], []
    for _ in range(n):
        office = rnd.choice(offices)
        oid = writer.next_id("owners")
        name = f"{rnd.choice(GIVEN)} {rnd.choice(FAMILY)}"
        village = f"{rnd.choice(VILLAGES)} {office.short.title()}"
        lat, lon = office.lat + rnd.uniform(-0.15, 0.15), office.lon + rnd.uniform(-0.15, 0.15)
        created_at = now - timedelta(days=SPAN_DAYS + 60, minutes=rnd.randrange(100_000))
        herd = {}
        for species in rnd.sample(HERD_SPECIES[:6], rnd.randint(1, 3)):
            herd[species] = rnd.randint(5, 400) if species in (Species.SHEEP, Species.GOAT) else rnd.randint(1, 40)
        phone = f"+{rnd.randint(10**9, 10**10 - 1)}"
        owner = OwnerRow(oid, name, office, lat, lon, village, herd, rnd.random() < 0.2, phone)
        owners.append(owner)
        rows.append({"id": oid, "name": name, "national_id": f"N{rnd.randint(10**8, 10**9 - 1)}", "phone": phone,
                     "village": village, "office_id": office.id, "home_lat": round(lat, 5), "home_lon": round(lon, 5),
                     "preferred_language": _lang(office.country), "created_at": created_at,
                     "created_by_id": office.clerk_id})
        for species, count in herd.items():
            herds.append({"id": writer.next_id("herd_counts"), "owner_id": oid, "species": species.value,
                          "head_count": count, "counted_on": created_at.date()})
        method = rnd.choice([PaymentMethod.BANK, PaymentMethod.MOBILE_MONEY, PaymentMethod.CASH])
        accounts.append({"owner_id": oid, "method": method.value, "bank_name": "National Bank" if method ==
                         PaymentMethod.BANK else "", "account_number": f"ACC{oid:09d}" if method == PaymentMethod.BANK
                         else None, "updated_at": created_at, "updated_by_id": office.clerk_id})
        chain.add(created_at, (office.clerk_id, _username(users, office.clerk_id)), "owner.registered", "owner", oid,
                  name[:80], office.id, changes={"name": [None, name], "village": [None, village]})
        if rnd.random() < 0.15:
            _measure(owner, writer, rnd, now, measures, dogs, vaccinations, inspections)
        if owner.insured:
            _policies(owner, writer, rnd, now, policies, policy_lines, premiums)
    writer.write("owners", rows)
    writer.write("herd_counts", herds)
    writer.write("payout_accounts", accounts)
    writer.write("mitigation_measures", measures)
    writer.write("guardian_dogs", dogs)
    writer.write("dog_vaccinations", vaccinations)
    writer.write("mitigation_inspections", inspections)
    writer.write("insurance_policies", policies)
    writer.write("insurance_policy_lines", policy_lines)
    writer.write("premium_payments", premiums)
    return owners


def _lang(cc: str) -> str:
    return next(c[4] for c in COUNTRIES if c[0] == cc)


def _username(users: dict, user_id: int) -> str:
    return users["_by_id"][user_id]


def _measure(owner: OwnerRow, writer: Writer, rnd, now, measures, dogs, vaccinations, inspections) -> None:
    kind = rnd.choice(list(MeasureKind))
    installed = (now - timedelta(days=rnd.randint(30, SPAN_DAYS))).date()
    cost = Decimal(rnd.randint(100, 3000)) * next(c[5] for c in COUNTRIES if c[0] == owner.office.country)
    status = rnd.choices([MeasureStatus.GOOD, MeasureStatus.NEEDS_REPAIR, MeasureStatus.FAILED, None],
                         [60, 15, 5, 20])[0]
    mid = writer.next_id("mitigation_measures")
    inspected = installed + timedelta(days=rnd.randint(10, max(11, (now.date() - installed).days))) if status else None
    if inspected and inspected > now.date():
        inspected = now.date()
    measures.append({"id": mid, "owner_id": owner.id, "kind": kind.value, "installed_on": installed,
                     "site": f"{owner.village} pasture", "lat": round(owner.lat, 5), "lon": round(owner.lon, 5),
                     "cost": cost, "currency": owner.office.compensation.currency, "funder": "Range-wide programme",
                     "owner_contribution": (cost / 10).quantize(Decimal(1)), "notes": "",
                     "status": status.value if status else None, "last_inspected_on": inspected,
                     "created_at": datetime.combine(installed, datetime.min.time(), UTC),
                     "created_by_id": owner.office.clerk_id,
                     "updated_at": datetime.combine(inspected or installed, datetime.min.time(), UTC)})
    if status:
        inspections.append({"id": writer.next_id("mitigation_inspections"), "measure_id": mid,
                            "inspected_on": inspected, "status": status.value, "notes": "",
                            "inspector_id": owner.office.verifier_ids[0],
                            "recorded_at": datetime.combine(inspected, datetime.min.time(), UTC)})
    if kind == MeasureKind.GUARDIAN_DOG:
        dogs.append({"measure_id": mid, "name": rnd.choice(["Gampr", "Kangal", "Alabai", "Tobet", "Sage"]),
                     "sex": rnd.choice(list(DogSex)).value, "birth_year": installed.year - 1})
        given = installed + timedelta(days=20)
        vaccinations.append({"id": writer.next_id("dog_vaccinations"), "dog_id": mid, "kind": VaccineKind.RABIES.value,
                             "given_on": given, "next_due_on": given + timedelta(days=365), "notes": "",
                             "recorded_by_id": owner.office.clerk_id,
                             "recorded_at": datetime.combine(given, datetime.min.time(), UTC)})


def _policies(owner: OwnerRow, writer: Writer, rnd, now, policies, policy_lines, premiums) -> None:
    scheme = owner.office.scheme
    for year, season_id in scheme.seasons.items():
        pid = writer.next_id("insurance_policies")
        enrolled = date(year, 1, 1) - timedelta(days=rnd.randint(1, 40))
        lines, total = [], Decimal(0)
        for species, count in owner.herd.items():
            insured = max(1, count * 3 // 4)
            rate = (scheme.rates[(species, AgeClass.ADULT)] / 50).quantize(Decimal(1))
            premium = rate * insured
            total += premium
            lines.append({"id": writer.next_id("insurance_policy_lines"), "policy_id": pid, "species": species.value,
                          "head_count": insured, "rate": rate, "premium": premium})
        policies.append({"id": pid, "number": f"P-{owner.office.country}-{owner.office.short}-{year}-{pid:07d}",
                         "programme_id": scheme.id, "season_id": season_id, "owner_id": owner.id,
                         "office_id": owner.office.id, "enrolled_on": enrolled,
                         "enrolled_at": datetime.combine(enrolled, datetime.min.time(), UTC),
                         "enrolled_by_id": owner.office.clerk_id, "agreement_signed_on": enrolled,
                         "premium_due": total, "violation_on": None})
        policy_lines.extend(lines)
        if total > 0 and date(year, 1, 1) <= now.date():
            paid = total if rnd.random() < 0.8 else (total / 2).quantize(Decimal(1))
            if paid > 0:
                rid = writer.next_id("premium_payments")
                premiums.append({"id": rid, "policy_id": pid, "receipt_number": f"R-{pid:07d}-{rid:07d}",
                                 "amount": paid, "currency": scheme.currency, "paid_on": enrolled,
                                 "method": PaymentMethod.CASH.value, "reference": None,
                                 "recorded_at": datetime.combine(enrolled, datetime.min.time(), UTC),
                                 "recorded_by_id": owner.office.clerk_id})


# --- claims ----------------------------------------------------------------------------------------------------

class ClaimBuilder:
    def __init__(self, writer: Writer, chain: Chain, rnd: random.Random, now: datetime, users: dict,
                 counters: dict):
        self.w, self.chain, self.rnd, self.now, self.users, self.counters = writer, chain, rnd, now, users, counters
        self.tables: dict[str, list] = defaultdict(list)
        self.batches: dict[tuple, int] = {}
        self.batch_rows: list[dict] = []
        self.states = [s for s, _w, _a in STATES]
        self.weights = [w for _s, w, _a in STATES]
        self.ages = {s: a for s, _w, a in STATES}
        self.state_counts: dict[ClaimState, int] = defaultdict(int)

    def actor(self, user_id: int) -> tuple[int, str]:
        return user_id, self.users["_by_id"][user_id]

    def claim(self, owner: OwnerRow, forced: ClaimState | None) -> None:
        rnd, now = self.rnd, self.now
        state = forced or rnd.choices(self.states, self.weights)[0]
        office = owner.office
        insured = owner.insured and (state == ClaimState.AWAITING_FUNDS or rnd.random() < 0.7)
        if state == ClaimState.AWAITING_FUNDS and not owner.insured:
            state = ClaimState.APPROVED
        programme = office.scheme if insured else office.compensation
        lo, hi = self.ages[state]
        age = timedelta(days=rnd.uniform(lo, hi))
        filed_at = (now - age).replace(microsecond=0)
        incident_at = filed_at - timedelta(hours=rnd.choice([2, 8, 20, 30, 50, 70, 100, 160]) + rnd.randint(0, 5))
        tz = office.tz
        filed_date, incident_date = filed_at.astimezone(tz).date(), incident_at.astimezone(tz).date()
        year = filed_date.year
        seq = self.counters[(office.id, year)] = self.counters.get((office.id, year), 0) + 1
        number = f"{office.country}-{office.short}-{year}-{seq:06d}"
        cid = self.w.next_id("claims")
        night = rnd.random() < 0.7
        in_corral, herder, dog = rnd.random() < 0.4, rnd.random() < 0.3, rnd.random() < 0.25
        species_pool = list(owner.herd) or [Species.SHEEP]
        lines = []
        for pos in range(rnd.choices([1, 2, 3], [75, 20, 5])[0]):
            species = rnd.choice(species_pool)
            lines.append((pos, species, rnd.choice([AgeClass.ADULT, AgeClass.ADULT, AgeClass.YOUNG]),
                          rnd.choices([LossOutcome.KILLED, LossOutcome.INJURED, LossOutcome.MISSING], [80, 12, 8])[0],
                          rnd.choices([1, 2, 3, 4, 6, 10], [50, 22, 12, 8, 5, 3])[0]))
        for pos, species, age_class, outcome, count in lines:
            self.tables["loss_lines"].append({"id": self.w.next_id("loss_lines"), "claim_id": cid, "position": pos,
                                              "species": species.value, "age_class": age_class.value,
                                              "outcome": outcome.value, "count": count})
        clerk = self.actor(office.clerk_id)
        verifier_id = rnd.choice(office.verifier_ids)
        manager_id, manager2_id = office.manager_ids
        row = {"id": cid, "number": number, "pin": f"{rnd.randrange(10**6):06d}", "owner_id": owner.id,
               "programme_id": programme.id, "office_id": office.id, "filed_by_id": office.clerk_id,
               "status": state.value, "status_changed_at": filed_at, "incident_at": incident_at,
               "incident_date": incident_date, "incident_lat": round(owner.lat + rnd.uniform(-0.05, 0.05), 5),
               "incident_lon": round(owner.lon + rnd.uniform(-0.05, 0.05), 5), "incident_village": owner.village,
               "time_of_day": (TimeOfDay.NIGHT if night else TimeOfDay.DAY).value, "is_in_corral": in_corral,
               "is_herder_present": herder, "is_guard_dog_present": dog,
               "narrative": "Found the animals killed at first light." if night else "Attacked while grazing.",
               "reported_at": filed_at, "filed_at": filed_at, "filed_date": filed_date, "updated_at": filed_at,
               "verification_due_at": filed_at + timedelta(hours=72), "assigned_verifier_id": None,
               "prior_verifier_id": None, "appealed_at": None}
        self.tables["claims"].append(row)
        self.state_counts[state] += 1
        ch = self.chain
        ch.add(filed_at, clerk, "claim.submitted", "claim", cid, number, office.id, changes={
            "number": [None, number], "status": [None, "submitted"], "owner_id": [None, owner.id],
            "programme_id": [None, programme.id], "incident_at": [None, incident_at.isoformat()],
            "lines": [None, [[s.value, a.value, o.value, c] for _p, s, a, o, c in lines]]})
        span = age.total_seconds()

        def at(fraction: float) -> datetime:
            return (filed_at + timedelta(seconds=span * fraction)).replace(microsecond=0)

        def move(when, who, action, before, after, data=None, reason=None):
            row["status_changed_at"] = row["updated_at"] = when
            ch.add(when, who, f"claim.{action}", "claim", cid, number, office.id,
                   changes={"status": [before, after]}, data=data, reason=reason)

        if state == ClaimState.SUBMITTED:
            return
        if state == ClaimState.WITHDRAWN:
            move(at(0.01), clerk, "withdraw", "submitted", "withdrawn", reason="Owner found the animals alive.")
            return
        assigned_at = at(0.05 if state != ClaimState.UNDER_VERIFICATION else 0.2)
        row["assigned_verifier_id"] = verifier_id
        self.tables["assignments"].append({
            "id": self.w.next_id("assignments"), "claim_id": cid, "verifier_id": verifier_id,
            "assigned_by_id": office.clerk_id, "assigned_at": assigned_at, "due_at": filed_at + timedelta(hours=72),
            "ended_at": None, "end_reason": None, "round": 1})
        move(assigned_at, clerk, "assign", "submitted", "under_verification", data={"verifier_id": verifier_id})
        if state == ClaimState.UNDER_VERIFICATION:
            return
        visited = at(0.1)
        self.tables["assignments"][-1].update(ended_at=visited, end_reason=AssignmentEnd.VERIFIED.value)
        confirmed = state != ClaimState.REJECTED or rnd.random() < 0.25  # some rejections are the manager's
        predator = rnd.choices([Predator.LEOPARD, Predator.SNOW_LEOPARD, Predator.WOLF], [70, 10, 20])[0] \
            if confirmed else rnd.choice([Predator.WOLF, Predator.DOG, Predator.UNKNOWN, Predator.JACKAL])
        vid = self.w.next_id("verifications")
        self.tables["verifications"].append({
            "id": vid, "claim_id": cid, "verifier_id": verifier_id, "round": 1, "visited_at": visited,
            "visit_lat": row["incident_lat"], "visit_lon": row["incident_lon"], "recorded_at": visited,
            "has_carcass": True, "has_neck_bites": confirmed, "canine_spacing_mm": rnd.randint(32, 45) if confirmed
            else None, "has_claw_marks": confirmed and rnd.random() < 0.6, "has_drag_marks": rnd.random() < 0.4,
            "is_carcass_cached": confirmed and rnd.random() < 0.3, "has_tracks": rnd.random() < 0.7,
            "has_scat": rnd.random() < 0.2, "has_hair": rnd.random() < 0.2,
            "has_camera_trap_image": rnd.random() < 0.05, "predator": predator.value,
            "confidence": rnd.choice(["confirmed", "probable"]) if confirmed else "possible",
            "time_of_day": None, "is_in_corral": None, "is_herder_present": None, "is_guard_dog_present": None,
            "carcass_disposal": rnd.choices(list(CarcassDisposal), [50, 20, 25, 5])[0].value,
            "outcome": (VerificationOutcome.CONFIRMED if confirmed else VerificationOutcome.REJECTED).value,
            "rejection_reason": None if confirmed else rnd.choice(list(RejectionReason)).value, "notes": ""})
        for pos, species, age_class, outcome, count in lines:
            self.tables["verified_loss_lines"].append({
                "id": self.w.next_id("verified_loss_lines"), "verification_id": vid, "position": pos,
                "species": species.value, "age_class": age_class.value, "outcome": outcome.value, "count": count})
        verifier = self.actor(verifier_id)
        if not confirmed:
            move(visited, verifier, "verify_reject", "under_verification", "rejected")
            return
        move(visited, verifier, "verify_confirm", "under_verification", "verified")
        if state == ClaimState.VERIFIED:
            return
        decided = at(0.2)
        manager = self.actor(manager_id)
        total, breakdown = _assess(programme, lines, filed_date, incident_date, predator)
        if state == ClaimState.REJECTED:
            self.tables["decisions"].append({
                "id": self.w.next_id("decisions"), "claim_id": cid, "kind": DecisionKind.REJECT.value,
                "manager_id": manager_id, "decided_at": decided, "note": "Evidence does not support the claim.",
                "reason_code": "insufficient_evidence", "total": None, "currency": programme.currency,
                "is_final": True, "superseded_at": None})
            move(decided, manager, "reject", "verified", "rejected", reason="insufficient_evidence")
            return
        self.tables["decisions"].append({
            "id": self.w.next_id("decisions"), "claim_id": cid, "kind": DecisionKind.APPROVE.value,
            "manager_id": manager_id, "decided_at": decided, "note": "", "reason_code": None, "total": total,
            "currency": programme.currency, "is_final": True, "superseded_at": None})
        self.tables["awards"].append({
            "id": self.w.next_id("awards"), "claim_id": cid, "programme_id": programme.id, "owner_id": owner.id,
            "incident_date": incident_date, "currency": programme.currency, "total": total, "breakdown": breakdown,
            "approved_at": decided, "approved_by_id": manager_id, "due_on": decided.date() + timedelta(days=30)})
        money = {"total": str(total), "currency": programme.currency}
        move(decided, manager, "approve", "verified", "approved", data=money)
        if state == ClaimState.AWAITING_FUNDS:
            move(decided, manager, "await_funds", "approved", "awaiting_funds", data=money)
            return
        if state == ClaimState.APPROVED:
            return
        batched = at(0.3)
        paid = state == ClaimState.PAID
        key = (programme.id, batched.year, batched.month, paid)
        batch_id = self.batches.get(key)
        if batch_id is None:
            batch_id = self.batches[key] = self.w.next_id("payment_batches")
            self.batch_rows.append({
                "id": batch_id, "programme_id": programme.id, "currency": programme.currency,
                "status": (BatchStatus.CLOSED if paid else BatchStatus.APPROVED).value,
                "note": f"{batched:%B %Y}", "created_at": batched, "created_by_id": manager_id,
                "approved_at": batched + timedelta(days=1), "approved_by_id": manager2_id,
                "exported_at": batched + timedelta(days=1), "closed_at": at(0.5) if paid else None})
            ch.add(batched, manager, "payment_batch.created", "payment_batch", batch_id, f"#{batch_id}",
                   None, data={"programme": programme.id})
        reference = f"{number}-F1"
        settled = at(0.5)
        self.tables["payments"].append({
            "id": self.w.next_id("payments"), "claim_id": cid, "batch_id": batch_id, "kind": PaymentKind.FINAL.value,
            "status": (PaymentStatus.CONFIRMED if paid else PaymentStatus.SENT).value, "reference": reference,
            "currency": programme.currency, "principal": total, "interest": Decimal(0), "interest_days": 0,
            "amount": total, "method": PaymentMethod.MOBILE_MONEY.value, "payee_name": owner.name,
            "payee_account": owner.phone, "created_at": batched, "created_by_id": manager_id,
            "external_reference": f"BANK-{cid}" if paid else None, "paid_at": settled if paid else None,
            "settled_at": settled if paid else None, "settled_by_id": manager2_id if paid else None,
            "failure_reason": None})
        move(batched, manager, "add_to_batch", "approved", "in_payment", data={"batch": batch_id,
                                                                                 "reference": reference})
        sent = {"reference": reference, "amount": str(total), "currency": programme.currency}
        ch.add(batched + timedelta(days=1), self.actor(manager2_id), "claim.payment_sent", "claim", cid, number,
               office.id, data={"batch": batch_id, **sent, "interest": "0"})
        if paid:
            move(settled, self.actor(manager2_id), "pay", "in_payment", "paid", data=sent)

    def take(self) -> list[tuple[str, list]]:
        """Hand over the rows built so far, in an order that satisfies the foreign keys."""
        order = ["claims", "loss_lines", "assignments", "verifications", "verified_loss_lines", "decisions",
                 "awards", "payment_batches", "payments"]
        self.tables["payment_batches"], self.batch_rows = self.batch_rows, []
        out = [(name, self.tables.pop(name, [])) for name in order]
        out.append(("audit_events", self.chain.rows))
        self.chain.rows = []
        return out


def _assess(programme: Programme, lines, filed_date: date, incident_date: date, predator) -> tuple[Decimal, dict]:
    """§5.2–5.3 and the rounding, enough for a frozen breakdown the pages can print."""
    share = {LossOutcome.KILLED: HUNDRED, LossOutcome.INJURED: Decimal(30), LossOutcome.MISSING: Decimal(0)}
    out, total = [], Decimal(0)
    out.append({"step": "coverage", "code": "covered", "amount": None, "params": {
        "predator": predator.value, "confidence": "probable", "min_confidence": "probable",
        "covered": ["leopard", "snow_leopard", "wolf"]}})
    for _pos, species, age_class, outcome, count in lines:
        rate = programme.rates[(species, age_class)]
        sub = rate * count * share[outcome] / HUNDRED
        total += sub
        out.append({"step": "base", "code": f"base_{outcome.value}", "amount": str(sub), "params": {
            "rate": str(rate), "pct": str(share[outcome]), "count": count, "species": species.value,
            "age_class": age_class.value, "outcome": outcome.value}})
    out.append({"step": "base", "code": "base_total", "amount": str(total), "params": {}})
    days = (filed_date - incident_date).days
    if days <= 3:
        out.append({"step": "late_report", "code": "on_time", "amount": str(total),
                    "params": {"days": days, "deadline": 3}})
    else:
        total = total / 2
        out.append({"step": "late_report", "code": "late_half", "amount": str(total),
                    "params": {"days": days, "deadline": 3, "limit": 6, "pct": "50"}})
    out.append({"step": "mitigation", "code": "mitigation_none", "amount": str(total), "params": {}})
    digits = programme.digits
    total = total.quantize(programme.quantum, ROUND_HALF_UP)
    out.append({"step": "rounding", "code": "rounded", "amount": str(total),
                "params": {"digits": digits, "currency": programme.currency}})
    return total, {"version": 1, "currency": programme.currency, "payable": True, "total": str(total),
                   "reasons": [], "lines": out}


# --- the command's entry point --------------------------------------------------------------------------------

@dataclass
class Outcome:
    claims: int
    owners: int
    rows: dict
    states: dict
    seconds: float


def generate(claims: int, *, seed: int = 1, progress=None, owners: int | None = None) -> Outcome:
    """Write ``claims`` claims (and ~claims/5 owners) with everything around them; returns what was written."""
    started = time.perf_counter()
    rnd = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    stats = Stats()
    engine = db.engine
    owners_n = owners or max(20, claims // 5)
    password_hash = hash_password(PASSWORD)
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": PG_LOCK_KEY})
            conn.commit()
        try:
            writer = Writer(conn, stats)
            chain = Chain(conn, writer)
            offices, users = _reference(conn, writer, chain, rnd, now, password_hash)
            t_users = Base.metadata.tables["users"]
            users["_by_id"] = dict(conn.execute(sa.select(t_users.c.id, t_users.c.username)).all())
            chain.flush()
            writer.commit()
            owner_rows: list[OwnerRow] = []
            for start in range(0, owners_n, CHUNK):
                owner_rows += _owners(min(CHUNK, owners_n - start), offices, writer, chain, rnd, now, users)
                chain.flush()
                writer.commit()
            t_counters = Base.metadata.tables["claim_counters"]
            counters = {(r.office_id, r.year): r.last_seq for r in conn.execute(sa.select(t_counters))}
            before = dict(counters)
            builder = ClaimBuilder(writer, chain, rnd, now, users, counters)
            forced = [s for s, _w, _a in STATES]
            writer.prime()
            done, pending, pending_n = 0, None, 0

            def write_chunk(tables: list[tuple[str, list]], numbers: dict) -> None:
                for name, rows in tables:
                    writer.write(name, rows)
                _save_counters(conn, t_counters, numbers, before)  # an interrupted run leaves no number reusable
                before.update(numbers)
                writer.commit()

            # The database takes one chunk while the next is generated (the driver releases the GIL).
            with ThreadPoolExecutor(max_workers=1) as pool:
                while done < claims:
                    n = min(CHUNK, claims - done)
                    for i in range(n):
                        k = done + i
                        owner = rnd.choice(owner_rows)
                        state = forced[k] if k < len(forced) else None
                        if state == ClaimState.AWAITING_FUNDS:
                            owner = next((o for o in owner_rows if o.insured), owner)
                        builder.claim(owner, state)
                    if pending is not None:
                        pending.result()
                        if progress:
                            progress(pending_n)
                    pending, pending_n = pool.submit(write_chunk, builder.take(), dict(counters)), n
                    done += n
                if pending is not None:
                    pending.result()
                    if progress:
                        progress(pending_n)
            _save_counters(conn, t_counters, counters, before)
            writer.fix_sequences()
            writer.commit()
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("ANALYZE"))
                conn.commit()
        finally:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LOCK_KEY})
                conn.commit()
    return Outcome(claims, owners_n, dict(stats.counts), {s.value: n for s, n in builder.state_counts.items()},
                   time.perf_counter() - started)


def _save_counters(conn, table, counters: dict, before: dict) -> None:
    for (office_id, year), seq in counters.items():
        if (office_id, year) in before:
            if seq != before[(office_id, year)]:
                conn.execute(sa.update(table).where(table.c.office_id == office_id, table.c.year == year)
                             .values(last_seq=seq))
        else:
            conn.execute(sa.insert(table).values(office_id=office_id, year=year, last_seq=seq))

