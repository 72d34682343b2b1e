"""Claim exports: streamed files, personal data masked by role, every export audited."""

import csv
import io
import json
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from openpyxl import load_workbook

from claims.enums import Confidence, Predator, TimeOfDay
from claims.states import ClaimState
from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from conflict_service.timeutil import utcnow
from payouts.models import Payment
from payouts.operations import confirm_payment
from tests.helpers import bearer, login
from tests.payouts.conftest import Payouts
from verification.enums import CarcassDisposal, VerificationOutcome

DAY = {"time_of_day": TimeOfDay.DAY}


@pytest.fixture
def payouts(make, world) -> Payouts:
    return Payouts(make, world)


def _data(world, make):
    owner = make.owner(world.ir.clerk, world.ir.office, name="Rahim Asadi", national_id="1112223334",
                       phone="+98 915 222 3333")
    claim = make.claim(world.ir, owner)
    make.claim(world.am)
    db.session.commit()
    return claim


def test_csv_for_a_manager_shows_personal_data(client, world, make):
    claim = _data(world, make)
    r = client.get("/api/v1/exports/claims.csv", headers=bearer(client, world.ir.manager))
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [row["number"] for row in rows] == [claim.number]  # only the manager's country
    assert rows[0]["national_id"] == "1112223334" and rows[0]["losses"] == "2 sheep adult killed"
    assert rows[0]["head_count"] == "2"


def test_auditor_sees_masked_personal_data(client, world, make):
    _data(world, make)
    r = client.get("/api/v1/exports/claims.csv", headers=bearer(client, world.ir.auditor))
    row = next(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert row["national_id"] == "••••••••34" and "222" not in row["phone"]


def test_geojson_and_xlsx(client, world, make):
    claim = _data(world, make)
    headers = bearer(client, world.ir.manager)
    geo = json.loads(client.get("/api/v1/exports/claims.geojson", headers=headers).get_data(as_text=True))
    assert geo["type"] == "FeatureCollection"
    assert geo["features"][0]["geometry"] == {"type": "Point", "coordinates": [59.12, 37.45]}
    assert geo["features"][0]["properties"]["number"] == claim.number
    xlsx = client.get("/api/v1/exports/claims.xlsx", headers=headers)
    sheet = load_workbook(io.BytesIO(xlsx.data), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "number" and values[1][0] == claim.number


def test_every_export_is_audited(client, world, make):
    _data(world, make)
    login(client, world.ir.auditor)
    assert client.get("/exports/claims.csv?status=submitted").status_code == 200
    db.session.expire_all()
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "export.claims"))
    assert event.actor_name == "auditor_ir"
    assert event.data == {"format": "csv", "rows": 1, "filters": {"status": ["submitted"]}, "masked": True}


def test_clerks_and_verifiers_cannot_export(client, world):
    for user in (world.ir.clerk, world.ir.verifier):
        assert client.get("/api/v1/exports/claims.csv", headers=bearer(client, user)).status_code == 403


def test_cli_export(runner, world, make, tmp_path):
    claim = _data(world, make)
    out = tmp_path / "claims.csv"
    r = runner.invoke(args=["exports", "claims", "--user", "auditor_ir", "--out", str(out)])
    assert r.exit_code == 0, r.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["number"] == claim.number and rows[0]["national_id"].startswith("•")


def test_text_that_a_spreadsheet_would_run_is_exported_as_text(client, world, make):
    owner = make.owner(world.ir.clerk, world.ir.office, name='=HYPERLINK("http://evil.example","x")')
    make.claim(world.ir, owner, incident_village="@SUM(1+1)")
    db.session.commit()
    headers = bearer(client, world.ir.manager)
    row = next(csv.DictReader(io.StringIO(client.get("/api/v1/exports/claims.csv", headers=headers)
                                          .get_data(as_text=True))))
    assert row["village"] == "'@SUM(1+1)" and row["owner"] == """'=HYPERLINK("http://evil.example","x")"""
    xlsx = client.get("/api/v1/exports/claims.xlsx", headers=headers)
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    # text as typed, marked as text (Excel keeps it text even when the cell is edited), never a formula
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert cells[0].value == '=HYPERLINK("http://evil.example","x")'
    with zipfile.ZipFile(io.BytesIO(xlsx.data)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_safe_cell_leaves_numbers_alone():
    from conflict_service.spreadsheets import safe_cell

    assert safe_cell("-12.50") == "-12.50" and safe_cell(-3) == -3 and safe_cell(None) is None
    assert safe_cell("+98 915") == "'+98 915" and safe_cell("@x") == "'@x" and safe_cell("Ali") == "Ali"


def _money_world(payouts, world, make):
    """A claim verified (the carcass left in place), one approved, one paid, one only filed: IRR 90,000,000 each."""
    ir = world.ir
    payouts.rates(ir)
    verified = payouts.verified(ir, corrections={"carcass_disposal": CarcassDisposal.LEFT_IN_PLACE}, **DAY)
    approved = payouts.approved(ir, **DAY)
    paid = payouts.approved(ir, confidence=Confidence.CONFIRMED, **DAY)
    payouts.batch(ir, claims=[paid])
    payment = db.session.scalars(sa.select(Payment).where(Payment.claim_id == paid.id)).one()
    confirm_payment(payment, {"reference": "BANK-1", "paid_at": utcnow()}, ir.manager2)
    filed = make.claim(ir)
    db.session.commit()
    return verified, approved, paid, filed


def test_the_export_carries_the_money_and_the_verification_in_the_readers_language(client, payouts, world, make):
    verified, approved, paid, filed = _money_world(payouts, world, make)
    headers = bearer(client, world.ir.manager) | {"Accept-Language": "fa"}
    r = client.get("/api/v1/exports/claims.csv?lang=fa", headers=headers)
    rows = {row["number"]: row for row in csv.DictReader(io.StringIO(r.get_data(as_text=True)))}
    money = ("currency", "assessed_amount", "approved_amount", "paid_amount")
    assert [rows[c.number][k] for c in (verified, approved, paid, filed) for k in money] == [
        "IRR", "90000000", "", "", "IRR", "90000000", "90000000", "", "IRR", "90000000", "90000000", "90000000",
        "IRR", "", "", ""]
    with force_locale("fa"):
        leopard, probable, sure = (str(e.title) for e in (Predator.LEOPARD, Confidence.PROBABLE,
                                                                 Confidence.CONFIRMED))
        left, confirmed = str(CarcassDisposal.LEFT_IN_PLACE.title), str(VerificationOutcome.CONFIRMED.title)
        states = [str(ClaimState(s).title) for s in ("verified", "approved", "paid", "submitted")]
    assert leopard != "Leopard" and left != "Left in place"  # the reader's language, not codes or English
    found = [(rows[c.number]["predator"], rows[c.number]["confidence"], rows[c.number]["verification_outcome"],
              rows[c.number]["carcass_disposal"]) for c in (verified, paid, filed)]
    assert found == [(leopard, probable, confirmed, left), (leopard, sure, confirmed, ""), ("", "", "", "")]
    assert [rows[c.number]["status"] for c in (verified, approved, paid, filed)] == states


def test_xlsx_cells_are_typed(client, payouts, world, make):
    verified, approved, paid, _filed = _money_world(payouts, world, make)
    db.session.refresh(paid)
    paid.owner.phone = "+98 915 222 3333"
    db.session.commit()
    r = client.get("/api/v1/exports/claims.xlsx", headers=bearer(client, world.ir.manager))
    sheet = load_workbook(io.BytesIO(r.data)).active
    header = [c.value for c in sheet[1]]
    row = {key: cell for key, cell in zip(header, next(r for r in sheet.iter_rows(min_row=2)
                                                        if r[0].value == paid.number), strict=True)}
    assert row["incident_date"].value.date() == paid.incident_date and row["incident_date"].is_date
    assert row["incident_date"].number_format == "yyyy-mm-dd"
    assert isinstance(row["filed_at"].value, datetime) and row["filed_at"].is_date
    assert row["filed_at"].number_format == "yyyy-mm-dd hh:mm"
    assert row["head_count"].value == 2 and row["head_count"].data_type == "n"
    assert row["paid_amount"].value == 90000000 and row["paid_amount"].data_type == "n"
    assert row["paid_amount"].number_format == "#,##0"  # IRR has no minor unit
    assert isinstance(row["incident_lat"].value, float)
    assert (row["phone"].value, row["phone"].data_type) == ("+98 915 222 3333", "s")  # text, no apostrophe
    assert row["number"].data_type == "s" and row["timezone"].value == "Asia/Tehran"
    assert Decimal(str(row["approved_amount"].value)) == Decimal("90000000")


def test_csv_for_excel_starts_with_a_byte_order_mark_on_request(client, runner, world, make, tmp_path):
    claim = _data(world, make)
    headers = bearer(client, world.ir.manager)
    plain = client.get("/api/v1/exports/claims.csv", headers=headers).data
    for_excel = client.get("/api/v1/exports/claims.csv?bom=true", headers=headers).data
    assert not plain.startswith(b"\xef\xbb\xbf") and for_excel == b"\xef\xbb\xbf" + plain
    login(client, world.ir.auditor)
    assert 'name="bom"' in client.get("/exports").get_data(as_text=True)
    assert client.get("/exports/claims.csv?bom=true").data.startswith(b"\xef\xbb\xbfnumber,")
    assert 'name="bom"' in client.get("/reports/payouts").get_data(as_text=True)
    report = client.get("/reports/payouts.csv").data
    assert client.get("/reports/payouts.csv?bom=true").data == b"\xef\xbb\xbf" + report
    out = tmp_path / "claims.csv"
    r = runner.invoke(args=["exports", "claims", "--user", "auditor_ir", "--bom", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbfnumber,") and claim.number in out.read_text("utf-8-sig")
    r = runner.invoke(args=["exports", "claims", "--user", "auditor_ir", "--lang", "fa", "--out", str(out)])
    with force_locale("fa"):
        submitted = str(ClaimState.SUBMITTED.title)
    assert r.exit_code == 0 and next(csv.DictReader(io.StringIO(out.read_text("utf-8"))))["status"] == submitted
    assert submitted != "Submitted"


def test_every_download_names_its_charset_once(client, payouts, world, make):
    _money_world(payouts, world, make)
    manager = bearer(client, world.ir.manager)
    batch_id = db.session.scalar(sa.select(Payment.batch_id).where(Payment.batch_id.is_not(None)))
    urls = ["/api/v1/exports/claims.csv", "/api/v1/exports/claims.csv?bom=1", "/api/v1/exports/claims.xlsx",
            "/api/v1/exports/claims.geojson", f"/api/v1/payment-batches/{batch_id}/payment-file.csv",
            "/api/v1/exports/events.csv?tier=partner&recipient=x", "/api/v1/exports/events.geojson?tier=public",
            "/api/v1/exports/events.dwca.zip?tier=public", "/api/v1/reports/mitigation-effectiveness.csv"]
    login(client, world.ir.manager)
    pages = ["/exports/claims.csv", f"/payment-batches/{batch_id}/payment-file.csv?bom=true", "/reports/payouts.csv",
             "/reports/deadlines.csv"]
    for url in urls + pages:
        r = client.get(url, headers=manager if url.startswith("/api/") else {})
        assert r.status_code == 200, (url, r.get_data(as_text=True)[:300])
        types = r.headers.getlist("Content-Type")
        assert len(types) == 1 and types[0].count("charset") <= 1, (url, types)
        assert types[0].startswith("text/") == ("charset=utf-8" in types[0]), (url, types)
