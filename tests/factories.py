"""Builders for test data. Users are created with a pre-computed password hash to keep the suite fast."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from claims.enums import AgeClass, LossOutcome, ProgrammeKind, Species, TimeOfDay
from claims.models import Programme
from claims.operations import register_owner, submit_claim
from conflict_service.auth.models import Role, User
from conflict_service.auth.passwords import hash_password
from conflict_service.db import db
from conflict_service.jurisdictions.operations import create_jurisdiction
from conflict_service.jurisdictions.queries import forget_tree
from conflict_service.timeutil import utcnow

PASSWORD = "correct horse battery"  # noqa: S105
_HASH = hash_password(PASSWORD)


@dataclass
class Country:
    country: object
    region: object
    office: object
    programme: object
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name):  # world.ir.clerk, world.ir.manager2 ...
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


@dataclass
class World:
    ir: Country
    am: Country


class Factory:
    def __init__(self):
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def jurisdiction(self, short_code, name=None, parent=None, timezone=None):
        j = create_jurisdiction({"short_code": short_code, "name": name or short_code,
                                 "parent_id": parent.id if parent else None, "timezone": timezone}, actor=None)
        forget_tree()
        return j

    def user(self, role: Role | str, *jurisdictions, username: str | None = None, **extra) -> User:
        role = Role(role)
        user = User(username=username or f"{role.value}{self._next()}", role=role, password_hash=_HASH,
                    jurisdictions=list(jurisdictions), full_name=extra.pop("full_name", ""), **extra)
        db.session.add(user)
        db.session.flush()
        return user

    def programme(self, jurisdiction, *, kind=ProgrammeKind.COMPENSATION, currency="IRR", language="fa", **rules):
        programme = Programme(name=rules.pop("name", f"Programme {self._next()}"), kind=kind,
                              jurisdiction_id=jurisdiction.id, currency=currency, official_language=language, **rules)
        db.session.add(programme)
        db.session.flush()
        return programme

    def country(self, code, tz, currency, language) -> Country:
        country = self.jurisdiction(code, f"Country {code}", timezone=tz)
        region = self.jurisdiction("REG", f"Region of {code}", parent=country)
        office = self.jurisdiction("OFF", f"Office of {code}", parent=region)
        programme = self.programme(country, currency=currency, language=language)
        c = Country(country, region, office, programme)
        c.users = {
            "clerk": self.user("clerk", office, username=f"clerk_{code.lower()}"),
            "clerk2": self.user("clerk", office, username=f"clerk2_{code.lower()}"),
            "verifier": self.user("verifier", region, username=f"verifier_{code.lower()}"),
            "verifier2": self.user("verifier", region, username=f"verifier2_{code.lower()}"),
            "manager": self.user("manager", country, username=f"manager_{code.lower()}"),
            "manager2": self.user("manager", country, username=f"manager2_{code.lower()}"),
            "auditor": self.user("auditor", country, username=f"auditor_{code.lower()}"),
        }
        return c

    def world(self) -> World:
        ir = self.country("IR", "Asia/Tehran", "IRR", "fa")
        am = self.country("AM", "Asia/Yerevan", "AMD", "hy")
        admin = self.user("admin", ir.country, am.country, username="admin")
        ir.users["admin"] = am.users["admin"] = admin
        return World(ir, am)

    def owner(self, clerk, office, **overrides):
        n = self._next()
        data = {"name": f"Owner {n}", "village": "Chehelmir", "office_id": office.id,
                "national_id": f"12{n:08d}", "phone": "+98 915 123 4567", "home_lat": 37.44, "home_lon": 59.11,
                "preferred_language": "fa", "herd": [{"species": Species.SHEEP, "head_count": 120,
                                                      "counted_on": date(2026, 4, 1)}],
                "another_household": True}  # distinct households by construction (a test may give two the same ID)
        data.update(overrides)
        return register_owner(data, clerk)

    def claim_data(self, owner, programme, **overrides) -> dict:
        data = {"owner_id": owner.id, "programme_id": programme.id,
                "incident_at": utcnow() - timedelta(days=1), "incident_lat": 37.45, "incident_lon": 59.12,
                "incident_village": "Chehelmir", "time_of_day": TimeOfDay.NIGHT, "is_in_corral": False,
                "is_herder_present": False, "is_guard_dog_present": False, "narrative": "Two sheep killed at night.",
                "lines": [{"species": Species.SHEEP, "age_class": AgeClass.ADULT, "outcome": LossOutcome.KILLED,
                           "count": 2}]}
        data.update(overrides)
        return data

    def claim(self, country: Country, owner=None, **overrides):
        owner = owner or self.owner(country.clerk, country.office)
        claim, _ = submit_claim(self.claim_data(owner, country.programme, **overrides), country.clerk)
        return claim


def at(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def money(value) -> Decimal:
    return Decimal(str(value))
