"""Claim exports: streamed files, personal data masked by role, every export audited."""

import csv
import io
import json

import sqlalchemy as sa
from openpyxl import load_workbook

from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from tests.helpers import bearer, login


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
    assert cells and all(c.data_type == "s" and c.value.startswith("'") for c in cells)  # text, not a formula


def test_safe_cell_leaves_numbers_alone():
    from conflict_service.spreadsheets import safe_cell

    assert safe_cell("-12.50") == "-12.50" and safe_cell(-3) == -3 and safe_cell(None) is None
    assert safe_cell("+98 915") == "'+98 915" and safe_cell("@x") == "'@x" and safe_cell("Ali") == "Ali"
