"""Names per language (DESIGN §14, issue 20 point 3): an administrator renames a jurisdiction — its official name and
its name in each language — by the API's PATCH, the command line and the administrator's page, through the one
audited operation; a manager names a programme per language on the command line. Bad input: 422 per field, nothing
changed."""

import sqlalchemy as sa

from claims.models import Programme
from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from conflict_service.jurisdictions.models import Jurisdiction
from tests.helpers import bearer, csrf_token, login


def _events(entity_type: str, entity_id: int) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == entity_type,
                                                          AuditEvent.entity_id == entity_id)
                              .order_by(AuditEvent.id)).all()


def test_api_renames_a_region_per_language(client, world):
    headers = bearer(client, world.ir.admin)
    path = f"/api/v1/jurisdictions/{world.ir.region.id}"
    r = client.patch(path, headers=headers, json={"names": {"fa": "خراسان رضوی", "en": "Razavi Khorasan"}})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["names"] == {"fa": "خراسان رضوی", "en": "Razavi Khorasan"}
    fa = client.get(path, headers=headers | {"Accept-Language": "fa"}).get_json()
    assert fa["local_name"] == "خراسان رضوی" and fa["name"] == "Region of IR"
    event = _events("jurisdiction", world.ir.region.id)[-1]
    assert event.action == "jurisdiction.updated" and "names" in event.changes


def test_api_refuses_bad_input_per_field_and_changes_nothing(client, world):
    headers = bearer(client, world.ir.admin)
    path = f"/api/v1/jurisdictions/{world.ir.office.id}"
    r = client.patch(path, headers=headers, json={"name": "  ", "names": {"xx": "Nowhere"}, "timezone": "Mars/Base"})
    assert r.status_code == 422
    assert set(r.get_json()["errors"]) >= {"name", "names"}
    r = client.patch(path, headers=headers, json={"timezone": "Mars/Base"})
    assert r.status_code == 422 and "timezone" in r.get_json()["errors"]
    db.session.expire_all()
    office = db.session.get(Jurisdiction, world.ir.office.id)
    assert office.names == {} and office.timezone != "Mars/Base"
    assert [e.action for e in _events("jurisdiction", office.id)] == ["jurisdiction.created"]


def test_api_only_administrators_of_the_jurisdiction(client, world, make):
    admin_am = make.user("admin", world.am.country, username="admin_am_only")
    db.session.commit()
    path = f"/api/v1/jurisdictions/{world.ir.office.id}"
    assert client.patch(path, headers=bearer(client, world.ir.manager), json={"name": "X"}).status_code == 403
    assert client.patch(path, headers=bearer(client, admin_am), json={"name": "X"}).status_code == 404
    assert client.patch("/api/v1/jurisdictions/987654", headers=bearer(client, world.ir.admin),
                        json={"name": "X"}).status_code == 404


def test_cli_renames_one_language_and_keeps_the_others(runner, world):
    code = world.ir.office.code
    first = runner.invoke(args=["jurisdictions", "rename", code, "دفتر درگز", "--locale", "fa"])
    second = runner.invoke(args=["jurisdictions", "rename", code, "Dargaz office", "--locale", "en"])
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    official = runner.invoke(args=["jurisdictions", "rename", code, "Dargaz"])
    assert official.exit_code == 0, official.output
    db.session.expire_all()
    office = db.session.get(Jurisdiction, world.ir.office.id)
    assert office.name == "Dargaz" and office.names == {"fa": "دفتر درگز", "en": "Dargaz office"}
    removed = runner.invoke(args=["jurisdictions", "rename", code, "", "--locale", "en"])
    assert removed.exit_code == 0, removed.output
    bad = runner.invoke(args=["jurisdictions", "rename", code, "Nowhere", "--locale", "xx"])
    assert bad.exit_code != 0 and "Not a language of the service" in bad.output
    db.session.expire_all()
    assert db.session.get(Jurisdiction, world.ir.office.id).names == {"fa": "دفتر درگز"}
    assert len(_events("jurisdiction", office.id)) == 1 + 4


def test_admin_page_renames_per_language(app, client, world, make):
    admin_am = make.user("admin", world.am.country, username="admin_am_only")
    db.session.commit()
    login(client, world.ir.admin)
    path = f"/admin/jurisdictions/{world.ir.office.id}"
    assert f'href="{path}"' in client.get("/admin/jurisdictions").get_data(as_text=True)
    token = csrf_token(client, path)
    bad = client.post(path, data={"csrf_token": token, "name": "", "names-fa": "دفتر درگز",
                                  "timezone": "Asia/Tehran", "is_active": "true"})
    assert bad.status_code == 422 and "دفتر درگز" in bad.get_data(as_text=True)
    good = client.post(path, data={"csrf_token": token, "name": "Dargaz", "names-fa": "دفتر درگز",
                                   "names-ps": "", "timezone": "Asia/Tehran", "is_active": "true"})
    assert good.status_code == 302
    db.session.expire_all()
    office = db.session.get(Jurisdiction, world.ir.office.id)
    assert office.name == "Dargaz" and office.names == {"fa": "دفتر درگز"} and office.timezone == "Asia/Tehran"
    assert _events("jurisdiction", office.id)[-1].action == "jurisdiction.updated"
    other = app.test_client()
    login(other, admin_am)
    assert other.get(path).status_code == 404


def test_cli_names_a_programme_per_language(runner, world):
    programme_id = world.ir.programme.id
    r = runner.invoke(args=["programmes", "rename", str(programme_id), "جبران خسارت پلنگ", "--locale", "fa",
                            "--user", world.ir.manager.username])
    assert r.exit_code == 0, r.output
    refused = runner.invoke(args=["programmes", "rename", str(programme_id), "X", "--user", world.ir.clerk.username])
    assert refused.exit_code != 0
    db.session.expire_all()
    programme = db.session.get(Programme, programme_id)
    assert programme.names == {"fa": "جبران خسارت پلنگ"} and programme.name != "X"
    assert _events("programme", programme_id)[-1].action == "programme.updated"
