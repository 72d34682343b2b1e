"""Programme rules (DESIGN §5–§6): defaults, editing through the API with per-field errors, audit, exclusion zones."""

import pytest
import sqlalchemy as sa

from claims.zones import ZoneError, contains_test, normalise
from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from tests.helpers import bearer

SQUARE = [[59.0, 37.4], [59.2, 37.4], [59.2, 37.5], [59.0, 37.5], [59.0, 37.4]]


def test_every_rule_has_the_designs_default(client, world):
    url = f"/api/v1/programmes/{world.ir.programme.id}"
    body = client.get(url, headers=bearer(client, world.ir.auditor)).get_json()
    assert {k: body[k] for k in (
        "report_deadline_days", "injured_pct", "missing_pct", "negligence_pct", "noncompliance_pct",
        "mitigation_bonus_pct", "coverage_pct", "deductible", "household_annual_cap", "dual_approval_threshold",
        "verification_sla_hours", "payment_sla_days", "appeal_days", "max_claims_per_year", "min_confidence",
        "covered_predators", "advance_pct", "late_interest_pct_per_year", "exclusion_zones")} == {
        "report_deadline_days": 3, "injured_pct": "30", "missing_pct": "0", "negligence_pct": "25",
        "noncompliance_pct": "50", "mitigation_bonus_pct": "10", "coverage_pct": "80", "deductible": "0",
        "household_annual_cap": None, "dual_approval_threshold": None, "verification_sla_hours": 72,
        "payment_sla_days": 30, "appeal_days": 30, "max_claims_per_year": 5, "min_confidence": "probable",
        "covered_predators": ["leopard", "snow_leopard"], "advance_pct": "0", "late_interest_pct_per_year": "0",
        "exclusion_zones": None}


def test_a_manager_changes_rules_and_each_change_is_audited(client, world):
    url = f"/api/v1/programmes/{world.ir.programme.id}"
    r = client.patch(url, headers=bearer(client, world.ir.manager), json={
        "injured_pct": "40", "household_annual_cap": "1500000000", "covered_predators": ["wolf", "leopard"],
        "min_confidence": "confirmed", "exclusion_zones": {"type": "Polygon", "coordinates": [SQUARE]},
        "appeal_days": 45})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["appeal_days"] == 45 and body["injured_pct"] == "30"  # money rules wait for a second manager
    (proposal,) = body["pending_rule_changes"]
    confirmed = client.post(f"{url}/rule-changes/{proposal['id']}/confirm", headers=bearer(client, world.ir.manager2))
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"
    body = client.get(url, headers=bearer(client, world.ir.manager)).get_json()
    assert (body["injured_pct"], body["household_annual_cap"], body["covered_predators"]) == (
        "40", "1500000000", ["leopard", "wolf"])
    assert body["exclusion_zones"]["type"] == "FeatureCollection"
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "programme.updated")).one()
    assert event.changes == {"appeal_days": [30, 45]} and event.actor_name == "manager_ir"
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "programme.rules_confirmed")).one()
    assert event.changes["injured_pct"] == ["30", "40"] and event.actor_name == "manager2_ir"
    assert event.changes["min_confidence"] == ["probable", "confirmed"] and event.data["proposed_by"] == "manager_ir"


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"injured_pct": "101"}, "injured_pct", "Must be between 0 and 100."),
    ({"negligence_pct": "12.3456"}, "negligence_pct", "at most 3 decimal places"),
    ({"coverage_pct": "10000000000000000000000000.0000"}, "coverage_pct", "Must be between 0 and 100."),
    ({"report_deadline_days": -1}, "report_deadline_days", "Must be between 0 and 365."),
    ({"payment_sla_days": 0}, "payment_sla_days", "Must be between 1 and 365."),
    ({"household_annual_cap": "-5"}, "household_annual_cap", "Must not be negative."),
    ({"covered_predators": []}, "covered_predators", "Choose at least one predator."),
    ({"covered_predators": ["tiger"]}, "covered_predators", "Must be one of"),
    ({"min_confidence": "certain"}, "min_confidence", "Must be one of"),
    ({"exclusion_zones": {"type": "Point", "coordinates": [59, 37]}}, "exclusion_zones", "only polygons"),
    ({"currency": "USD"}, "currency", "Unknown field."),
])
def test_bad_rules_answer_422_per_field_and_change_nothing(client, world, body, field, message):
    r = client.patch(f"/api/v1/programmes/{world.ir.programme.id}", json=body, headers=bearer(client, world.ir.manager))
    assert r.status_code == 422
    assert message in str(r.get_json()["errors"][field])
    assert db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "programme.updated")).first() is None


def test_only_managers_of_the_programmes_jurisdiction_change_it(client, world, make):
    url = f"/api/v1/programmes/{world.ir.programme.id}"
    assert client.patch(url, json={"injured_pct": "1"}, headers=bearer(client, world.ir.clerk)).status_code == 403
    assert client.patch(url, json={"injured_pct": "1"}, headers=bearer(client, world.am.manager)).status_code == 404
    regional = make.user("manager", world.ir.region, username="regional")
    db.session.commit()
    r = client.patch(url, json={"injured_pct": "1"}, headers=bearer(client, regional))
    assert r.status_code == 403 and "above your jurisdiction" in r.get_json()["message"]


@pytest.mark.parametrize(("value", "message"), [
    ({"type": "Polygon", "coordinates": [SQUARE[:-1]]}, "must end where it starts"),
    ({"type": "Polygon", "coordinates": [[[59, 37], [60, 38], [60, 37], [59, 38], [59, 37]]]}, "not valid"),
    ({"type": "Polygon", "coordinates": [[[200, 37], [201, 37], [201, 38], [200, 37]]]}, "longitude between"),
    ({"type": "LineString", "coordinates": [[59, 37], [60, 38]]}, "found LineString"),
    ({"type": "FeatureCollection", "features": "none"}, "needs a list of features"),
    ({"type": "Polygon", "coordinates": "x"}, "not a valid polygon"),
    ("a string", "Give GeoJSON"),
])
def test_exclusion_zones_must_be_valid_polygons(ctx, value, message):
    with pytest.raises(ZoneError, match=message):
        normalise(value)


def test_zones_are_stored_as_a_feature_collection_and_tested_by_lat_lon(ctx):
    stored = normalise({"type": "Feature", "properties": {"name": "Tandoureh core"},
                        "geometry": {"type": "MultiPolygon", "coordinates": [[SQUARE]]}})
    assert stored["features"][0]["properties"] == {"name": "Tandoureh core"}
    inside = contains_test(stored)
    assert inside(37.45, 59.1) and not inside(37.6, 59.1)
    assert normalise({"type": "FeatureCollection", "features": []}) is None
    assert contains_test(None) is None


def test_the_programme_page_lists_covered_predators_as_the_reader_lists(client, world):
    from tests.helpers import login

    login(client, world.ir.manager)
    page = client.get(f"/programmes/{world.ir.programme.id}?lang=fa").get_data(as_text=True)
    assert "پلنگ و پلنگ برفی" in page  # Persian joins with «و», never a Latin comma
    page = client.get(f"/programmes/{world.ir.programme.id}?lang=en").get_data(as_text=True)
    assert "Leopard and snow leopard" in page or "Leopard and Snow leopard" in page


def test_decimal_places_count_no_trailing_zeros_and_never_fail_on_huge_values():
    from decimal import Decimal

    from marshmallow import ValidationError

    from claims.schemas import _places

    check = _places(3)
    check(Decimal("80.5000"))  # 80.5: one place
    check(Decimal("10000000000000000000000000.0000"))  # the range check refuses it; this one must not raise
    with pytest.raises(ValidationError):
        check(Decimal("12.3456"))


@pytest.mark.parametrize(("lang", "expected"), [
    ("fa", ("۲۵ یعنی ۲۵٪.", "تا دو برابر دیرتر، ۵۰٪ پرداخت")),
    ("tr", ("25, %25 demektir.", "gecikmede %50 ödenir")),
    ("ru", ("25 означает 25\xa0%.", "выплачивается 50\xa0%;")),
])
def test_the_programme_form_writes_its_percentages_as_the_reader_does(client, world, lang, expected):
    from tests.helpers import login

    login(client, world.ir.manager)
    html = client.get(f"/programmes/{world.ir.programme.id}/edit?lang={lang}").get_data(as_text=True)
    for text in expected:
        assert text in html, text
