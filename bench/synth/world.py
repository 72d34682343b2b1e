"""The world of the synthetic data: twelve countries with their regions, offices, users, programmes, rate tables
and insurance seasons. Created once and reused by later runs (found by code, username or name).

The programmes take the service's default rules (the model's column defaults); what the assessment needs of them
is read back through the models (:func:`payouts.facts.rules_of`, :func:`payouts.facts.rate_history`), so the
synthetic assessment follows whatever a programme's rules say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bench.synth.audit import Chain
from bench.synth.writer import Writer
from claims.enums import AgeClass, Predator, ProgrammeKind, Species
from claims.models import Programme as ProgrammeModel
from claims.zones import contains_test
from conflict_service.auth.models import Role
from conflict_service.db import Base, db
from conflict_service.i18n import currency_precision
from conflict_service.jurisdictions.models import Level
from insurance.models import Season
from payouts.engine import Rules
from payouts.facts import rate_history, rules_of

PASSWORD = "demo-password"  # noqa: S105 - the documented password of demo and synthetic users
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
COUNTRY_CENTRE = {"IR": (37.4, 57.3), "AF": (36.9, 71.5), "PK": (35.9, 74.3), "IQ": (35.6, 45.8),
                  "TR": (37.5, 44.0), "AM": (39.7, 45.3), "AZ": (38.9, 45.7), "GE": (41.8, 45.8),
                  "TM": (38.0, 57.8), "UZ": (41.5, 70.0), "TJ": (38.2, 73.9), "KZ": (43.6, 78.7)}
LANGUAGE = {c[0]: c[4] for c in COUNTRIES}
PER_USD = {c[0]: c[5] for c in COUNTRIES}
COVERED = [Predator.LEOPARD.value, Predator.SNOW_LEOPARD.value, Predator.WOLF.value]


@dataclass
class Programme:
    """A synthetic programme with the rules the assessment reads (filled by :func:`load_rules`)."""

    id: int
    currency: str
    rates: dict  # (species, age class) -> Decimal: the first rate table, for premiums
    kind: ProgrammeKind
    seasons: dict[int, Season] = field(default_factory=dict)  # year -> the season (not in any session)
    rules: Rules | None = None
    rate_history: dict = field(default_factory=dict)  # (species, age class) -> [(valid_from, version, amount)]
    zone_test: object = None
    payment_sla_days: int = 0
    verification_sla_hours: int = 0

    @property
    def is_insurance(self) -> bool:
        return self.kind == ProgrammeKind.INSURANCE


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


class World:
    """Creates what is missing of the reference data; ``offices`` and ``usernames`` describe it afterwards."""

    def __init__(self, conn: sa.Connection, writer: Writer, chain: Chain, now: datetime, password_hash: str):
        self.conn, self.writer, self.chain, self.now, self.password_hash = conn, writer, chain, now, password_hash
        self.offices: list[Office] = []
        self.usernames: dict[int, str] = {}

    def build(self) -> World:
        country_ids = [self._country(*country) for country in COUNTRIES]
        self.user("synth_auditor", Role.AUDITOR, country_ids, "en")
        self.user("synth_admin", Role.ADMIN, country_ids, "en")
        t_users = Base.metadata.tables["users"]
        self.usernames = dict(self.conn.execute(sa.select(t_users.c.id, t_users.c.username)).all())
        return self

    def actor(self, user_id: int) -> tuple[int, str]:
        return user_id, self.usernames[user_id]

    def _get_or_insert(self, table: str, key: dict, values: dict) -> int:
        t = Base.metadata.tables[table]
        found = self.conn.scalar(sa.select(t.c.id).where(*[t.c[k] == v for k, v in key.items()]))
        if found is not None:
            return found
        new_id = self.writer.next_id(table)
        self.writer.write(table, [{"id": new_id, **key, **values}])
        return new_id

    def user(self, username: str, role: Role, jurisdiction_ids: list[int], language: str) -> int:
        t_users = Base.metadata.tables["users"]
        found = self.conn.scalar(sa.select(t_users.c.id).where(t_users.c.username == username))
        if found is not None:
            return found
        found = self.writer.next_id("users")
        self.writer.write("users", [{
            "id": found, "username": username, "full_name": username.replace("_", " ").title(), "role": role.value,
            "password_hash": self.password_hash, "preferred_language": language, "is_active": True,
            "failed_login_count": 0, "session_version": 1, "created_at": self.now}])
        self.writer.write("user_jurisdictions", [{"user_id": found, "jurisdiction_id": j} for j in jurisdiction_ids])
        self.chain.add(self.now, None, "user.created", ("user", found, username), jurisdiction_ids[0],
                       changes={"role": [None, role.value], "username": [None, username]})
        return found

    def _jurisdiction(self, code: str, short: str, level: Level, parent_id: int | None, name: str, tz: str) -> int:
        return self._get_or_insert("jurisdictions", {"code": code}, {
            "short_code": short, "level": level.value, "parent_id": parent_id, "country_code": code[:2],
            "name": name, "timezone": tz, "is_active": True})

    def _country(self, cc, cname, tz, currency, lang, per_usd, regions) -> int:
        country_id = self._jurisdiction(cc, cc, Level.COUNTRY, None, cname, tz)
        managers = [self.user(f"synth_manager{i}_{cc.lower()}", Role.MANAGER, [country_id], lang) for i in (1, 2)]
        self.user(f"synth_auditor_{cc.lower()}", Role.AUDITOR, [country_id], lang)
        compensation = self._programme(country_id, f"{cname} compensation programme (synthetic)",
                                       ProgrammeKind.COMPENSATION, currency, lang, per_usd)
        scheme = self._programme(country_id, f"{cname} community livestock insurance (synthetic)",
                                 ProgrammeKind.INSURANCE, currency, lang, per_usd)
        self._seasons(scheme)
        for ri, region in enumerate(regions):
            self._region(cc, tz, lang, country_id, ri, region, managers, (compensation, scheme))
        return country_id

    def _region(self, cc, tz, lang, country_id, ri, region, managers, programmes) -> None:
        rshort, rname, office_list = region
        region_id = self._jurisdiction(f"{cc}-{rshort}", rshort, Level.REGION, country_id, rname, tz)
        verifiers = [self.user(f"synth_verifier{i}_{cc.lower()}_{rshort.lower()}", Role.VERIFIER, [region_id], lang)
                     for i in (1, 2, 3)]
        base_lat, base_lon = COUNTRY_CENTRE[cc]
        for oi, (oshort, oname) in enumerate(office_list):
            office_id = self._jurisdiction(f"{cc}-{rshort}-{oshort}", oshort, Level.OFFICE, region_id,
                                           f"{oname} office", tz)
            clerk = self.user(f"synth_clerk_{cc.lower()}_{rshort.lower()}_{oshort.lower()}", Role.CLERK, [office_id],
                              lang)
            self.offices.append(Office(office_id, cc, oshort, ZoneInfo(tz), base_lat + ri * 0.6 + oi * 0.2,
                                       base_lon + ri * 0.7 - oi * 0.25, clerk, verifiers, managers, *programmes))

    def _programme(self, country_id, name, kind, currency, lang, per_usd) -> Programme:
        pid = self._get_or_insert("programmes", {"name": name}, {
            "kind": kind.value, "jurisdiction_id": country_id, "currency": currency, "official_language": lang,
            "is_active": True, "created_at": self.now, "covered_predators": COVERED})
        return Programme(pid, currency, self._rates(pid, per_usd, currency), kind)

    def _rates(self, programme_id: int, per_usd: int, currency: str) -> dict:
        t_rates = Base.metadata.tables["rates"]
        rows = self.conn.execute(sa.select(t_rates.c.species, t_rates.c.age_class, t_rates.c.amount)
                                 .where(t_rates.c.programme_id == programme_id)).all()
        if rows:
            return {(Species(r.species), AgeClass(r.age_class)): Decimal(r.amount) for r in rows}
        table_id = self.writer.next_id("rate_tables")
        self.writer.write("rate_tables", [{"id": table_id, "programme_id": programme_id, "version": 1,
                                           "recorded_at": self.now, "recorded_by_id": None, "source": "synth",
                                           "note": "synthetic data"}])
        rates = _rate_amounts(per_usd, currency)
        valid_from = (self.now - timedelta(days=SPAN_DAYS + 30)).date()
        self.writer.write("rates", [{"id": self.writer.next_id("rates"), "rate_table_id": table_id,
                                     "programme_id": programme_id, "species": species.value, "age_class": age.value,
                                     "amount": amount, "valid_from": valid_from}
                                    for (species, age), amount in rates.items()])
        return rates

    def _seasons(self, scheme: Programme) -> None:
        t = Base.metadata.tables["insurance_seasons"]
        for year in range((self.now - timedelta(days=SPAN_DAYS + 30)).year, self.now.year + 1):
            name, starts, ends = str(year), date(year, 1, 1), date(year, 12, 31)
            found = self.conn.scalar(sa.select(t.c.id).where(t.c.programme_id == scheme.id, t.c.name == name))
            if found is None:
                found = self.writer.next_id("insurance_seasons")
                self.writer.write("insurance_seasons", [{"id": found, "programme_id": scheme.id, "name": name,
                                                         "starts_on": starts, "ends_on": ends,
                                                         "created_at": self.now, "created_by_id": None}])
            scheme.seasons[year] = Season(id=found, programme_id=scheme.id, name=name, starts_on=starts, ends_on=ends)
        funds = Base.metadata.tables["insurance_funds"]
        if self.conn.scalar(sa.select(funds.c.programme_id).where(funds.c.programme_id == scheme.id)) is None:
            self.writer.write("insurance_funds", [{"programme_id": scheme.id, "currency": scheme.currency,
                                                   "opened_at": self.now, "last_seq": 0}])

    def programmes(self) -> list[Programme]:
        return list({p.id: p for o in self.offices for p in (o.compensation, o.scheme)}.values())


SPECIES_USD = {Species.SHEEP: 120, Species.GOAT: 100, Species.CATTLE: 600, Species.HORSE: 800,
               Species.DONKEY: 250, Species.CAMEL: 1200, Species.YAK: 700, Species.DOG: 150}
YOUNG_SHARE = Decimal("0.45")


def _rate_amounts(per_usd: int, currency: str) -> dict:
    """Realistic rates: a US dollar price per head in the local currency, young animals at 45 %."""
    quantum = Decimal(1).scaleb(-currency_precision(currency))
    return {(species, age): (Decimal(usd) * per_usd * share).quantize(quantum, ROUND_HALF_UP)
            for species, usd in SPECIES_USD.items()
            for age, share in ((AgeClass.ADULT, Decimal(1)), (AgeClass.YOUNG, YOUNG_SHARE))}


def load_rules(programmes: list[Programme]) -> None:
    """Read each programme's rules, rates and zones back through the models, as the assessment does."""
    ids = {p.id for p in programmes}
    models = {m.id: m for m in db.session.scalars(sa.select(ProgrammeModel).where(ProgrammeModel.id.in_(ids)))}
    history = rate_history(ids)
    for programme in programmes:
        model = models[programme.id]
        programme.rules = rules_of(model)
        programme.zone_test = contains_test(model.exclusion_zones)
        programme.payment_sla_days = model.payment_sla_days
        programme.verification_sla_hours = model.verification_sla_hours
        programme.rate_history = {(s, a): rows for (pid, s, a), rows in history.items() if pid == programme.id}
    db.session.rollback()  # read only: hold no transaction while the bulk writer works

