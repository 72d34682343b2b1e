"""The annual bulletin: renders in en, fa and ru, one page per section, text extractable; figures equal the
reports' for the same year; the audit trail's head printed. Data: tests/oversight/report_data.py (year 2026)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from persiantools.jdatetime import JalaliDate

from claims.enums import YearCalendar
from conflict_service.audit.chain import chain_head
from conflict_service.db import db
from conflict_service.i18n import native_digits
from conflict_service.timeutil import utcnow
from oversight import bulletin
from tests.casefiles.pdftools import pdf_pages, pdf_text
from tests.helpers import bearer, login
from tests.oversight.report_data import build

SECTIONS = 4
SOLAR, GREGORIAN = YearCalendar.SOLAR_HIJRI, YearCalendar.GREGORIAN


@pytest.fixture
def data(world, make):
    return build(world, make)


def _pdf(client, world, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    r = client.get(f"/api/v1/reports/bulletin.pdf?{query}", headers=bearer(client, world.ir.auditor))
    assert r.status_code == 200, r.get_data(as_text=True)[:400]
    assert r.mimetype == "application/pdf"
    return r.data


def test_english_bulletin_of_a_country(client, world, data):
    pdf = _pdf(client, world, country=world.ir.country.code, year=2026, lang="en")
    text = " ".join(pdf_text(pdf).split())
    assert pdf_pages(pdf) == SECTIONS
    assert "Annual bulletin 2026" in text and world.ir.country.name in text
    assert "Claims filed 5" in text  # A–E, all filed in March 2026
    assert "Verified losses (animals) 10" in text
    assert "Leopard" in text and "Wolf" in text and "Page 1 of 4" in text
    seq, head = chain_head()
    assert head in text.replace(" ", "")
    assert data["F"].number not in text and "Armenia" not in text


def test_persian_bulletin_has_solar_years_and_persian_digits(client, world, data):
    pdf = _pdf(client, world, country=world.ir.country.code, year=2026, lang="fa")
    text = pdf_text(pdf)
    assert pdf_pages(pdf) == SECTIONS
    # Solar Hijri years with the Gregorian one, in Persian digits (pdftotext writes the right-to-left run reversed)
    assert "۱۴۰۵–۱۴۰۴" in text and "۲۰۲۶" in text and "2026" not in text
    assert "بولتن سالانه" in text
    assert "صفحه" in text and "از ۴" in text  # "Page … of 4" in Persian words and digits


def test_russian_bulletin_of_a_programme(client, world, data):
    pdf = _pdf(client, world, programme_id=world.ir.programme.id, year=2026, lang="ru", bilingual="true")
    text = pdf_text(pdf)
    assert pdf_pages(pdf) == SECTIONS
    assert "Ежегодный бюллетень" in text and "Леопард" in text
    assert "بولتن سالانه" in text  # bilingual: the programme's official language (fa) under the headings


def test_figures_equal_the_reports(client, world, data, app):
    headers = bearer(client, world.ir.auditor)
    with app.test_request_context():
        context = bulletin.build(world.ir.auditor, bulletin.Choice(year=2026, programme_id=world.ir.programme.id))
    fig = context["figures"]
    span = f"from=2026-01-01&to=2026-12-31&programme_id={world.ir.programme.id}"
    for group, key in (("predator", "paid_by_predator"), ("region", "paid_by_region")):
        api = client.get(f"/api/v1/reports/payouts?group_by={group}&{span}", headers=headers).get_json()["rows"]
        assert [(r[group], r["currency"], r["claims"], r["amount"]) for r in api] == \
               [(str(r[group]), r["currency"], r["claims"], str(r["amount"])) for r in fig[key]]
    api = client.get(f"/api/v1/reports/deadlines?{span}", headers=headers).get_json()["rows"]
    assert [(Decimal(r["verification"]["median"]), Decimal(r["payment"]["median"]), r["payment"]["within"])
            for r in api] == [(Decimal(str(r["verification"]["median"])), Decimal(str(r["payment"]["median"])),
                               r["payment"]["within"]) for r in fig["deadlines"]]
    assert sum(r["amount"] for r in fig["paid"]) == 1000 + 2000 + 3000 + 100
    assert sum(r["heads"] for r in fig["losses"]) == 10 and fig["claims_filed"] == 5


@pytest.mark.parametrize(("number", "calendar", "start_month", "first", "end", "label"), [
    (1404, SOLAR, 1, date(2025, 3, 21), date(2026, 3, 21), "1404"),
    (2025, SOLAR, 1, date(2025, 3, 21), date(2026, 3, 21), "1404"),  # the Solar Hijri year from Nowruz 2025
    (2026, GREGORIAN, 1, date(2026, 1, 1), date(2027, 1, 1), "2026"),
    (1404, GREGORIAN, 1, date(2025, 1, 1), date(2026, 1, 1), "2025"),  # the Gregorian year in which 1404 began
    (2026, GREGORIAN, 7, date(2026, 7, 1), date(2027, 7, 1), "2026/27"),
    (1405, SOLAR, 7, date(2026, 9, 23), date(2027, 9, 23), "1405/06"),  # from 1 Mehr
    (2026, SOLAR, 11, date(2026, 1, 21), date(2027, 1, 21), "1404/05"),  # 1 Bahman 1404 falls in January 2026
])
def test_a_year_is_named_in_either_calendar(number, calendar, start_month, first, end, label):
    year = bulletin.programme_year(number, calendar, start_month)
    assert (year.start, year.end, year.label) == (first, end, label)
    months = bulletin.year_months(year, calendar)
    assert len(months) == 12 and months[0].endswith(f"-{start_month:02d}")


def test_a_solar_hijri_programme_gets_its_own_year(client, world, data, app):
    """DESIGN §3: annual figures and the bulletin follow the programme year. The claims were filed on 10 Esfand 1404
    (1 March 2026), paid on either side of Nowruz 1405 (21 March 2026)."""
    world.ir.programme.year_calendar, world.ir.programme.year_start_month = SOLAR, 1
    db.session.commit()
    with app.test_request_context():
        for number in (1404, 2025):
            context = bulletin.build(world.ir.auditor, bulletin.Choice(year=number, country=world.ir.country.code))
            assert (context["start"], context["end"]) == (date(2025, 3, 21), date(2026, 3, 20))
            assert context["figures"]["claims_filed"] == 5
            assert sum(r["amount"] for r in context["figures"]["paid"]) == 1000 + 100  # A, and D's advance
            assert [b.value for b in context["figures"]["filed_chart"]["bars"]] == [0] * 11 + [5]  # all in Esfand
        later = bulletin.build(world.ir.auditor, bulletin.Choice(year=1405, programme_id=world.ir.programme.id))
        assert later["figures"]["claims_filed"] == 0 and sum(r["amount"] for r in later["figures"]["paid"]) == 5000
    english = " ".join(pdf_text(_pdf(client, world, programme_id=world.ir.programme.id, year=1404, lang="en")).split())
    assert "Annual bulletin 1404 (2025–2026)" in english and "From Mar 21, 2025 to Mar 20, 2026" in english
    r = client.get(f"/api/v1/reports/bulletin.pdf?year=1404&programme_id={world.ir.programme.id}",
                   headers=bearer(client, world.ir.auditor))
    assert 'filename="bulletin-' in r.headers["Content-Disposition"] and "-1404-en.pdf" in r.headers[
        "Content-Disposition"]


def test_bad_choices(client, world, data):
    headers = bearer(client, world.ir.manager)
    r = client.get("/api/v1/reports/bulletin.pdf?year=2026", headers=headers)
    assert r.status_code == 422 and "programme_id" in r.get_json()["errors"]
    r = client.get("/api/v1/reports/bulletin.pdf?year=1800&country=IR&lang=xx", headers=headers)
    assert r.status_code == 422 and {"year", "lang"} <= set(r.get_json()["errors"])
    r = client.get("/api/v1/reports/bulletin.pdf?year=1500&country=IR", headers=headers)
    assert r.get_json()["errors"]["year"] == [
        "Give a year from 1379 to 1479 (Solar Hijri) or from 2000 to 2100 (Gregorian)."]
    r = client.get(f"/api/v1/reports/bulletin.pdf?year=2026&country={world.am.country.code}", headers=headers)
    assert r.status_code == 404


def test_page_and_cli(client, runner, world, data, tmp_path):
    login(client, world.ir.manager)
    page = client.get("/reports/bulletin?lang=fa")
    assert page.status_code == 200 and "bilingual" in page.get_data(as_text=True)
    last_solar = native_digits(str(JalaliDate(utcnow().date()).year - 1), "fa")  # an Iranian manager: from Nowruz
    assert f'value="{last_solar}"' in page.get_data(as_text=True)
    r = client.get("/reports/bulletin.pdf?year=2026")
    assert r.status_code == 422
    r = client.get(f"/reports/bulletin.pdf?year=۲۰۲۶&country={world.ir.country.code}")  # Persian digits
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    out = tmp_path / "b.pdf"
    result = runner.invoke(args=["reports", "bulletin", "--user", "auditor_ir", "--country", world.ir.country.code,
                                 "--year", "2026", "--lang", "ru", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert pdf_pages(out.read_bytes()) == SECTIONS


@pytest.mark.committing
@pytest.mark.slow
def test_realistic_data_keeps_one_page_per_section(app, runner, tmp_path):
    """Synthetic data (every predator, most species, four regions, several seasons): still one page a section."""
    result = runner.invoke(args=["synth", "--claims", "600", "--seed", "3"])
    assert result.exit_code == 0, result.output
    for user, country, lang in (("synth_auditor_ir", "IR", "fa"), ("synth_auditor_am", "AM", "hy")):
        out = tmp_path / f"{country}.pdf"
        year = utcnow().year
        r = runner.invoke(args=["reports", "bulletin", "--user", user, "--country", country, "--year", str(year),
                                "--lang", lang, "--out", str(out)])
        assert r.exit_code == 0, r.output
        assert pdf_pages(out.read_bytes()) == SECTIONS
