"""Measures, inspections, dogs and the report through the API: creation, messages per field, status, CSV."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from conflict_service.audit.queries import events_for
from conflict_service.db import db
from mitigation.enums import MeasureKind
from mitigation.models import Inspection, Measure

pytestmark = pytest.mark.usefixtures("clock")


def body(owner_id, **overrides):
    data = {"owner_id": owner_id, "kind": "predator_proof_corral", "installed_on": "2025-06-01",
            "site": "winter corral", "cost": "300000000", "currency": "IRR", "funder": "Conservation fund",
            "owner_contribution": "30000000"}
    data.update(overrides)
    return data


@pytest.fixture
def owner(world, make):
    return make.owner(world.ir.clerk, world.ir.office, name="Gholamreza Hosseini", village="Chehelmir")


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_record_a_corral(api, owner):
    r = api("clerk").post("/api/v1/mitigations", json=body(owner.id, lat=37.44, lon=59.11))
    assert r.status_code == 201, r.get_json()
    got = r.get_json()
    assert got["kind"] == "predator_proof_corral" and got["owner"]["name"] == "Gholamreza Hosseini"
    assert got["cost"] == "300000000" and got["owner_contribution"] == "30000000" and got["currency"] == "IRR"
    assert got["status"] is None and got["last_inspected_on"] is None
    assert got["inspection_due_on"] == "2026-06-01" and got["is_due_for_inspection"] is True
    assert got["dog"] is None
    db.session.expire_all()
    (event,) = events_for("measure", got["id"])
    assert event.action == "measure.created" and event.changes["funder"] == [None, "Conservation fund"]


def test_record_a_guardian_dog(api, owner):
    r = api("clerk").post("/api/v1/mitigations", json=body(
        owner.id, kind="guardian_dog", cost="40000000", owner_contribution="0",
        dog={"name": "Sardar", "sex": "male", "birth_year": 2023}))
    assert r.status_code == 201, r.get_json()
    dog_id = r.get_json()["id"]
    dog = api("clerk").get(f"/api/v1/dogs/{dog_id}").get_json()
    assert dog["name"] == "Sardar" and dog["overdue"] == ["rabies"] and dog["vaccinations"] == []


@pytest.mark.parametrize(("changes", "errors"), [
    ({"funder": "", "currency": "XYZ"}, {"funder": ["This field is required."],
                                        "currency": ["Use the three-letter ISO 4217 code, for example IRR."]}),
    ({"owner_contribution": "400000000"}, {"owner_contribution": ["The owner's contribution cannot exceed the cost."]}),
    ({"cost": "-5"}, {"cost": ["Must not be negative."]}),
    ({"cost": "1000.5", "owner_contribution": "0"}, {"cost": ["IRR amounts are whole numbers."]}),
    ({"lat": 37.4}, {"lon": ["Give both latitude and longitude, or neither."]}),
    ({"installed_on": "2026-11-22"}, {"installed_on": ["The installation date cannot be in the future."]}),
    ({"kind": "guardian_dog"}, {"dog": ["Give the dog's name, sex and year of birth."]}),
    ({"dog": {"name": "Sardar", "sex": "male", "birth_year": 2023}}, {"dog": ["Only a guardian dog has dog details."]}),
    ({"kind": "guardian_dog", "dog": {"name": "", "sex": "cat", "birth_year": 1980}},
     {"dog": {"name": ["This field is required."], "sex": ["Must be one of: male, female."],
              "birth_year": ["Give a year from 1990 on."]}}),
    ({"kind": "wind_turbine"}, None),
])
def test_bad_input_names_each_field_and_saves_nothing(api, owner, changes, errors):
    r = api("clerk").post("/api/v1/mitigations", json=body(owner.id, **changes))
    assert r.status_code == 422
    if errors is None:
        assert "Must be one of" in r.get_json()["errors"]["kind"][0]
    else:
        assert r.get_json()["errors"] == errors
    assert _count(Measure) == 0


def test_amd_allows_two_decimals(api, world, make):
    owner = make.owner(world.am.clerk, world.am.office)
    r = api("am_clerk").post("/api/v1/mitigations", json=body(owner.id, cost="450000.50", currency="AMD",
                                                              owner_contribution="45000.05"))
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["cost"] == "450000.50" and r.get_json()["owner_contribution"] == "45000.05"
    got = api("am_auditor").get(f"/api/v1/mitigations/{r.get_json()['id']}").get_json()
    assert got["cost"] == "450000.50"
    bad = api("am_clerk").post("/api/v1/mitigations", json=body(owner.id, cost="450000.505", currency="AMD",
                                                                owner_contribution="0"))
    assert bad.get_json()["errors"]["cost"] == ["AMD amounts have at most 2 decimal places."]


def test_owner_of_another_country_is_refused(api, world, make):
    am_owner = make.owner(world.am.clerk, world.am.office)
    r = api("clerk").post("/api/v1/mitigations", json=body(am_owner.id))
    assert r.get_json()["errors"] == {"owner_id": ["No owner with this number is registered in your offices."]}


def test_correct_a_measure(api, owner):
    mid = api("clerk").post("/api/v1/mitigations", json=body(owner.id)).get_json()["id"]
    r = api("clerk").patch(f"/api/v1/mitigations/{mid}", json={"funder": "UNDP", "owner_contribution": "0"})
    assert r.status_code == 200 and r.get_json()["funder"] == "UNDP"
    db.session.expire_all()
    assert events_for("measure", mid)[-1].changes == {"funder": ["Conservation fund", "UNDP"],
                                                      "owner_contribution": ["30000000", "0"]}
    r = api("clerk").patch(f"/api/v1/mitigations/{mid}", json={"kind": "foxlight"})
    assert r.get_json()["errors"] == {"kind": ["This cannot change; record a new measure instead."]}
    api("verifier").post(f"/api/v1/mitigations/{mid}/inspections", json={"inspected_on": "2025-09-01",
                                                                        "status": "good"})
    r = api("clerk").patch(f"/api/v1/mitigations/{mid}", json={"installed_on": "2025-10-01"})
    assert r.get_json()["errors"] == {"installed_on": ["An inspection on Sep 1, 2025 is before this date."]}


def test_inspections_set_the_status_by_date(api, owner):
    mid = api("clerk").post("/api/v1/mitigations", json=body(owner.id)).get_json()["id"]
    path = f"/api/v1/mitigations/{mid}/inspections"
    r = api("verifier").post(path, json={"inspected_on": "2026-03-01", "status": "needs_repair", "notes": "Gate"})
    assert r.status_code == 201 and r.get_json()["inspector"]["name"] == "verifier_ir"
    api("clerk").post(path, json={"inspected_on": "2025-12-01", "status": "failed"})  # typed in late
    got = api("auditor").get(f"/api/v1/mitigations/{mid}").get_json()
    assert got["status"] == "needs_repair" and got["last_inspected_on"] == "2026-03-01"
    assert got["inspection_due_on"] == "2027-03-01" and got["is_due_for_inspection"] is False
    db.session.expire_all()
    first, second = events_for("measure", mid)[1:]
    assert first.changes == {"measure_status": [None, "needs_repair"], "last_inspected_on": [None, "2026-03-01"]}
    assert second.changes == {} and second.data["found"] == "failed"  # an older inspection changes nothing
    listed = api("manager").get(path).get_json()
    assert [(i["inspected_on"], i["status"]) for i in listed] == [("2026-03-01", "needs_repair"),
                                                                   ("2025-12-01", "failed")]


@pytest.mark.parametrize(("payload", "errors"), [
    ({"inspected_on": "2025-05-31", "status": "good"},
     {"inspected_on": ["The measure was installed on Jun 1, 2025; inspect it after."]}),
    ({"inspected_on": "2026-11-22", "status": "good"},
     {"inspected_on": ["The inspection date cannot be in the future."]}),
    ({"inspected_on": "2026-01-01", "status": "broken"}, {"status": ["Must be one of: good, needs_repair, failed, "
                                                                     "abandoned."]}),
    ({"status": "good"}, {"inspected_on": ["This field is required."]}),
])
def test_bad_inspections(api, owner, payload, errors):
    mid = api("clerk").post("/api/v1/mitigations", json=body(owner.id)).get_json()["id"]
    r = api("verifier").post(f"/api/v1/mitigations/{mid}/inspections", json=payload)
    assert r.status_code == 422 and r.get_json()["errors"] == errors
    assert _count(Inspection) == 0


def test_vaccinations(api, owner):
    dog_id = api("clerk").post("/api/v1/mitigations", json=body(
        owner.id, kind="guardian_dog", dog={"name": "Sheri", "sex": "female", "birth_year": 2024})).get_json()["id"]
    path = f"/api/v1/dogs/{dog_id}/vaccinations"
    r = api("verifier").post(path, json={"kind": "rabies", "given_on": "2025-11-20"})
    assert r.status_code == 201 and r.get_json()["next_due_on"] == "2026-11-20"  # 12 months later by default
    assert api("clerk").get(f"/api/v1/dogs/{dog_id}").get_json()["overdue"] == ["rabies"]  # due yesterday
    api("clerk").post(path, json={"kind": "rabies", "given_on": "2026-11-21", "next_due_on": "2027-11-01"})
    api("clerk").post(path, json={"kind": "other", "given_on": "2026-11-21", "notes": "Deworming"})
    dog = api("clerk").get(f"/api/v1/dogs/{dog_id}").get_json()
    assert dog["overdue"] == [] and dog["vaccinations"][-1]["next_due_on"] == "2026-11-20"
    assert [v["next_due_on"] for v in dog["vaccinations"] if v["kind"] == "other"] == [None]
    bad = api("clerk").post(path, json={"kind": "rabies", "given_on": "2023-05-01", "next_due_on": "2023-04-01"})
    assert bad.get_json()["errors"] == {"next_due_on": ["The next dose is due after the one given."]}
    bad = api("clerk").post(path, json={"kind": "rabies", "given_on": "2023-05-01"})
    assert bad.get_json()["errors"] == {"given_on": ["Sheri was born in 2024."]}


def test_correct_a_dogs_record(api, owner):
    dog_id = api("clerk").post("/api/v1/mitigations", json=body(
        owner.id, kind="guardian_dog", dog={"name": "Sheri", "sex": "female", "birth_year": 2024})).get_json()["id"]
    r = api("clerk").patch(f"/api/v1/mitigations/{dog_id}", json={"dog": {"name": "Shirin"}})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["dog"] == {"name": "Shirin", "sex": "female", "birth_year": 2024}
    db.session.expire_all()
    assert events_for("measure", dog_id)[-1].changes == {"dog_name": ["Sheri", "Shirin"]}


def test_a_measure_that_is_not_a_dog_has_no_dog_record(api, owner):
    mid = api("clerk").post("/api/v1/mitigations", json=body(owner.id)).get_json()["id"]
    assert api("clerk").get(f"/api/v1/dogs/{mid}").status_code == 404
    assert api("clerk").post(f"/api/v1/dogs/{mid}/vaccinations",
                             json={"kind": "rabies", "given_on": "2026-01-01"}).status_code == 404


def test_list_filters(api, owner, world, make):
    other = make.owner(world.ir.clerk, world.ir.office, village="Lotfabad")
    api("clerk").post("/api/v1/mitigations", json=body(owner.id))
    api("clerk").post("/api/v1/mitigations", json=body(other.id, kind="foxlight", cost="15000000",
                                                       owner_contribution="0", installed_on="2026-10-01"))
    every = api("auditor").get("/api/v1/mitigations").get_json()
    assert every["total"] == 2
    assert [m["kind"] for m in api("auditor").get("/api/v1/mitigations?village=lotfabad").get_json()["items"]] == [
        "foxlight"]
    assert [m["kind"] for m in api("auditor").get("/api/v1/mitigations?due=true").get_json()["items"]] == [
        "predator_proof_corral"]
    assert api("auditor").get(f"/api/v1/mitigations?owner_id={other.id}&kind=predator_proof_corral").get_json()[
        "total"] == 0
    assert api("auditor").get("/api/v1/mitigations?status=broken").status_code == 422


def test_report_as_json_and_csv(api, owner):
    api("clerk").post("/api/v1/mitigations", json=body(owner.id))
    r = api("auditor").get("/api/v1/reports/mitigation-effectiveness?start=2024-01-01&window_months=12")
    assert r.status_code == 200, r.get_json()
    got = r.get_json()
    assert got["window_months"] == 12 and got["predators"] == ["leopard"] and got["end"] == "2026-11-21"
    assert got["thresholds"] == {"min_events": 10, "min_household_years": 20.0, "continuity_correction": 0.5}
    (row,) = got["rows"]
    assert row["kind"] == "predator_proof_corral" and row["adopters"] == 1 and row["non_adopters"] == 0
    assert row["estimate"]["verdict"] == "small_sample" and row["estimate"]["small_sample"] is True
    r = api("auditor").get("/api/v1/reports/mitigation-effectiveness.csv?start=2024-01-01")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    excel = api("auditor").get("/api/v1/reports/mitigation-effectiveness.csv?start=2024-01-01&bom=true")
    assert excel.data == b"\xef\xbb\xbf" + r.data
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert rows[0]["measure_kind"] == "predator_proof_corral" and rows[0]["verdict"] == "small_sample"
    assert rows[0]["adopters_before_household_years"] == "1.42" and rows[0]["window_months"] == "24"
    bad = api("auditor").get("/api/v1/reports/mitigation-effectiveness?start=2026-01-01&end=2025-01-01&"
                             "window_months=100")
    assert bad.status_code == 422
    assert bad.get_json()["errors"] == {"window_months": ["Must be between 6 and 60."]}


def test_openapi_documents_the_resources(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/mitigations", "/api/v1/mitigations/{measure_id}/inspections", "/api/v1/dogs",
                 "/api/v1/dogs/{dog_id}/vaccinations", "/api/v1/reports/mitigation-effectiveness",
                 "/api/v1/reports/mitigation-effectiveness.csv"):
        assert path in paths, path


def test_measures_kinds_are_all_documented(client):
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["MeasureCreate"]
    assert schema["properties"]["kind"]["enum"] == [k.value for k in MeasureKind]
    assert "status" not in schema["properties"]  # inspections set it
