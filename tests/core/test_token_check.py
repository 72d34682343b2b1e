"""The API's token check on every request: one statement for the token, its user and the scope version; the user's
own jurisdictions kept per process under that version (README "Performance"). A token revoked or expired, a user
deactivated or moved to other jurisdictions — by this process, another one or plain SQL — counts at the next
request."""

import pytest
import sqlalchemy as sa
import time_machine

from conflict_service.db import db
from tests.claims.conftest import claim_body
from tests.factories import at
from tests.helpers import bearer, sql_statements

NOW = at(2026, 11, 21, 9, 0)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def statements(app):
    """The SQL statements run while the test reads it (not the test's own savepoints)."""
    with sql_statements(app, savepoints=False) as seen:
        yield seen


@pytest.fixture
def owner(world, make):
    return make.owner(world.ir.clerk, world.ir.office, name="Karim Yazdani")


def _sql(statement: str, **values) -> None:
    """A change in plain SQL, as another process or a database console would write it: only the triggers see it."""
    db.session.execute(sa.text(statement), values)
    db.session.commit()


def _file(client, headers, owner, world):
    return client.post("/api/v1/claims", json=claim_body(owner.id, world.ir.programme.id), headers=headers)


def _reads(statements, table: str) -> int:
    return sum(f" {table} " in f" {s} " or f" {table}." in s for s in statements)


def test_one_statement_checks_the_token_and_the_users_jurisdictions_are_read_once(client, world, owner, statements):
    headers = bearer(client, world.ir.clerk)
    statements.clear()
    assert _file(client, headers, owner, world).status_code == 201
    token = statements[0]
    assert "FROM api_tokens" in token and "scope_version" in token and "users" in token
    assert "jurisdictions" not in token  # neither the user's jurisdictions nor their lineage as objects
    assert _reads(statements, "user_jurisdictions") == 1  # the clerk's own, read once
    statements.clear()
    assert _file(client, headers, owner, world).status_code == 201
    assert "FROM api_tokens" in statements[0]
    assert _reads(statements, "user_jurisdictions") == 0  # kept in this process while the scope version stays


def test_jurisdictions_changed_in_plain_sql_count_at_the_next_request(client, world, owner):
    headers = bearer(client, world.ir.clerk)
    assert _file(client, headers, owner, world).status_code == 201
    values = {"user": world.ir.clerk.id, "office": world.ir.office.id}
    _sql("DELETE FROM user_jurisdictions WHERE user_id = :user AND jurisdiction_id = :office", **values)
    _sql("INSERT INTO user_jurisdictions (user_id, jurisdiction_id) VALUES (:user, :other)", user=world.ir.clerk.id,
         other=world.am.office.id)
    r = _file(client, headers, owner, world)
    assert r.status_code == 422 and r.get_json()["errors"]["office_id"] == ["Choose one of your offices."]
    _sql("INSERT INTO user_jurisdictions (user_id, jurisdiction_id) VALUES (:user, :office)", **values)
    assert _file(client, headers, owner, world).status_code == 201
    # the office moved to Armenia's region: the clerk holds it still, and it is still theirs
    _sql("UPDATE jurisdictions SET parent_id = :region WHERE id = :office", region=world.am.region.id,
         office=world.ir.office.id)
    assert client.get(f"/api/v1/owners/{owner.id}", headers=headers).status_code == 200


def test_jurisdictions_changed_through_the_api_count_at_the_next_request(client, world, owner):
    headers = bearer(client, world.ir.clerk)
    assert _file(client, headers, owner, world).status_code == 201
    admin = bearer(client, world.ir.admin)
    r = client.patch(f"/api/v1/users/{world.ir.clerk.id}", json={"jurisdiction_ids": [world.am.office.id]},
                     headers=admin)
    assert r.status_code == 200, r.get_json()
    r = _file(client, headers, owner, world)
    assert r.status_code == 422 and r.get_json()["errors"]["office_id"] == ["Choose one of your offices."]


def test_a_token_revoked_or_a_user_deactivated_in_plain_sql_is_refused_at_the_next_request(client, world, owner):
    headers = bearer(client, world.ir.clerk)
    assert _file(client, headers, owner, world).status_code == 201
    _sql("UPDATE api_tokens SET revoked_at = :now WHERE user_id = :user", now=NOW, user=world.ir.clerk.id)
    assert _file(client, headers, owner, world).status_code == 401
    headers = bearer(client, world.ir.clerk)
    assert _file(client, headers, owner, world).status_code == 201
    _sql("UPDATE users SET is_active = :no WHERE id = :user", no=False, user=world.ir.clerk.id)
    assert _file(client, headers, owner, world).status_code == 401


def test_an_expired_token_is_refused(client, world, owner):
    headers = bearer(client, world.ir.clerk)
    assert _file(client, headers, owner, world).status_code == 201
    with time_machine.travel(at(2026, 11, 21, 21, 1), tick=False):
        assert _file(client, headers, owner, world).status_code == 401
