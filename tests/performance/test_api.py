"""The JSON API: contracts (422 per field), a second manager's confirmation, periods, the assessment and approval,
Camtrap DP imports and reviews."""

import io
from decimal import Decimal

from conflict_service.db import db
from performance import demo
from tests.helpers import bearer
from tests.performance.conftest import AREA, tehran


def contract_body(community_id, **over):
    body = {"community_id": community_id, "starts_on": "2025-04-01", "period_months": 3, "period_count": 4,
            "indicator": "detections", "rate": "10000000", "cap": "30000000", "forfeiture": "cut",
            "forfeit_pct": "50", "fallback": "average", "fallback_periods": 2, "distribution": "equal"}
    body.update(over)
    return body


def test_contracts_are_written_confirmed_and_listed(client, perf, world):
    community = perf.community()
    db.session.commit()
    manager, manager2 = bearer(client, world.ir.manager), bearer(client, world.ir.manager2)
    bad = client.post("/api/v1/performance/contracts", headers=manager,
                      json=contract_body(community.id, rate="-1", indicator="lions", period_months=0))
    assert bad.status_code == 422 and {"rate", "indicator", "period_months"} <= set(bad.get_json()["errors"])
    created = client.post("/api/v1/performance/contracts", headers=manager, json=contract_body(community.id))
    assert created.status_code == 201 and created.get_json()["is_pending"]
    contract_id = created.get_json()["id"]
    assert client.post(f"/api/v1/performance/contracts/{contract_id}/confirm", headers=manager).status_code == 403
    confirmed = client.post(f"/api/v1/performance/contracts/{contract_id}/confirm", headers=manager2)
    assert confirmed.status_code == 200 and not confirmed.get_json()["is_pending"]
    listed = client.get("/api/v1/performance/contracts", headers=bearer(client, world.ir.auditor)).get_json()
    assert [c["id"] for c in listed["items"]] == [contract_id]
    assert client.get("/api/v1/performance/contracts", headers=bearer(client, world.am.manager)).get_json()[
        "total"] == 0
    assert client.get(f"/api/v1/performance/contracts/{contract_id}",
                      headers=bearer(client, world.am.auditor)).status_code == 404
    periods = client.get(f"/api/v1/performance/contracts/{contract_id}/periods", headers=manager).get_json()
    assert [(p["starts_on"], p["ends_on"]) for p in periods][:2] == [("2025-04-01", "2025-07-01"),
                                                                      ("2025-07-01", "2025-10-01")]


def test_money_terms_change_only_with_a_second_manager(client, perf, world):
    contract = perf.contract()
    db.session.commit()
    manager, manager2 = bearer(client, world.ir.manager), bearer(client, world.ir.manager2)
    proposed = client.post(f"/api/v1/performance/contracts/{contract.id}/changes", headers=manager,
                           json={"cap": "45000000"})
    assert proposed.status_code == 201
    change_id = proposed.get_json()["id"]
    path = f"/api/v1/performance/contracts/{contract.id}/changes/{change_id}/decision"
    assert client.post(path, headers=manager, json={"confirm": True}).status_code == 403
    assert client.post(path, headers=manager2, json={"confirm": True}).status_code == 200
    got = client.get(f"/api/v1/performance/contracts/{contract.id}", headers=manager).get_json()
    assert Decimal(got["cap"]) == Decimal(45_000_000)
    same = client.post(f"/api/v1/performance/contracts/{contract.id}/changes", headers=manager,
                       json={"cap": "45000000"})
    assert same.status_code == 422 and "terms" in same.get_json()["errors"]


def test_assessment_and_approval(client, perf, world):
    contract = perf.contract()
    d1 = perf.camera(contract, "D1", tehran(2025, 3, 30), tehran(2025, 7, 3))
    for day in (3, 9, 15):
        perf.leopard(d1, tehran(2025, 5, day, 22))
    period_id = contract.periods[0].id
    db.session.commit()
    auditor = bearer(client, world.ir.auditor)
    view = client.get(f"/api/v1/performance/periods/{period_id}/assessment", headers=auditor).get_json()
    # 3 detections over 91 camera-days: 0.99 units × 10,000,000 = 9,900,000, split 120:60 sheep
    assert view["units"] == "0.99" and view["total"] == "9900000" and not view["is_frozen"]
    assert [line["step"] for line in view["lines"]] == ["units", "base", "rounding"]
    assert "0.99" in view["lines"][0]["text"]
    assert [s["amount"] for s in view["shares"]] == ["6600000", "3300000"]
    assert client.post(f"/api/v1/performance/periods/{period_id}/approve", headers=auditor).status_code == 403
    approved = client.post(f"/api/v1/performance/periods/{period_id}/approve",
                           headers=bearer(client, world.ir.manager))
    assert approved.status_code == 200 and approved.get_json()["is_frozen"]
    again = client.post(f"/api/v1/performance/periods/{period_id}/approve", headers=bearer(client, world.ir.manager2))
    assert again.status_code == 409


def test_imports_and_reviews(client, perf, world):
    contract = perf.contract()
    programme_id = contract.community.programme_id
    db.session.commit()
    verifier = bearer(client, world.ir.verifier)

    def upload(data: bytes, headers=verifier):
        return client.post("/api/v1/performance/imports", headers=headers, content_type="multipart/form-data",
                           data={"programme_id": str(programme_id), "file": (io.BytesIO(data), "package.zip")})

    from tests.performance.test_evidence import BAD, zipped

    refused = upload(zipped(BAD))
    assert refused.status_code == 422
    errors = refused.get_json()["errors"]
    assert sum(len(v) for v in errors.values()) > 1
    done = upload(demo.package_bytes())
    assert done.status_code == 201 and done.get_json()["linked"] == 3
    assert upload(demo.package_bytes()).status_code == 409
    waiting = client.get("/api/v1/performance/observations", headers=verifier).get_json()
    assert waiting["total"] == 11
    first = waiting["items"][0]["id"]
    reviewed = client.post(f"/api/v1/performance/observations/{first}/review", headers=verifier,
                           json={"review": "confirmed", "individual_id": "TAN-M01"})
    assert reviewed.status_code == 200 and reviewed.get_json()["review"] == "confirmed"
    assert client.post(f"/api/v1/performance/observations/{first}/review", headers=bearer(
        client, world.am.verifier), json={"review": "rejected"}).status_code == 404


def test_communities_need_an_area_of_polygons(client, perf, world):
    programme = perf.programme()
    db.session.commit()
    body = {"programme_id": programme.id, "name": "Herders", "jurisdiction_id": world.ir.office.id,
            "area": {"type": "Point", "coordinates": [58.8, 37.4]}, "account_method": "bank"}
    bad = client.post("/api/v1/performance/communities", headers=bearer(client, world.ir.manager), json=body)
    assert bad.status_code == 422 and "area" in bad.get_json()["errors"]
    good = client.post("/api/v1/performance/communities", headers=bearer(client, world.ir.manager),
                       json={**body, "area": AREA})
    assert good.status_code == 201
