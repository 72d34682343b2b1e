"""Who may record what (every role × every action), and nothing outside one's jurisdictions."""

from __future__ import annotations

import pytest

from conflict_service.db import db
from mitigation.enums import MeasureKind
from tests.helpers import bearer, login, post_form

pytestmark = pytest.mark.usefixtures("clock")
ROLES = ["clerk", "verifier", "manager", "auditor", "admin"]


@pytest.fixture
def dog(build):
    measure = build.measure(kind=MeasureKind.GUARDIAN_DOG)
    db.session.commit()
    return measure


def _calls(dog):
    owner = dog.owner_id
    return {
        "create": ("post", "/api/v1/mitigations", {
            "owner_id": owner, "kind": "foxlight", "installed_on": "2026-01-01", "cost": "15000000",
            "currency": "IRR", "funder": "UNDP"}),
        "correct": ("patch", f"/api/v1/mitigations/{dog.id}", {"funder": "UNDP"}),
        "inspect": ("post", f"/api/v1/mitigations/{dog.id}/inspections", {"inspected_on": "2026-11-01",
                                                                         "status": "good"}),
        "vaccinate": ("post", f"/api/v1/dogs/{dog.id}/vaccinations", {"kind": "rabies", "given_on": "2026-11-01"}),
        "read": ("get", f"/api/v1/mitigations/{dog.id}", None),
        "read_dog": ("get", f"/api/v1/dogs/{dog.id}", None),
        "list": ("get", "/api/v1/mitigations", None),
        "report": ("get", "/api/v1/reports/mitigation-effectiveness", None),
    }


# Clerks record installs (DESIGN §2); clerks and field verifiers inspect and vaccinate; managers and auditors read.
ALLOWED = {
    "clerk": {"create", "correct", "inspect", "vaccinate", "read", "read_dog", "list", "report"},
    "verifier": {"inspect", "vaccinate", "read", "read_dog", "list", "report"},
    "manager": {"read", "read_dog", "list", "report"},
    "auditor": {"read", "read_dog", "list", "report"},
    "admin": set(),
}
# A role that may never do it is told which roles may, before anything else is looked at.
WHY = {
    "create": "This needs one of these roles: Office clerk.",
    "correct": "This needs one of these roles: Office clerk.",
    "inspect": "This needs one of these roles: Office clerk, Field verifier.",
    "vaccinate": "This needs one of these roles: Office clerk, Field verifier.",
}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, world, dog, role):
    headers = bearer(client, getattr(world.ir, role))
    for action, (method, path, payload) in _calls(dog).items():
        r = getattr(client, method)(path, headers=headers, json=payload)
        if action in ALLOWED[role]:
            assert r.status_code in (200, 201), (role, action, r.get_json())
        else:
            assert r.status_code == 403, (role, action, r.status_code)
            if role != "admin":
                assert r.get_json()["message"] == WHY[action], (role, action)


@pytest.mark.parametrize("role", ["clerk", "verifier", "manager", "auditor"])
def test_other_countries_see_nothing(client, world, dog, role):
    headers = bearer(client, getattr(world.am, role))
    for action, (method, path, payload) in _calls(dog).items():
        r = getattr(client, method)(path, headers=headers, json=payload)
        if action == "list":
            assert r.get_json()["total"] == 0
        elif action == "report":
            assert r.get_json()["rows"] == []
        elif action == "create":
            expected = 422 if role == "clerk" else 403
            assert r.status_code == expected
        elif action in ALLOWED[role]:
            assert r.status_code == 404, (role, action, r.status_code)
        else:
            assert r.status_code in (403, 404), (role, action)
        assert "Sardar" not in r.get_data(as_text=True)
    assert client.get("/api/v1/dogs?overdue=true", headers=headers).get_json()["total"] == 0


@pytest.mark.parametrize("role", ["clerk", "verifier", "manager", "auditor"])
def test_pages_answer_not_found_outside_jurisdiction(client, world, dog, role):
    login(client, getattr(world.am, role))
    assert client.get(f"/mitigation/{dog.id}").status_code == 404
    for path in ("/mitigation", "/mitigation/dogs?overdue=true", "/mitigation/effectiveness"):
        assert "Sardar" not in client.get(path).get_data(as_text=True)
    r = post_form(client, f"/mitigation/{dog.id}/inspections", {"inspected_on": "2026-11-01", "status": "good"},
                  form_path="/mitigation")
    assert r.status_code == (404 if role in ("clerk", "verifier") else 403)  # managers and auditors never inspect


def test_managers_read_but_cannot_inspect_from_the_page(client, world, dog):
    login(client, world.ir.manager)
    page = client.get(f"/mitigation/{dog.id}").get_data(as_text=True)
    assert "Sardar" in page and "Record an inspection" not in page and "Record a vaccination" not in page
    r = post_form(client, f"/mitigation/{dog.id}/inspections", {"inspected_on": "2026-11-01", "status": "good"},
                  form_path="/mitigation")
    assert r.status_code == 403
    assert "This needs one of these roles: Office clerk, Field verifier." in r.get_data(as_text=True)
