"""Due for inspection, overdue for a vaccine (by each office's local date) and the per-village counts."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
import time_machine

from mitigation import queries
from mitigation.enums import MeasureKind, MeasureStatus, VaccineKind
from mitigation.rules import add_months, inspection_due_on, overdue_kinds
from tests.factories import at
from tests.mitigation.conftest import Builder

K, S, V = MeasureKind, MeasureStatus, VaccineKind


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2025, 11, 21), -12, date(2024, 11, 21)),
    (date(2025, 3, 31), -1, date(2025, 2, 28)),
    (date(2025, 12, 15), 1, date(2026, 1, 15)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_due_date_counts_from_the_last_inspection_or_installation():
    assert inspection_due_on(date(2025, 6, 1), None) == date(2026, 6, 1)
    assert inspection_due_on(date(2025, 6, 1), date(2026, 2, 10)) == date(2027, 2, 10)


def _vax(kind, given, due, id_=0):
    return SimpleNamespace(kind=kind, given_on=given, next_due_on=due, id=id_)


def test_overdue_kinds():
    today = date(2026, 11, 21)
    assert overdue_kinds([], today) == [V.RABIES]  # never vaccinated against rabies
    assert overdue_kinds([_vax(V.RABIES, date(2025, 11, 20), date(2026, 11, 20))], today) == [V.RABIES]
    assert overdue_kinds([_vax(V.RABIES, date(2025, 11, 21), date(2026, 11, 21))], today) == []  # due today
    renewed = [_vax(V.RABIES, date(2025, 1, 1), date(2026, 1, 1), 1), _vax(V.RABIES, date(2026, 1, 5), None, 2)]
    assert overdue_kinds(renewed, today) == []  # the latest dose decides
    assert overdue_kinds([_vax(V.DISTEMPER_PARVOVIRUS, date(2025, 1, 1), date(2026, 1, 1)),
                          _vax(V.RABIES, date(2026, 6, 1), date(2027, 6, 1))], today) == [V.DISTEMPER_PARVOVIRUS]


def test_due_for_inspection_list(build):
    due_never = build.measure(installed_on=date(2025, 11, 21))  # a year ago today, never inspected
    not_yet = build.measure(installed_on=date(2025, 11, 22))
    lapsed = build.measure(kind=K.FOXLIGHT, installed_on=date(2024, 1, 1))
    build.inspect(lapsed, date(2025, 11, 20), S.NEEDS_REPAIR)
    recent = build.measure(kind=K.ELECTRIC_FENCE, installed_on=date(2024, 1, 1))
    build.inspect(recent, date(2026, 5, 1), S.FAILED)
    gone = build.measure(kind=K.TRAINING, installed_on=date(2020, 1, 1))
    build.inspect(gone, date(2021, 1, 1), S.ABANDONED)
    manager = build.world.ir.manager
    listed = queries.measures_page(manager, queries.MeasureFilters(due=True)).items
    assert {m.id for m in listed} == {due_never.id, lapsed.id}
    assert queries.count_due(manager) == 2
    assert [m.is_due_for_inspection for m in (due_never, not_yet, lapsed, recent, gone)] == [
        True, False, True, False, False]


def test_due_uses_each_offices_local_date(world, make, ctx):
    """At 20:15 UTC it is still 20 November in Tehran (UTC+3:30) but already the 21st in Yerevan (UTC+4)."""
    with time_machine.travel(at(2026, 11, 20, 20, 15), tick=False):
        build = Builder(world, make)
        ir = build.measure(installed_on=date(2025, 11, 21))
        am = build.measure(country="am", installed_on=date(2025, 11, 21), currency="AMD", cost=1000,
                           owner_contribution=0)
        both = make.user("auditor", world.ir.country, world.am.country)
        listed = queries.measures_page(both, queries.MeasureFilters(due=True)).items
        assert [m.id for m in listed] == [am.id]
        assert (ir.is_due_for_inspection, am.is_due_for_inspection) == (False, True)


def test_overdue_dogs_list_matches_the_rule(build):
    def dog(name, *doses, status=None):
        measure = build.measure(kind=K.GUARDIAN_DOG, dog={"name": name, "sex": "female", "birth_year": 2020})
        for kind, given, due in doses:
            build.vaccinate(measure.dog, kind, given, due)
        if status:
            build.inspect(measure, date(2026, 1, 1), status)
        return measure.dog

    never = dog("Never")
    lapsed = dog("Lapsed", (V.RABIES, date(2025, 11, 1), None))  # default due 2026-11-01
    due_today = dog("DueToday", (V.RABIES, date(2025, 11, 21), None))
    renewed = dog("Renewed", (V.RABIES, date(2024, 5, 1), None), (V.RABIES, date(2026, 5, 1), None))
    distemper = dog("Distemper", (V.RABIES, date(2026, 5, 1), None), (V.DISTEMPER_PARVOVIRUS, date(2025, 3, 1), None))
    other = dog("Other", (V.RABIES, date(2026, 5, 1), None), (V.OTHER, date(2025, 3, 1), date(2025, 9, 1)))
    gone = dog("Gone", status=S.ABANDONED)
    failed = dog("FailedButKept", status=S.FAILED)
    clerk = build.world.ir.clerk
    listed = queries.dogs_page(clerk, overdue=True).items
    assert sorted(d.name for d in listed) == ["Distemper", "FailedButKept", "Lapsed", "Never", "Other"]
    assert queries.count_overdue_dogs(clerk) == 5
    every = queries.dogs_page(clerk).items
    assert gone.measure_id not in {d.measure_id for d in every} and len(every) == 7
    # the page's badge (rules.overdue_kinds) agrees with the list (SQL) for every dog
    for d in every:
        assert bool(d.overdue) == (d in listed), d.name
    assert never.overdue == [V.RABIES] and lapsed.overdue == [V.RABIES] and due_today.overdue == []
    assert renewed.overdue == [] and distemper.overdue == [V.DISTEMPER_PARVOVIRUS] and other.overdue == [V.OTHER]
    assert failed.overdue == [V.RABIES]


def test_village_summaries(build):
    a = build.owner(village="Chehelmir")
    b = build.owner(village="Chehelmir")
    c = build.owner(village="Lotfabad")
    corral = build.measure(a)
    build.measure(a, K.FOXLIGHT, cost=15000000, owner_contribution=0)
    build.measure(b)
    fence = build.measure(c, K.ELECTRIC_FENCE, cost=15000000, owner_contribution=0)
    build.inspect(corral, date(2026, 1, 1), S.NEEDS_REPAIR)
    build.inspect(fence, date(2026, 1, 1), S.FAILED)
    rows = queries.village_summaries(build.world.ir.auditor, queries.MeasureFilters())
    assert [(r.village, r.households, r.measures, r.attention) for r in rows] == [("Chehelmir", 2, 3, 1),
                                                                                  ("Lotfabad", 1, 1, 1)]
    assert rows[0].by_kind == {K.PREDATOR_PROOF_CORRAL: 2, K.FOXLIGHT: 1}
    only = queries.village_summaries(build.world.ir.auditor, queries.MeasureFilters(kind=K.FOXLIGHT))
    assert [(r.village, r.measures) for r in only] == [("Chehelmir", 1)]
