"""Administrators manage users and jurisdictions through pages; everything is audited."""

import sqlalchemy as sa

from conflict_service.audit.models import AuditEvent
from conflict_service.auth.models import User
from conflict_service.db import db
from tests.helpers import csrf_token, login


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
                                                                    AuditEvent.entity_id == user.id)).all()
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
