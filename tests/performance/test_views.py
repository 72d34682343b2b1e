"""The pages: contracts, a contract, a period's assessment with approval, the camera-trap queue with import and
review — each change through the same operations as the API."""

import io

import pytest

from conflict_service.db import db
from performance import demo, evidence
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
    assert "1 verified leopard detection over 91 camera-days" in page and "Approve the period" not in page
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


def test_the_queue_and_the_import_read_in_the_readers_language(app, client, perf, world):
    """The species by its name in Persian (the scientific name only in a title), the demo cameras' places in Persian,
    the package's identifiers set apart left to right; the import's audit line counts instead of naming the package."""
    from flask_babel import force_locale

    from conflict_service.audit.models import AuditEvent
    from conflict_service.audit.presentation import describe
    from tests.i18n.leaks import html_text, leaks

    contract = perf.contract()
    evidence.import_package(contract.community.programme_id, demo.package_bytes(), "tandoureh.zip", world.ir.verifier)
    db.session.commit()
    login(client, world.ir.verifier)
    page = client.get("/performance/observations?lang=fa").get_data(as_text=True)
    assert '<span title="Panthera pardus">پلنگ</span>' in page
    assert "تندوره، درهٔ کل‌گز" in page and '<bdi dir="ltr">TAN-D01</bdi>' in page
    seen = leaks(html_text(page), "fa").words
    assert not {"Panthera", "pardus", "Golestan", "ridge"} & set(seen)  # what is left: the fixture's English programme
    event = db.session.query(AuditEvent).filter_by(action="performance_import.recorded").one()
    with app.test_request_context(), force_locale("fa"):
        assert describe(event) == "بستهٔ دوربین تله‌ای وارد شد (دوربین‌ها: ۴، مشاهده‌های پلنگ: ۱۱)"


@pytest.mark.parametrize(("name", "shown"), [
    ("Panthera pardus", "Leopard"), ("Panthera pardus tulliana", "Persian leopard"),
    ("panthera Pardus saxicolor", "Persian leopard"), ("Panthera pardus kotiya", "Leopard")])
def test_an_observation_is_named_by_its_common_name(app, name, shown):
    from performance.presentation import species_name

    with app.test_request_context():
        assert species_name(name) == shown


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
