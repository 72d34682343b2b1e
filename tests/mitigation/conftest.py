"""Fixtures for mitigation tests: measures through the real operations, and an API caller per world user."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from mitigation.enums import DogSex, MeasureKind
from mitigation.operations import create_measure, record_inspection, record_vaccination
from tests.factories import at
from tests.helpers import bearer

NOW = at(2026, 11, 21, 9, 0)  # 12:30 in Tehran, 13:00 in Yerevan


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def measure_data(owner, kind=MeasureKind.PREDATOR_PROOF_CORRAL, **overrides) -> dict:
    data = {"owner_id": owner.id, "kind": kind, "installed_on": date(2025, 6, 1), "site": "winter corral",
            "lat": None, "lon": None, "cost": Decimal("300000000"), "currency": "IRR", "funder": "Conservation fund",
            "owner_contribution": Decimal("30000000"), "notes": ""}
    if kind == MeasureKind.GUARDIAN_DOG:
        data["dog"] = {"name": "Sardar", "sex": DogSex.MALE, "birth_year": 2023}
    data.update(overrides)
    return data


class Builder:
    """Measures, inspections and vaccinations as a clerk of the owner's country would record them."""

    def __init__(self, world, make):
        self.world, self.make = world, make

    def owner(self, country="ir", **overrides):
        c = getattr(self.world, country)
        return self.make.owner(c.clerk, c.office, **overrides)

    def measure(self, owner=None, kind=MeasureKind.PREDATOR_PROOF_CORRAL, country="ir", **overrides):
        owner = owner or self.owner(country)
        clerk = self.world.am.clerk if owner.office_id == self.world.am.office.id else self.world.ir.clerk
        return create_measure(measure_data(owner, kind, **overrides), clerk)

    def inspect(self, measure, day: date, status, user=None):
        return record_inspection(measure, {"inspected_on": day, "status": status, "notes": ""},
                                 user or self.world.ir.verifier)

    def vaccinate(self, dog, kind, given_on: date, next_due_on=None, user=None):
        return record_vaccination(dog, {"kind": kind, "given_on": given_on, "next_due_on": next_due_on, "notes": ""},
                                  user or self.world.ir.clerk)


@pytest.fixture
def build(world, make, clock) -> Builder:
    return Builder(world, make)


@pytest.fixture
def api(client, world):
    """Call the API as a world user: api("clerk"), api("am_verifier")."""

    class Caller:
        def __init__(self, headers):
            self.headers = headers

        def __getattr__(self, method):
            return lambda path, **kw: getattr(client, method)(path, headers=self.headers, **kw)

    cache: dict = {}

    def as_user(name: str) -> Caller:
        country, _, role = name.rpartition("_")
        if name not in cache:
            cache[name] = Caller(bearer(client, getattr(getattr(world, country or "ir"), role)))
        return cache[name]

    return as_user
