"""The mitigation pages: recording a measure, the inspection and vaccination forms, owner and home sections."""

from __future__ import annotations

import html
from datetime import date

import pytest
import sqlalchemy as sa

from conflict_service.db import db
from mitigation.enums import MeasureKind, MeasureStatus
from mitigation.models import Inspection, Measure
from tests.helpers import csrf_token, login, post_form
from tests.mitigation.synthetic import Plan, plant

pytestmark = pytest.mark.usefixtures("clock")


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _form(token, **changes):
    data = {"csrf_token": token, "kind": "predator_proof_corral", "installed_on": "2025-06-01",
            "site": "Winter corral by the spring", "cost": "300000000", "currency": "IRR",
            "funder": "Conservation fund", "owner_contribution": "30000000", "notes": ""}
    data.update(changes)
    return data


@pytest.fixture
def owner(build):
    owner = build.owner(name="Fatemeh Abbasi", village="Chehelmir")
    db.session.commit()
    return owner


def test_record_a_measure_through_the_form(client, world, owner):
    login(client, world.ir.clerk)
    path = f"/mitigation/new?owner_id={owner.id}"
    token = csrf_token(client, path)
    bad = client.post(path, data=_form(token, owner_contribution="400000000", funder="",
                                       notes="Typed by the clerk, kept on error."))
    shown = page(bad)
    assert bad.status_code == 422
    assert "The owner's contribution cannot exceed the cost." in shown and "This field is required." in shown
    assert "Typed by the clerk, kept on error." in shown and 'value="Winter corral by the spring"' in shown
    assert db.session.scalar(sa.select(sa.func.count(Measure.id))) == 0
    good = client.post(path, data=_form(token))
    assert good.status_code == 302
    detail = page(client.get(good.headers["Location"]))
    assert "Predator-proof corral recorded for Fatemeh Abbasi." in detail
    assert "IRR" in detail and "300,000,000" in detail and "Not inspected yet" in detail


def test_a_dog_needs_its_details(client, world, owner):
    login(client, world.ir.clerk)
    path = f"/mitigation/new?owner_id={owner.id}&kind=guardian_dog"
    assert 'value="guardian_dog" selected' in page(client.get(path))
    token = csrf_token(client, path)
    bad = client.post(path, data=_form(token, kind="guardian_dog", cost="40000000", owner_contribution="0"))
    assert bad.status_code == 422 and "Give the dog's name, sex and year of birth." in page(bad)
    bad = client.post(path, data=_form(token, kind="guardian_dog", cost="40000000", owner_contribution="0",
                                       **{"dog-name": "Sardar", "dog-sex": "male", "dog-birth_year": "1950"}))
    assert "Give a year from 1990 on." in page(bad) and 'value="Sardar"' in page(bad)
    good = client.post(path, data=_form(token, kind="guardian_dog", cost="40000000", owner_contribution="0",
                                        **{"dog-name": "Sardar", "dog-sex": "male", "dog-birth_year": "2023"}))
    detail = page(client.get(good.headers["Location"]))
    assert "<h1>Livestock guardian dog · <bdi>Sardar</bdi></h1>" in detail and "Overdue: Rabies" in detail


def test_inspection_form(client, world, build, owner):
    measure = build.measure(owner, installed_on=date(2025, 6, 1))
    db.session.commit()
    login(client, world.ir.verifier)
    path = f"/mitigation/{measure.id}"
    token = csrf_token(client, path)
    bad = client.post(f"{path}/inspections", data={"csrf_token": token, "inspected_on": "2025-05-01",
                                                   "status": "needs_repair", "inspection_notes": "Gate hinge broken"})
    shown = page(bad)
    assert bad.status_code == 422
    assert "The measure was installed on Jun 1, 2025; inspect it after." in shown
    assert "Gate hinge broken" in shown and 'value="2025-05-01"' in shown
    assert db.session.scalar(sa.select(sa.func.count(Inspection.id))) == 0
    good = client.post(f"{path}/inspections", data={"csrf_token": token, "inspected_on": "2026-11-20",
                                                    "status": "needs_repair", "inspection_notes": "Gate hinge broken"})
    shown = page(client.get(good.headers["Location"]))
    assert "Inspection recorded." in shown and "Needs repair" in shown and "Gate hinge broken" in shown
    assert "last inspected on Nov 20, 2026" in shown
    db.session.expire_all()
    assert db.session.get(Measure, measure.id).status == MeasureStatus.NEEDS_REPAIR


def test_vaccination_form(client, world, build, owner):
    measure = build.measure(owner, kind=MeasureKind.GUARDIAN_DOG)
    db.session.commit()
    login(client, world.ir.clerk)
    path = f"/mitigation/{measure.id}"
    token = csrf_token(client, path)
    bad = client.post(f"{path}/vaccinations", data={"csrf_token": token, "vaccine": "rabies", "given_on": "2026-12-01",
                                                    "vaccination_notes": "Batch 7781"})
    assert bad.status_code == 422
    assert "The date given cannot be in the future." in page(bad) and "Batch 7781" in page(bad)
    good = client.post(f"{path}/vaccinations", data={"csrf_token": token, "vaccine": "rabies",
                                                     "given_on": "2026-11-01", "vaccination_notes": "Batch 7781"})
    shown = page(client.get(good.headers["Location"]))
    assert "Vaccination recorded for Sardar." in shown and "Nov 1, 2027" in shown and "Up to date" in shown


def test_correct_a_measure(client, world, build, owner):
    measure = build.measure(owner)
    db.session.commit()
    login(client, world.ir.clerk)
    path = f"/mitigation/{measure.id}/edit"
    assert 'value="Conservation fund"' in page(client.get(path))
    r = post_form(client, path, _form("", funder="UNDP", cost="320000000"))
    assert r.status_code == 302
    shown = page(client.get(r.headers["Location"]))
    assert "UNDP" in shown and "320,000,000" in shown and "Mitigation measure \u2068#" in shown


def test_owner_page_lists_the_households_measures(app, client, world, build, owner):
    build.measure(owner, installed_on=date(2025, 6, 1))
    build.measure(owner, kind=MeasureKind.GUARDIAN_DOG)
    db.session.commit()
    login(client, world.ir.clerk)
    shown = page(client.get(f"/owners/{owner.id}"))
    assert "Mitigation measures" in shown and "Predator-proof corral" in shown and "Sardar" in shown
    assert "Vaccine overdue" in shown and "Record a measure" in shown
    auditor = app.test_client()
    login(auditor, world.ir.auditor)
    shown = page(auditor.get(f"/owners/{owner.id}"))
    assert "Predator-proof corral" in shown and "Record a measure" not in shown


def test_home_panel_for_field_staff(app, client, world, build, owner):
    build.measure(owner, installed_on=date(2025, 6, 1))  # never inspected, due since June
    build.measure(owner, kind=MeasureKind.GUARDIAN_DOG)  # no rabies vaccination recorded
    db.session.commit()
    login(client, world.ir.clerk)
    shown = page(client.get("/"))
    assert "Mitigation follow-up" in shown
    assert "measures due for inspection" in shown and "guardian dog overdue for a vaccine" in shown
    manager = app.test_client()
    login(manager, world.ir.manager)
    assert "Mitigation follow-up" not in page(manager.get("/"))


def test_lists_by_village_and_due(client, world, build):
    build.measure(build.owner(village="Chehelmir"), installed_on=date(2025, 6, 1))
    build.measure(build.owner(village="Lotfabad"), kind=MeasureKind.FOXLIGHT, installed_on=date(2026, 10, 1),
                  cost=15000000, owner_contribution=0)
    db.session.commit()
    login(client, world.ir.auditor)
    shown = page(client.get("/mitigation"))
    assert "By village" in shown and "Chehelmir" in shown and "Lotfabad" in shown and "2 measures" in shown
    due = page(client.get("/mitigation?due=true"))
    assert "Measures due for inspection" in due and "1 measure" in due and "Foxlight" not in due.split("By village")[1]
    bad = client.get("/mitigation?kind=wind")
    assert "Must be one of" in page(bad)


def test_report_page_and_csv(client, world, ctx):
    plant(world.ir, Plan(night_rate=0.5, effect=0.2, seed=11, households=300))
    db.session.commit()
    login(client, world.ir.manager)
    shown = page(client.get("/mitigation/effectiveness?start=2020-01-01&end=2025-12-31"))
    assert "<svg" in shown and 'role="img"' in shown
    assert "Change in verified losses after installation, adopters against non-adopters" in shown
    assert "Region of IR · Predator-proof corral" in shown and "losses lower by" in shown
    assert "fewer than 10 losses or fewer than 20 household-years" in shown  # the stated threshold
    assert "Adopters" in shown and "Non-adopters" in shown
    csv = client.get("/mitigation/effectiveness.csv?start=2020-01-01&end=2025-12-31")
    assert csv.mimetype == "text/csv" and "attachment" in csv.headers["Content-Disposition"]
    assert "effectiveness.csv?start=2020-01-01&end=2025-12-31&bom=true" in shown  # the link for Excel
    excel = client.get("/mitigation/effectiveness.csv?start=2020-01-01&end=2025-12-31&bom=true")
    assert excel.data == b"\xef\xbb\xbf" + csv.data
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0].startswith("region_code,region,measure_kind") and lines[1].startswith("IR-REG,Region of IR,")
    assert "fewer" in lines[1]
    bad = client.get("/mitigation/effectiveness?start=2026-01-01&end=2025-01-01")
    assert bad.status_code == 422 and "The end of the range is before its start." in page(bad)
