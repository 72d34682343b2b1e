"""Jurisdiction scoping: a user in Armenia reaches none of Iran's owners or claims, by API or page."""

import pytest

from conflict_service.db import db
from tests.helpers import bearer, login, post_form

AM_ROLES = ["clerk", "verifier", "manager", "auditor"]


@pytest.fixture
def ir_records(world, make):
    owner = make.owner(world.ir.clerk, world.ir.office, name="Secret Iranian Owner", national_id="IR-998877")
    claim = make.claim(world.ir, owner)
    db.session.commit()
    return owner, claim


def _api_calls(owner, claim):
    """(method, path, body, clerks only): clerk-only writes refuse other roles (403) before any lookup."""
    return [
        ("get", f"/api/v1/owners/{owner.id}", None, False),
        ("patch", f"/api/v1/owners/{owner.id}", {"village": "Moved"}, True),
        ("get", f"/api/v1/claims/{claim.id}", None, False),
        ("patch", f"/api/v1/claims/{claim.id}", {"narrative": "changed"}, True),
        ("post", f"/api/v1/claims/{claim.id}/withdraw", {"reason": "no"}, True),
        ("get", f"/api/v1/claims/{claim.id}/history", None, False),
    ]


@pytest.mark.parametrize("role", AM_ROLES)
def test_api_answers_not_found_outside_jurisdiction(client, world, ir_records, role):
    owner, claim = ir_records
    headers = bearer(client, getattr(world.am, role))
    for method, path, body, clerks_only in _api_calls(owner, claim):
        r = getattr(client, method)(path, headers=headers, json=body)
        expected = 403 if clerks_only and role != "clerk" else 404
        assert r.status_code == expected, (method, path, r.status_code)
        assert "Secret Iranian Owner" not in r.get_data(as_text=True)
    for path in ("/api/v1/claims", "/api/v1/owners", f"/api/v1/claims?q={claim.number}"):
        r = client.get(path, headers=headers)
        assert r.status_code == 200 and r.get_json()["total"] == 0


@pytest.mark.parametrize("role", AM_ROLES)
def test_pages_answer_not_found_outside_jurisdiction(client, world, ir_records, role):
    owner, claim = ir_records
    login(client, getattr(world.am, role))
    for path in (f"/owners/{owner.id}", f"/claims/{claim.id}"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "Secret Iranian Owner" not in r.get_data(as_text=True)
    for path in (f"/owners/{owner.id}/edit", f"/claims/{claim.id}/edit", f"/claims/new?owner_id={owner.id}"):
        assert client.get(path).status_code == (404 if role == "clerk" else 403), path
    for path in ("/claims", "/owners", "/"):
        page = client.get(path).get_data(as_text=True)
        assert "Secret Iranian Owner" not in page and claim.number not in page
    r = post_form(client, f"/claims/{claim.id}/withdraw", {"reason": "x"}, form_path="/")
    assert r.status_code == (404 if role == "clerk" else 403)  # only clerks withdraw, anywhere


def test_home_country_users_do_see_them(client, world, ir_records):
    owner, claim = ir_records
    for role in AM_ROLES:
        headers = bearer(client, getattr(world.ir, role))
        assert client.get(f"/api/v1/claims/{claim.id}", headers=headers).status_code == 200


def test_personal_data_is_masked_for_auditors(client, world, ir_records):
    owner, _claim = ir_records
    seen = client.get(f"/api/v1/owners/{owner.id}", headers=bearer(client, world.ir.auditor)).get_json()
    assert seen["national_id"] == "•••••••77" and seen["phone"].endswith("67") and "123" not in seen["phone"]
    clerk_view = client.get(f"/api/v1/owners/{owner.id}", headers=bearer(client, world.ir.clerk)).get_json()
    assert clerk_view["national_id"] == "IR-998877"
