"""Open data (DESIGN §12): both tiers written on a fixed dataset and read back with python-dwca-reader.

The Iranian world (Iran's region, one office), events verified by site visits:

| where (lat, lon) | 0.1° cell       | 0.5° cell        | households | claims | in partner | in public |
| 37.61–37.68, 59.12–59.18 | 37.6/59.1 | 37.5/59.0   | 3          | 4      | yes        | yes       |
| 37.82, 59.33     | 37.8/59.3       | 37.5/59.0        | 2          | 2      | no (2 < 3) | yes (5)   |
| 36.20, 58.20     | 36.2/58.2       | 36.0/58.0        | 1          | 1      | no         | no        |
plus a claim whose visit rejected the loss and one never verified (never exported), and one Armenian event.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from dwca.read import DwCAReader

from claims.enums import AgeClass, Confidence, LossOutcome, Predator, Species
from conflict_service.audit.models import AuditEvent
from conflict_service.audit.presentation import describe
from conflict_service.db import db
from tests.factories import at
from tests.helpers import bearer, login
from verification.enums import CarcassDisposal, RejectionReason, VerificationOutcome
from verification.models import Verification, VerifiedLossLine

OBIS = "http://rs.iobis.org/obis/terms/"
DWC = "http://rs.tdwg.org/dwc/terms/"
EMOF = OBIS + "ExtendedMeasurementOrFact"
OCC = DWC + "Occurrence"


def qn(term: str) -> str:
    return DWC + term


def _event(make, country, owner, lat, lon, *, outcome=VerificationOutcome.CONFIRMED, verified=True,
           day=date(2026, 3, 14), predator=Predator.LEOPARD):
    claim = make.claim(country, owner, incident_lat=lat, incident_lon=lon)
    claim.incident_date, claim.incident_at = day, at(day.year, day.month, day.day, 21)
    if verified:
        visit = Verification(
            claim_id=claim.id, verifier_id=country.verifier.id, visited_at=at(2026, 3, 15), predator=predator,
            confidence=Confidence.PROBABLE, outcome=outcome, carcass_disposal=CarcassDisposal.BURIED,
            rejection_reason=RejectionReason.NOT_DEPREDATION if outcome == VerificationOutcome.REJECTED else None,
            lines=[VerifiedLossLine(position=0, species=Species.SHEEP, age_class=AgeClass.ADULT,
                                    outcome=LossOutcome.KILLED, count=2),
                   VerifiedLossLine(position=1, species=Species.GOAT, age_class=AgeClass.YOUNG,
                                    outcome=LossOutcome.INJURED, count=1)])
        db.session.add(visit)
    return claim


@pytest.fixture
def data(world, make):
    ir = world.ir
    owners = [make.owner(ir.clerk, ir.office, name=f"Household {i}", national_id=f"99900000{i}",
                         phone=f"+98 915 000 00{i}0") for i in range(7)]
    dense = [_event(make, ir, owners[0], 37.61, 59.12), _event(make, ir, owners[0], 37.62, 59.13),
             _event(make, ir, owners[1], 37.66, 59.16, predator=Predator.WOLF),
             _event(make, ir, owners[2], 37.68, 59.18, day=date(2026, 4, 2))]
    sparse = [_event(make, ir, owners[3], 37.82, 59.33), _event(make, ir, owners[4], 37.83, 59.34)]
    lonely = [_event(make, ir, owners[5], 36.20, 58.20)]
    _event(make, ir, owners[6], 37.64, 59.14, outcome=VerificationOutcome.REJECTED)
    _event(make, ir, owners[6], 37.63, 59.16, verified=False)
    _event(make, world.am, None, 39.5, 46.3)
    db.session.commit()
    return {"dense": dense, "sparse": sparse, "lonely": lonely, "owners": owners}


def _archive(tmp_path, body: bytes, name="events.zip"):
    path = tmp_path / name
    path.write_bytes(body)
    return path


def _read(path):
    """Core rows as dicts of terms, with their occurrence and eMoF rows, read by the independent reader."""
    with DwCAReader(str(path)) as archive:
        assert archive.core_file.file_descriptor.type == "http://rs.tdwg.org/dwc/terms/Event"
        out = []
        for row in archive:
            ext = {EMOF: [], OCC: []}
            for e in row.extensions:
                ext[e.rowtype].append(e.data)
            out.append({"id": row.id, "data": row.data, "occ": ext[OCC], "emof": ext[EMOF]})
        metadata = archive.metadata
        return out, metadata


def _download(client, world, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    r = client.get(f"/api/v1/exports/events.dwca.zip?{query}", headers=bearer(client, world.ir.auditor))
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    assert r.mimetype == "application/zip"
    return r.data


def _on_grid(value: str, step: Decimal) -> bool:
    return (Decimal(value) - step / 2) % step == 0


def test_partner_tier_read_back(client, world, data, tmp_path):
    rows, metadata = _read(_archive(tmp_path, _download(client, world, tier="partner", recipient="Iran DoE")))
    assert len(rows) == 4  # only the dense cell: 3 households
    text = json.dumps([r["data"] for r in rows] + [o for r in rows for o in r["occ"] + r["emof"]])
    for owner in data["owners"]:
        assert owner.name not in text and owner.national_id not in text and owner.phone not in text
    for claim in data["dense"]:
        assert claim.number not in text and str(claim.incident_lat) not in text
    for r in rows:
        d = r["data"]
        assert re.fullmatch(r"\d{4}-\d{2}", d[qn("eventDate")])  # months only
        assert _on_grid(d[qn("decimalLatitude")], Decimal("0.1")) and _on_grid(d[qn("decimalLongitude")],
                                                                               Decimal("0.1"))
        assert (d[qn("decimalLatitude")], d[qn("decimalLongitude")]) == ("37.65", "59.15")
        assert "0.1 degree" in d[qn("dataGeneralizations")] and "withheld" in d[qn("informationWithheld")]
        assert d[qn("countryCode")] == world.ir.country.country_code
        assert len(r["occ"]) == 1 and r["occ"][0][qn("basisOfRecord")] == "HumanObservation"
    names = sorted(r["occ"][0][qn("scientificName")] for r in rows)
    assert names == ["Canis lupus", "Panthera pardus", "Panthera pardus", "Panthera pardus"]
    facts = {(m[qn("measurementType")], m[qn("measurementValue")]) for m in rows[0]["emof"]}
    assert {("livestock killed: sheep", "2"), ("livestock injured: goat", "1"), ("attribution grade", "probable"),
            ("carcass disposal", "buried")} <= facts
    assert "Verified livestock depredation" in metadata.find("dataset/title").text
    assert metadata.find("dataset/coverage/temporalCoverage/rangeOfDates/beginDate/calendarDate").text
    assert metadata.find("dataset/intellectualRights/para").text.startswith("Creative Commons")


def test_public_tier_read_back(client, world, data, tmp_path):
    rows, _meta = _read(_archive(tmp_path, _download(client, world, tier="public")))
    assert len(rows) == 6  # dense and sparse share a 0.5° cell of 5 households; the lonely one is withheld
    for r in rows:
        d = r["data"]
        assert d[qn("stateProvince")] == world.ir.region.name
        assert (d[qn("decimalLatitude")], d[qn("decimalLongitude")]) == ("37.75", "59.25")
        assert _on_grid(d[qn("decimalLatitude")], Decimal("0.5"))
    assert {r["data"][qn("eventDate")] for r in rows} == {"2026-03", "2026-04"}


def test_identifiers_stable_per_recipient_and_different_between_recipients(client, world, data, tmp_path):
    def ids(recipient):
        body = _download(client, world, tier="partner", recipient=recipient)
        rows, _ = _read(_archive(tmp_path, body, f"{abs(hash(recipient))}.zip"))
        return {r["id"] for r in rows} | {o[qn("occurrenceID")] for r in rows for o in r["occ"]}

    first, again, other = ids("Iran DoE"), ids("Iran  DoE"), ids("CAMI range database")
    assert first == again
    assert len(first) == 8 and not first & other


def test_export_is_audited_with_the_tier_translated(client, world, data):
    _download(client, world, tier="partner", recipient="Iran DoE")
    db.session.expire_all()
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "export.opendata"))
    assert event.actor_name == "auditor_ir"
    assert event.data["tier"] == "partner" and event.data["recipient"] == "Iran DoE" and event.data["rows"] == 4
    assert event.data["withheld"] == 3
    assert describe(event) == "Open data exported: Partner tier for Iran DoE, 4 events"
    login(client, world.ir.auditor)
    html = client.get("/audit?lang=ru").get_data(as_text=True)
    assert "партнёрский" in html.lower() or "Партнёр" in html


def test_partner_needs_a_recipient_and_bad_input_is_422(client, world, data):
    headers = bearer(client, world.ir.manager)
    r = client.get("/api/v1/exports/events.dwca.zip?tier=partner", headers=headers)
    assert r.status_code == 422 and "recipient" in r.get_json()["errors"], r.get_json()
    r = client.get("/api/v1/exports/events.csv?tier=secret&from=2026-13-01", headers=headers)
    assert r.status_code == 422 and {"tier", "from"} <= set(r.get_json()["errors"])


def test_csv_and_geojson_hold_the_same_records(client, world, data):
    headers = bearer(client, world.ir.manager)
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/exports/events.csv?tier=partner&recipient=x",
                                                      headers=headers).get_data(as_text=True))))
    geo = client.get("/api/v1/exports/events.geojson?tier=partner&recipient=x", headers=headers).get_json()
    assert len(rows) == 4 and len(geo["features"]) == 4
    plain = client.get("/api/v1/exports/events.csv?tier=partner&recipient=x", headers=headers).data
    excel = client.get("/api/v1/exports/events.csv?tier=partner&recipient=x&bom=true", headers=headers).data
    assert excel == b"\xef\xbb\xbf" + plain and not plain.startswith(b"\xef\xbb\xbf")
    assert {r["eventID"] for r in rows} == {f["properties"]["eventID"] for f in geo["features"]}
    assert geo["features"][0]["geometry"] == {"type": "Point", "coordinates": [59.15, 37.65]}
    assert {r["livestockKilled"] for r in rows} == {"2 sheep"}


def test_dates_filter(client, world, data, tmp_path):
    rows, _ = _read(_archive(tmp_path, _download(client, world, tier="public", **{"from": "2026-04-01"})))
    assert rows == []  # one April event alone in its cell: fewer than 3 households


def test_public_page_and_download_need_no_sign_in(client, world, data, tmp_path):
    page = client.get("/open-data")
    assert page.status_code == 200 and "Darwin Core" in page.get_data(as_text=True)
    r = client.get("/open-data/events.dwca.zip?tier=partner")  # the tier cannot be raised from outside
    assert r.status_code == 200
    rows, _ = _read(_archive(tmp_path, r.data))
    assert len(rows) == 6  # every jurisdiction: Armenia's lone event is withheld
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "export.opendata"))
    assert event.actor_name is None or event.actor_name == "" or event.actor_id is None
    assert describe(event) == "Open data exported: Public tier for anyone who downloads it, 6 events"  # no raw code


def test_export_page_for_overseers(client, world, data):
    login(client, world.ir.manager)
    assert client.get("/exports/open-data?lang=fa").status_code == 200
    r = client.get("/exports/open-data/events.csv?tier=partner")
    assert r.status_code == 422 and "Name the partner" in r.get_data(as_text=True)
    r = client.get("/exports/open-data/events.dwca.zip?tier=partner&recipient=Iran+DoE")
    assert r.status_code == 200 and zipfile.ZipFile(io.BytesIO(r.data)).namelist()[:2] == ["meta.xml", "eml.xml"]


def test_cli_export(runner, world, data, tmp_path):
    out = tmp_path / "partner.zip"
    r = runner.invoke(args=["opendata", "export", "--user", "auditor_ir", "--tier", "partner", "--recipient",
                            "Iran DoE", "--out", str(out)])
    assert r.exit_code == 0, r.output
    rows, _ = _read(out)
    assert len(rows) == 4
    excel = tmp_path / "events.csv"
    r = runner.invoke(args=["opendata", "export", "--user", "auditor_ir", "--tier", "public", "--format", "csv",
                            "--bom", "--out", str(excel)])
    assert r.exit_code == 0, r.output
    assert excel.read_bytes().startswith(b"\xef\xbb\xbfeventID")
    r = runner.invoke(args=["opendata", "export", "--user", "clerk_ir", "--out", str(out)])
    assert r.exit_code != 0
    r = runner.invoke(args=["opendata", "export", "--user", "auditor_ir", "--tier", "partner", "--out", str(out)])
    assert r.exit_code != 0 and "recipient" in r.output


def test_no_future_leak_through_the_unverified(world, data, app):
    """Only confirmed visits leave: the rejected and the unverified claims' owners are in no cell count."""
    from oversight import opendata

    with app.test_request_context():
        events, withheld = opendata.events(world.ir.auditor, opendata.Request(tier=opendata.Tier.PARTNER,
                                                                              recipient="r"))
    assert len(events) == 4 and withheld == 3
    assert all(e.month in ("2026-03", "2026-04") for e in events)
