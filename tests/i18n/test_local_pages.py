"""Pages in the reader's conventions (DESIGN §14): times with their zone on the audit page and in exports, IRR in
toman where the programme asks for it, and the Gregorian echo of a typed Solar Hijri date."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine

from conflict_service.db import db
from tests.factories import at
from tests.helpers import bearer, csrf_token, login, post_form

FILED = at(2026, 11, 20, 17, 16)  # 20:46 in Tehran


@pytest.fixture
def claim(world, make):
    with time_machine.travel(FILED, tick=False):
        claim = make.claim(world.ir)
    db.session.commit()
    return claim


def test_the_audit_page_shows_the_viewers_office_time_with_its_zone(client, world, claim):
    login(client, world.ir.auditor)
    page = client.get("/audit?lang=en").get_data(as_text=True)
    assert "Nov 20, 2026 8:46\u202fPM (Tehran, GMT+03:30)" in page
    assert "5:16\u202fPM" not in page  # not UTC without saying so
    persian = client.get("/audit?lang=fa").get_data(as_text=True)
    assert "۲۹ آبان ۱۴۰۵ ۲۰:۴۶ (تهران، \u2066+۰۳:۳۰\u2069 گرینویچ)" in persian


def test_exports_give_times_on_the_viewers_office_clock_and_name_the_zone(client, world, claim):
    r = client.get("/api/v1/exports/claims.csv", headers=bearer(client, world.ir.manager))
    row = next(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert row["filed_at"] == "2026-11-20T20:46:00+03:30" and row["timezone"] == "Asia/Tehran"


def test_rials_are_also_shown_in_toman_when_the_programme_asks(client, world, claim):
    login(client, world.ir.manager)
    programme = world.ir.programme
    path = f"/programmes/{programme.id}"
    assert "toman" not in client.get(f"{path}?lang=en").get_data(as_text=True)
    form = client.get(f"{path}/edit?lang=en").get_data(as_text=True)
    assert 'name="is_toman_shown"' in form
    data = {"name": programme.name, "official_language": "fa", "is_active": ["false", "true"],
            "is_toman_shown": ["false", "true"], "covered_predators": ["leopard"], "min_confidence": "probable"}
    r = post_form(client, f"{path}/edit?lang=en", data)
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    db.session.expire_all()
    assert programme.is_toman_shown
    page = client.get(f"{path}?lang=fa").get_data(as_text=True)
    assert "تومان" in page
    armenian = world.am.programme
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, world.am.manager)
    assert 'name="is_toman_shown"' not in client.get(f"/programmes/{armenian.id}/edit").get_data(as_text=True)


def test_a_typed_solar_hijri_date_is_echoed_in_gregorian(client, world):
    login(client, world.ir.clerk)
    token = csrf_token(client, "/")
    client.post("/language", data={"lang": "fa_AF", "next": "/", "csrf_token": token})
    ok = client.get("/dates/echo", query_string={"value": "۱۴ قوس ۱۴۰۵"}).get_json()
    assert ok == {"iso": "2026-12-05", "text": "شنبه ۵ دسمبر ۲۰۲۶", "error": None}
    bad = client.get("/dates/echo", query_string={"value": "۳۰ حوت ۱۴۰۴"}).get_json()
    assert bad["iso"] is None and bad["error"]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/dates/echo?value=1405/09/14").status_code == 302  # for signed-in users
