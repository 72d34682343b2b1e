"""The dashboard (managers, auditors) and the public transparency figures."""

import re

import pytest

from conflict_service.db import db
from tests.helpers import login
from tests.oversight.report_data import build


@pytest.fixture
def data(world, make):
    return build(world, make)


@pytest.mark.parametrize("role", ["manager", "auditor"])
def test_dashboard_renders(client, world, data, role, time_machine):
    time_machine.move_to("2026-04-20T12:00:00Z")
    login(client, getattr(world.ir, role))
    r = client.get("/dashboard")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert 'class="incident-map"' in html and 'class="bars"' in html
    assert f'/claims/{data["A"].id}' in html  # an incident point links to its claim
    assert "Leopard" in html and "Wolf" in html
    assert data["F"].number not in html  # Armenia's claim is outside the Iranian manager's scope
    assert " style=" not in html  # the CSP forbids inline styles


def test_dashboard_lists_overdue_payments(client, world, data, time_machine):
    time_machine.move_to("2026-04-20T12:00:00Z")  # D (due 03-10) and E (due 03-20) are overdue
    login(client, world.ir.manager)
    html = client.get("/dashboard").get_data(as_text=True)
    section = html.split('id="overdue-p"')[1].split("</section>")[0]
    assert data["D"].number in section and data["E"].number in section and data["A"].number not in section


def test_dashboard_names_the_zone_of_overdue_verifications(client, world, make, data, time_machine):
    time_machine.move_to("2026-04-01T08:00:00Z")
    make.claim(world.ir)  # filed, never visited: overdue for verification by the 20th
    db.session.commit()
    time_machine.move_to("2026-04-20T12:00:00Z")
    login(client, world.ir.manager)
    section = client.get("/dashboard").get_data(as_text=True).split('id="overdue-v"')[1].split("</section>")[0]
    assert "<table" in section and section.count("Times are local to the office (Tehran, GMT+03:30).") == 1


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_losses_chart_reads_in_the_pages_direction(client, world, data, lang, time_machine):
    """Labels first where the reader starts (left in English, right in Persian) and bars growing away from them, in
    a scroll box that keeps the page's direction (it starts at the labels)."""
    time_machine.move_to("2026-04-20T12:00:00Z")
    login(client, world.ir.manager)
    page = client.get(f"/dashboard?lang={lang}").get_data(as_text=True)
    box = page.split('id="losses-h"')[1].split("</svg>")[0]
    assert 'dir="ltr"' not in page.split('id="losses-h"')[1].split("<svg")[0]
    label_x = float(re.search(r'<text x="([\d.]+)"[^>]*fill="#1f2328"', box).group(1))
    bar = re.search(r'<rect x="([\d.]+)"[^>]*width="([\d.]+)"', box)
    bar_start, bar_end = float(bar.group(1)), float(bar.group(1)) + float(bar.group(2))
    if lang == "fa":
        assert label_x > bar_end - 0.01 and 'text-anchor="start"' in box
    else:
        assert label_x < bar_start and 'text-anchor="end"' in box


def test_dashboard_refused_to_clerks(client, world):
    login(client, world.ir.clerk)
    assert client.get("/dashboard").status_code == 403


def test_dashboard_needs_sign_in(client):
    assert client.get("/dashboard").status_code == 302


def test_transparency_is_public_and_suppresses_small_cells(client, world, data):
    r = client.get("/api/v1/public/transparency")
    assert r.status_code == 200
    body = r.get_json()
    rows = {(row["region"], row["month"]): row for row in body["rows"]}
    assert body["min_claims"] == 3
    march = rows[(world.ir.region.code, "2026-03")]
    assert march["claims_filed"] == 5 and march["verified_animals"] == 10
    assert march["paid"] == [{"currency": "IRR", "claims": 3, "amount": "3100"}]
    assert march["median_days_to_payment"] is None and march["suppressed"] == ["median_days_to_payment"]  # 2 paid
    april = rows[(world.ir.region.code, "2026-04")]
    assert april["paid"] == [{"currency": "IRR", "claims": None, "amount": None}]
    armenia = rows[(world.am.region.code, "2026-03")]
    assert armenia["claims_filed"] is None and armenia["verified_animals"] is None
    assert "claims_filed" in armenia["suppressed"]


def test_transparency_has_no_personal_data(client, world, data):
    text = client.get("/api/v1/public/transparency").get_data(as_text=True)
    page = client.get("/transparency")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "fewer than 3 claims" in html and "withheld" in html
    for claim in data.values():
        for leak in (claim.number, claim.owner.name, claim.owner.national_id, claim.owner.phone):
            assert leak not in text and leak not in html
    assert not re.search(r"IR-[A-Z]+-2026-\d{6}", html)


def test_the_transparency_page_publishes_the_signed_head_of_the_audit_chain(client, world, make):
    from conflict_service.audit.keys import verify_head
    from conflict_service.audit.operations import run_chain_check
    from conflict_service.db import db

    make.claim(world.ir)
    db.session.commit()
    check = run_chain_check("auditor_ir")
    db.session.commit()
    html = client.get("/transparency").get_data(as_text=True)
    head = re.search(r"<code[^>]*>(\d+):([0-9a-f]{64})</code>", html)
    signature, public_key = re.findall(r'<code class="ltr wrap-anywhere">([A-Za-z0-9+/=]{40,})</code>', html)
    assert head and (int(head[1]), head[2]) == (check.head_seq, check.head_hash)
    assert verify_head(public_key, check.head_seq, check.head_hash, signature)


def test_a_persian_reader_sees_figures_counted_in_solar_hijri_months(client, world, data, time_machine):
    """Issue 20 point 4: the months are the reader's, and the figures are counted in them, not relabelled: March
    2026 holds Esfand 1404 and the first days of Farvardin 1405 (Nowruz was on 21 March)."""
    from oversight import transparency

    rows = {(r["region"], r["month"]): r for r in transparency.figures("solar_hijri")}
    esfand, farvardin = rows[(world.ir.region.code, "1404-12")], rows[(world.ir.region.code, "1405-01")]
    assert esfand["claims_filed"] == 5 and esfand["verified_animals"] == 10  # all filed and visited on 1-5 March
    withheld = [{"currency": "IRR", "claims": None, "amount": None}]
    assert esfand["paid"] == farvardin["paid"] == withheld  # A and D's advance in Esfand; B and C after Nowruz
    page = client.get("/transparency?lang=fa").get_data(as_text=True)
    assert "اسفند ۱۴۰۴" in page and "فروردین ۱۴۰۵" in page and "2026" not in page
    assert "حمل ۱۴۰۵" in client.get("/transparency?lang=fa_AF").get_data(as_text=True)  # Afghan month names
    assert "March 2026" in client.get("/transparency?lang=en").get_data(as_text=True)
    assert client.get("/api/v1/public/transparency").get_json()["rows"][0]["month"].startswith("2026-")  # ISO

    time_machine.move_to("2026-04-20T12:00:00Z")
    login(client, world.ir.manager)
    report = client.get("/reports/payouts?group_by=month&lang=fa").get_data(as_text=True)
    assert "اسفند ۱۴۰۴" in report and "فروردین ۱۴۰۵" in report
    dashboard = client.get("/dashboard?lang=fa").get_data(as_text=True)
    assert "<title>فروردین ۱۴۰۵:" in dashboard and "<title>اسفند ۱۴۰۴:" in dashboard
    csv = client.get("/reports/payouts.csv?group_by=month").get_data(as_text=True)
    assert "2026-03" in csv  # a spreadsheet keeps ISO months


def test_the_paid_by_month_chart_is_labelled_with_the_currencys_name(client, world, data, time_machine):
    time_machine.move_to("2026-04-20T12:00:00Z")
    login(client, world.ir.manager)
    html = client.get("/dashboard?lang=fa").get_data(as_text=True)
    chart = html.split('aria-labelledby="paid-by-month paid-1"')[1][:600]
    assert 'aria-label="مبالغ پرداخت‌شده در هر ماه به ریال ایران"' in chart and "IRR" not in chart
