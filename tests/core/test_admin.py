"""Administrators manage users and jurisdictions through pages; everything is audited."""

import pytest
import sqlalchemy as sa

from conflict_service.audit.models import AuditEvent
from conflict_service.auth.models import User
from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.jurisdictions.models import Jurisdiction
from conflict_service.jurisdictions.operations import update_jurisdiction
from tests.helpers import bearer, csrf_token, login


def test_create_and_edit_a_user(client, world):
    login(client, world.ir.admin)
    token = csrf_token(client, "/admin/users/new")
    bad = client.post("/admin/users/new", data={"csrf_token": token, "username": "New Verifier", "role": "verifier",
                                                "password": "short", "full_name": "Kept Name"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Use 3 to 80 lowercase letters" in page and "Kept Name" in page
    good = client.post("/admin/users/new", data={"csrf_token": token, "username": "new_verifier", "role": "verifier",
                                                 "password": "a long enough password",
                                                 "jurisdiction_ids": [world.ir.region.id]})
    assert good.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.username == "new_verifier"))
    assert [j.code for j in user.jurisdictions] == ["IR-REG"]
    r = client.post(f"/admin/users/{user.id}", data={"csrf_token": token, "role": "verifier", "full_name": "Field A",
                                                     "jurisdiction_ids": [world.ir.region.id], "is_active": "false"})
    assert r.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, user.id).is_active
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.entity_type == "user",
                                                                    AuditEvent.entity_id == user.id)
                                 .order_by(AuditEvent.seq)).all()
    assert actions == ["user.created", "user.updated"]


def test_admin_cannot_lock_themselves_out(client, world):
    login(client, world.ir.admin)
    token = csrf_token(client, "/admin/users")
    r = client.post(f"/admin/users/{world.ir.admin.id}", data={
        "csrf_token": token, "role": "manager", "jurisdiction_ids": [world.ir.country.id], "is_active": "true"})
    assert r.status_code == 422
    assert "You cannot remove your own administrator access." in r.get_data(as_text=True)


def test_add_an_office(client, world):
    login(client, world.ir.admin)
    token = csrf_token(client, "/admin/jurisdictions")
    bad = client.post("/admin/jurisdictions", data={"csrf_token": token, "short_code": "OFF", "name": "Again",
                                                    "parent_id": world.ir.region.id})
    assert bad.status_code == 422
    assert "This code is already used in the same country." in bad.get_data(as_text=True)
    good = client.post("/admin/jurisdictions", data={"csrf_token": token, "short_code": "SRK", "name": "Sarakhs",
                                                     "parent_id": world.ir.region.id})
    assert good.status_code == 302
    assert "IR-REG-SRK" in client.get("/admin/jurisdictions").get_data(as_text=True)


def test_only_administrators(client, world):
    login(client, world.ir.manager)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/jurisdictions").status_code == 403


def test_an_administrator_sees_and_changes_only_their_own_countrys_tree(client, world, make):
    admin_ir = make.user("admin", world.ir.country, username="admin_ir_only")
    db.session.commit()
    headers = bearer(client, admin_ir)
    codes = {j["code"] for j in client.get("/api/v1/jurisdictions", headers=headers).get_json()}
    assert "IR-REG-OFF" in codes and not any(c.startswith("AM") for c in codes)
    foreign = client.post("/api/v1/jurisdictions", headers=headers,
                          json={"short_code": "NEW", "name": "Elsewhere", "parent_id": world.am.region.id})
    missing = client.post("/api/v1/jurisdictions", headers=headers,
                          json={"short_code": "NEW", "name": "Elsewhere", "parent_id": 987654})
    assert foreign.status_code == missing.status_code == 422
    assert foreign.get_json()["errors"] == missing.get_json()["errors"]  # another country's region does not exist
    country = client.post("/api/v1/jurisdictions", headers=headers, json={"short_code": "TR", "name": "Türkiye"})
    assert country.status_code == 422 and "command line" in country.get_json()["errors"]["parent_id"][0]
    own = client.post("/api/v1/jurisdictions", headers=headers,
                      json={"short_code": "NEW", "name": "Mashhad", "parent_id": world.ir.region.id})
    assert own.status_code == 201
    login(client, admin_ir)
    page = client.get("/admin/jurisdictions").get_data(as_text=True)
    assert "IR-REG-NEW" in page and "AM-REG" not in page and "Country AM" not in page
    form = client.get("/admin/users/new").get_data(as_text=True)
    assert "Region of IR" in form and "Region of AM" not in form
    db.session.expire_all()
    with pytest.raises(NotFound):
        update_jurisdiction(db.session.get(Jurisdiction, world.am.office.id), {"name": "Renamed"}, admin_ir)
