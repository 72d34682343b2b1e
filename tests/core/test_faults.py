"""When the database cannot be reached, every interface answers 503 with a clear message."""

import pytest

from conflict_service.app import create_app


@pytest.fixture
def broken_app(tmp_path):
    return create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                       "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"})


def test_database_unreachable_answers_503(broken_app):
    client = broken_app.test_client()
    r = client.post("/api/v1/auth/token", json={"username": "clerk", "password": "a password"})
    assert r.status_code == 503
    assert r.get_json()["message"].startswith("The service is temporarily unavailable. Nothing was changed")
    page = client.post("/login", data={"username": "clerk", "password": "x"})  # CSRF is checked before the database
    assert page.status_code in (400, 503)
    health = client.get("/healthz")
    assert health.status_code == 503
    assert "temporarily unavailable" in health.get_data(as_text=True)
