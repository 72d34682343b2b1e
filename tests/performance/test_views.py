"""The pages: contracts, a contract, a period's assessment with approval, the camera-trap queue with import and
review — each change through the same operations as the API."""

import io

from conflict_service.db import db
from performance import demo
from performance.enums import PeriodStatus, Review
from performance.models import Observation
from tests.helpers import csrf_token, login
from tests.performance.conftest import tehran
from tests.performance.test_evidence import BAD, zipped


def test_contract_and_period_pages_and_approval(app, client, perf, world):
    contract = perf.contract()
    camera = perf.camera(contract, "D1", tehran(2025, 3, 30), tehran(2025, 7, 3))
    perf.leopard(camera, tehran(2025, 5, 3, 22))
    period = contract.periods[0]
    db.session.commit()
    login(client, world.ir.auditor)
    assert "Chehel Mir herders" in client.get("/performance").get_data(as_text=True)
    page = client.get(f"/performance/periods/{period.id}").get_data(as_text=True)
    assert "verified leopard detections" in page and "Approve the period" not in page
    manager = app.test_client()
    login(manager, world.ir.manager)
    token = csrf_token(manager, f"/performance/periods/{period.id}")
    assert manager.post(f"/performance/periods/{period.id}/approve", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(period), period.id).status == PeriodStatus.APPROVED
    assert manager.get(f"/performance/contracts/{contract.id}").status_code == 200


def test_queue_import_and_review(client, perf, world):
    contract = perf.contract()
    programme_id = contract.community.programme_id
    db.session.commit()
    login(client, world.ir.verifier)
    token = csrf_token(client, "/performance/observations")
    refused = client.post("/performance/imports", content_type="multipart/form-data", data={
        "csrf_token": token, "programme_id": str(programme_id), "file": (io.BytesIO(zipped(BAD)), "bad.zip")})
    assert refused.status_code == 422 and 'id="package-problems"' in refused.get_data(as_text=True)
    assert f'value="{programme_id}" selected' in refused.get_data(as_text=True)
    done = client.post("/performance/imports", content_type="multipart/form-data", data={
        "csrf_token": token, "programme_id": str(programme_id),
        "file": (io.BytesIO(demo.package_bytes()), "tandoureh.zip")})
    assert done.status_code == 302
    observation = db.session.query(Observation).order_by(Observation.id).first()
    reviewed = client.post(f"/performance/observations/{observation.id}/review",
                           data={"csrf_token": token, "review": "confirmed"})
    assert reviewed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Observation, observation.id).review == Review.CONFIRMED


def test_the_statement_is_printed_in_the_programme_language(client, perf, world):
    from tests.casefiles.pdftools import pdf_lines

    contract = perf.contract()
    camera = perf.camera(contract, "D1", tehran(2025, 3, 30), tehran(2025, 7, 3))
    for day in (3, 9, 15):
        perf.leopard(camera, tehran(2025, 5, day, 22))
    period = contract.periods[0]
    db.session.commit()
    login(client, world.ir.auditor)
    response = client.get(f"/performance/periods/{period.id}/statement.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(pdf_lines(response.data))
    assert "Chehel Mir herders" in text
    assert "۹٬۹۰۰٬۰۰۰" in text  # 0.99 units × 10,000,000 rials, in Persian digits (the programme speaks fa)
    english = "\n".join(pdf_lines(client.get(f"/performance/periods/{period.id}/statement.pdf?lang=en").data))
    assert "9,900,000" in english and "verified leopard detections" in english
