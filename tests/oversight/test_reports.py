"""Reports against a fixed dataset (tests/oversight/report_data.py) with hand-worked expectations."""

import csv
import io

import pytest
from flask import request

from oversight.performance_payouts import payout_rows
from oversight.report_schemas import PayoutQuerySchema, PayoutReportSchema, filters
from tests.helpers import bearer, login
from tests.oversight.report_data import build


@pytest.fixture
def data(world, make):
    return build(world, make)


def _get(client, user, path):
    r = client.get(path, headers=bearer(client, user))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_payouts_by_month(client, world, data):
    body = _get(client, world.ir.manager, "/api/v1/reports/payouts?group_by=month")
    assert body["group_by"] == ["month"]
    # March: A 1000 + B 2000 + D's advance 100 = 3100 over 3 claims; April: C 3000.
    assert body["rows"] == [{"month": "2026-03", "currency": "IRR", "claims": 3, "amount": "3100"},
                            {"month": "2026-04", "currency": "IRR", "claims": 1, "amount": "3000"}]


def test_payouts_by_region_programme_predator(client, world, data):
    rows = _get(client, world.ir.auditor, "/api/v1/reports/payouts?group_by=region,programme,predator")["rows"]
    assert [(r["region"], r["programme"], r["predator"], r["claims"], r["amount"]) for r in rows] == [
        (world.ir.region.code, world.ir.programme.id, "leopard", 3, "6000"),
        (world.ir.region.code, world.ir.programme.id, "wolf", 1, "100")]


def test_payouts_split_across_species_by_verified_head(client, world, data):
    rows = _get(client, world.ir.manager, "/api/v1/reports/payouts?group_by=species")["rows"]
    # A's 1000 is half sheep, half goat (2 + 2 head): sheep 500 + C 3000 + D 100; goat 500; cattle B 2000.
    assert {r["species"]: (r["claims"], r["amount"]) for r in rows} == {
        "sheep": (3, "3600"), "goat": (1, "500"), "cattle": (1, "2000")}


def test_payouts_date_filter_and_office(client, world, data):
    rows = _get(client, world.ir.manager, "/api/v1/reports/payouts?group_by=office&from=2026-04-01&to=2026-04-30")
    assert rows["rows"] == [{"office": world.ir.office.code, "office_name": world.ir.office.name, "currency": "IRR",
                             "claims": 1, "amount": "3000"}]


def test_foreign_manager_sees_only_their_own(client, world, data):
    rows = _get(client, world.am.manager, "/api/v1/reports/payouts?group_by=region,month")["rows"]
    assert [(r["region"], r["currency"], r["amount"]) for r in rows] == [(world.am.region.code, "AMD", "700.00")]
    assert _get(client, world.am.manager, "/api/v1/reports/liabilities")["rows"] == []
    deadlines = _get(client, world.am.auditor, "/api/v1/reports/deadlines")["rows"]
    assert [r["programme"] for r in deadlines] == [world.am.programme.id]


@pytest.mark.parametrize("query", ["group_by=region,bogus", "group_by=month,month", "from=2026-05-01&to=2026-04-01"])
def test_bad_query_is_422_per_field(client, world, query):
    r = client.get(f"/api/v1/reports/payouts?{query}", headers=bearer(client, world.ir.manager))
    assert r.status_code == 422
    field = "to" if query.startswith("from") else "group_by"
    assert list(r.get_json()["errors"]) == [field]


def test_bad_group_by_on_the_page(client, world):
    login(client, world.ir.manager)
    r = client.get("/reports/payouts?group_by=bogus")
    assert r.status_code == 422 and "Unknown dimension: bogus" in r.get_data(as_text=True)


def test_deadlines(client, world, data):
    rows = _get(client, world.ir.manager, "/api/v1/reports/deadlines")["rows"]
    assert len(rows) == 1
    verification, payment = rows[0]["verification"], rows[0]["payment"]
    # Hours to verification 5, 10, 20, 30, 100: median 20; p90 at position 3.6 = 30 + 0.6 × 70 = 72;
    # within 72 h: 4 of 5.
    assert verification == {"count": 5, "median": "20.0", "p90": "72.0", "within": 4, "share_within": "0.800",
                            "limit": 72, "open_late": 0}
    # Days from approval to final payment 10, 20, 40: median 20; p90 at position 1.8 = 20 + 0.8 × 20 = 36;
    # within 30 days: 2 of 3 paid, and D and E, unpaid long past their due dates, are late too: 2 of 5.
    assert payment == {"count": 3, "median": "20.0", "p90": "36.0", "within": 2, "share_within": "0.400",
                       "limit": 30, "open_late": 2}
    assert rows[0]["decision"] == {"count": 0, "median": None, "p90": None, "within": 0, "share_within": None,
                                   "limit": None, "open_late": 0}


def test_deadlines_by_month(client, world, data):
    rows = _get(client, world.ir.manager, "/api/v1/reports/deadlines?group_by=month")["rows"]
    march = next(r for r in rows if r["month"] == "2026-03")
    april = next(r for r in rows if r["month"] == "2026-04")
    assert march["payment"]["count"] == 2 and march["payment"]["median"] == "15.0"  # 10 and 20 days
    assert april["payment"]["median"] == "40.0" and april["verification"]["count"] == 0
    assert march["payment"]["open_late"] == 2 and april["payment"]["open_late"] == 0  # D and E fell due in March


def test_liabilities(client, world, data):
    rows = _get(client, world.ir.manager, "/api/v1/reports/liabilities")["rows"]
    # D: 1000 approved less the 100 advance; E: 500 approved, nothing paid.
    assert [(r["programme"], r["currency"], r["claims"], r["amount"], r["oldest"][:10]) for r in rows] == [
        (world.ir.programme.id, "IRR", 2, "1400", "2026-03-10")]


def test_csv_downloads(client, world, data):
    login(client, world.ir.auditor)
    r = client.get("/reports/payouts.csv?group_by=month,predator")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert list(csv.reader(io.StringIO(r.get_data(as_text=True)))) == [
        ["month", "predator", "currency", "claims", "amount"],
        ["2026-03", "leopard", "IRR", "2", "3000"], ["2026-03", "wolf", "IRR", "1", "100"],
        ["2026-04", "leopard", "IRR", "1", "3000"]]
    deadlines = list(csv.DictReader(io.StringIO(client.get("/reports/deadlines.csv").get_data(as_text=True))))
    assert deadlines[0]["payment_p90"] == "36.0" and deadlines[0]["verification_within"] == "4"
    liabilities = list(csv.DictReader(io.StringIO(client.get("/reports/liabilities.csv").get_data(as_text=True))))
    assert liabilities[0]["amount"] == "1400"


def test_pages_show_the_figures(client, world, data):
    login(client, world.ir.manager)
    page = client.get("/reports/payouts?group_by=species").get_data(as_text=True)
    assert "Cattle" in page and "Goat" in page
    assert "72" in client.get("/reports/deadlines").get_data(as_text=True)
    assert client.get("/reports/liabilities").status_code == 200


def test_group_by_is_chosen_with_named_boxes(client, world, data):
    """A clerk ticks translated names; nobody types the codes (region, month) of the API."""
    login(client, world.ir.manager)
    page = client.get("/reports/payouts?group_by=month&group_by=species&lang=fa").get_data(as_text=True)
    assert 'value="month" checked' in page and 'value="species" checked' in page and 'value="region">' in page
    assert "نوع دام" in page and "Comma-separated" not in page  # the species box, named in Persian
    refused = client.get("/reports/payouts?group_by=month&group_by=species&from=2026-05-01&to=2026-04-01")
    assert refused.status_code == 422 and 'value="species" checked' in refused.get_data(as_text=True)  # kept
    csv_lines = client.get("/reports/payouts.csv?group_by=month&group_by=species").get_data(as_text=True)
    assert csv_lines.splitlines()[0].startswith("month,species,")


def test_cli(runner, world, data):
    r = runner.invoke(args=["reports", "payouts", "--user", "auditor_ir", "--group-by", "month", "--csv"])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == ["month,currency,claims,amount", "2026-03,IRR,3,3100", "2026-04,IRR,1,3000"]
    table = runner.invoke(args=["reports", "liabilities", "--user", "manager_ir"])
    assert "1400" in table.output and "(1 rows)" in table.output
    deadlines = runner.invoke(args=["reports", "deadlines", "--user", "manager_ir", "--csv"])
    assert "72.0" in deadlines.output
    bad = runner.invoke(args=["reports", "payouts", "--user", "manager_ir", "--group-by", "nope"])
    assert bad.exit_code != 0 and "Unknown dimension" in bad.output


def test_clerks_get_no_reports(client, world):
    assert client.get("/api/v1/reports/payouts", headers=bearer(client, world.ir.clerk)).status_code == 403


def test_a_same_day_confirmation_stored_before_the_approval_shows_no_negative_duration(client, world, make, data):
    """A bank statement's day was once recorded at local midnight, before an approval made later that day."""
    from datetime import timedelta

    from claims.states import ClaimState
    from conflict_service.db import db
    from payouts.enums import PaymentKind
    from tests.factories import at
    from tests.oversight import report_data as rd

    g = rd._claim(make, world.ir, ClaimState.PAID, 4, [(rd.Species.SHEEP, 1)], rd.Predator.LEOPARD)
    rd._award(g, world.ir, 400, at(2026, 5, 4, 10))
    rd._paid(g, world.ir, PaymentKind.FINAL, 400, at(2026, 5, 4, 10) - timedelta(hours=10))
    db.session.commit()
    rows = _get(client, world.ir.manager, "/api/v1/reports/deadlines?group_by=month")["rows"]
    may = next(r for r in rows if r["month"] == "2026-05")
    assert may["payment"]["count"] == 1 and may["payment"]["median"] == "0.0" and may["payment"]["p90"] == "0.0"
    figures = [v for r in rows for step in ("verification", "decision", "payment")
               for v in (r[step]["median"], r[step]["p90"]) if v is not None]
    assert figures and not any(v.startswith("-") for v in figures)


@pytest.mark.parametrize("query", ["group_by=region,month", "group_by=office,programme,predator,species",
                                   "group_by=region,programme,predator", "group_by=month&from=2026-04-01"])
def test_payouts_answer_is_what_the_schema_dumps(app, client, world, data, query):
    """The rows are dumped without the schema (``dump_flat_rows``): the answer is byte for byte the schema's."""
    r = client.get(f"/api/v1/reports/payouts?{query}", headers=bearer(client, world.ir.auditor))
    assert r.status_code == 200
    with app.test_request_context(f"/api/v1/reports/payouts?{query}"):
        args = PayoutQuerySchema().load(request.args.to_dict())
        rows = payout_rows(world.ir.auditor, args["group_by"], filters(args), args["payments"])
        expected = app.json.response(PayoutReportSchema().dump(
            {"group_by": args["group_by"], "payments": args["payments"], "rows": rows})).get_data()
    assert rows and r.get_data() == expected
