"""Every date the API takes is within a sane range (1900 to five years ahead), answered with a clear 422 — a year
0001 or 9999 used to be stored and then break every page that shows it in fa, fa_AF and ps (issue 16, item 2)."""

from __future__ import annotations

import pytest
import time_machine

from conflict_service.db import db
from tests.factories import at
from tests.helpers import bearer

RANGE = "Give a date between Jan 1, 1900 and Dec 31, 2031."


def _messages(errors) -> list[str]:
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, list):
        return [m for value in errors for m in _messages(value)]
    return [str(errors)]


def _requests(world, owner_id):
    ir = world.ir
    return [
        ("clerk", "post", "/api/v1/claims", lambda d: {"owner_id": owner_id, "programme_id": ir.programme.id,
                                                        "incident_at": f"{d}T10:00:00+03:30"}),
        ("clerk", "post", "/api/v1/claims", lambda d: {"incident_date": d}),
        ("clerk", "get", "/api/v1/claims?incident_from={d}", None),
        ("clerk", "post", "/api/v1/owners", lambda d: {"herd": [{"species": "sheep", "head_count": 1,
                                                                  "counted_on": d}]}),
        ("manager", "post", f"/api/v1/programmes/{ir.programme.id}/rates",
         lambda d: {"entries": [{"species": "sheep", "age_class": "adult", "amount": "100", "valid_from": d}]}),
        ("clerk", "post", "/api/v1/mitigations", lambda d: {"owner_id": owner_id, "installed_on": d}),
        ("manager", "post", "/api/v1/freezes", lambda d: {"programme_id": ir.programme.id, "killed_on": d}),
        ("manager", "post", f"/api/v1/schemes/{ir.programme.id}/seasons", lambda d: {"starts_on": d, "ends_on": d}),
        ("manager", "post", f"/api/v1/schemes/{ir.programme.id}/contributions", lambda d: {"received_on": d}),
        ("manager", "get", "/api/v1/reports/payouts?from={d}", None),
    ]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2032-01-01", "۹۹۹۹-۱۲-۳۱"])
def test_every_date_outside_the_range_is_a_422_that_says_so(client, world, make, day):
    with time_machine.travel(at(2026, 11, 21, 9, 0), tick=False):
        owner = make.owner(world.ir.clerk, world.ir.office)
        db.session.commit()
        for role, method, path, body in _requests(world, owner.id):
            headers = bearer(client, getattr(world.ir, role))
            if body is None:
                r = client.get(path.format(d=day), headers=headers)
            else:
                r = getattr(client, method)(path, json=body(day), headers=headers)
            assert r.status_code == 422, (path, r.status_code, r.get_json())
            assert RANGE in _messages(r.get_json()["errors"]), (path, r.get_json())


def test_the_edges_of_the_range_are_dates(client, world, make):
    with time_machine.travel(at(2026, 11, 21, 9, 0), tick=False):
        headers = bearer(client, world.ir.manager)
        for day in ("1900-01-01", "2031-12-31"):
            r = client.get(f"/api/v1/claims?incident_from={day}", headers=headers)
            assert r.status_code == 200, r.get_json()
