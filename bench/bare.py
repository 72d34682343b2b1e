"""The service with two extra routes for benchmarks only, so a load test can compare a real endpoint with its floors
on the same gunicorn:

- ``/bench/bare`` answers at once without touching the application: what gunicorn itself costs.
- ``/bench/list`` runs the claim list's two statements (its count and its rows, the SQL the page runs, compiled once)
  on a pooled connection and answers with the rows' numbers: the statements behind gunicorn and HTTP, without the
  application (no session, no template), for scale beside the page.
- ``/bench/insert`` is the floor of a claim submission: the same numbered, audited insert written by hand. One
  transaction through the service's own engine, in plain SQL: take the next number from the office's counter row
  (the service's one statement, ``INSERT … ON CONFLICT DO UPDATE … RETURNING``),
  insert the claim and its loss lines, take the audit chain's lock, read its head and append the event (hashed and
  signed with the audit key as the service does it, so ``flask audit verify`` still finds the chain intact). What
  it leaves out is everything a submission does besides writing: no token check per request (the clerk is looked
  up once per token), no schema or jurisdiction validation, no ORM, no idempotency key, no JSON answer beyond the
  number.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from claims.models import Claim
from claims.queries import ClaimFilters, claim_list_statements
from claims.states import ClaimState
from conflict_service.audit.chain import GENESIS_HASH, compute_hash
from conflict_service.audit.keys import audit_keys
from conflict_service.audit.models import AuditEvent
from conflict_service.audit.operations import PG_CHAIN_LOCK_KEYS
from conflict_service.auth import queries as auth_queries
from conflict_service.auth.operations import user_for_token
from conflict_service.db import db
from conflict_service.security import limiter
from wsgi import app as service

# Sign-in is rate-limited per address (10 a minute); the browser measurements (bench/wire.py) sign in from one
# address more often than that.
limiter.enabled = False

CLAIM_FIELDS = ("incident_village", "time_of_day", "is_in_corral", "is_herder_present", "is_guard_dog_present",
                "narrative", "incident_lat", "incident_lon")


def _typed(sql: str, **types) -> sa.TextClause:
    """Plain SQL whose timestamp parameters go through the service's column type (UTC, as the ORM stores them)."""
    return sa.text(sql).bindparams(*(sa.bindparam(name, type_=kind) for name, kind in types.items()))


STAMP = Claim.__table__.c.filed_at.type
# The service's own statement (claims.operations._next_number): create the counter or take its next value.
NEXT_NUMBER = sa.text("INSERT INTO claim_counters (office_id, year, last_seq) VALUES (:office, :year, 1) "
                      "ON CONFLICT (office_id, year) DO UPDATE SET last_seq = claim_counters.last_seq + 1 "
                      "RETURNING last_seq")
INSERT_CLAIM = _typed(
    "INSERT INTO claims (number, pin, owner_id, programme_id, office_id, filed_by_id, status, status_changed_at, "
    "incident_at, incident_date, incident_lat, incident_lon, incident_village, time_of_day, is_in_corral, "
    "is_herder_present, is_guard_dog_present, narrative, reported_at, filed_at, filed_date, updated_at, "
    "verification_due_at) VALUES (:number, :pin, :owner_id, :programme_id, :office_id, :filed_by_id, 'submitted', "
    ":now, :incident_at, :incident_date, :incident_lat, :incident_lon, :incident_village, :time_of_day, "
    ":is_in_corral, :is_herder_present, :is_guard_dog_present, :narrative, :now, :now, :filed_date, :now, "
    ":verification_due_at) RETURNING id",
    now=STAMP, incident_at=STAMP, verification_due_at=STAMP)
INSERT_LINE = sa.text("INSERT INTO loss_lines (claim_id, position, species, age_class, outcome, count) "
                      "VALUES (:claim_id, :position, :species, :age_class, :outcome, :count)")
LOCK_CHAIN = sa.text(f"SELECT pg_advisory_xact_lock({PG_CHAIN_LOCK_KEYS})")  # the service's lock
CHAIN_HEAD = sa.text("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
INSERT_EVENT = _typed(
    "INSERT INTO audit_events (seq, occurred_at, actor_id, actor_name, action, entity_type, entity_id, entity_label, "
    "scope_id, changes, data, reason, request_id, prev_hash, hash, mac) VALUES (:seq, :occurred_at, :actor_id, "
    ":actor_name, 'claim.submitted', 'claim', :entity_id, :entity_label, :scope_id, :changes, '{}', NULL, NULL, "
    ":prev_hash, :hash, :mac)",
    occurred_at=AuditEvent.__table__.c.occurred_at.type)

_clerks: dict[str, tuple[int, str]] = {}  # bearer token -> (user id, username), looked up once
_places: dict[tuple[int, int], dict] = {}  # (owner, programme) -> office and programme facts, looked up once


def _keys():
    """The installation's audit key (it signs every event's hash), read once."""
    with service.app_context():
        return audit_keys()


def _clerk(environ) -> tuple[int, str]:
    raw = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
    if raw not in _clerks:
        with service.app_context():
            user, _token, _version = user_for_token(raw)
            _clerks[raw] = (user.id, user.username)
    return _clerks[raw]


def _place(owner_id: int, programme_id: int) -> dict:
    if (owner_id, programme_id) not in _places:
        with service.app_context():
            row = db.session.execute(sa.text(
                "SELECT o.office_id, j.country_code, j.short_code, j.timezone, p.verification_sla_hours "
                "FROM owners o JOIN jurisdictions j ON j.id = o.office_id, programmes p "
                "WHERE o.id = :owner AND p.id = :programme"), {"owner": owner_id, "programme": programme_id}).one()
            _places[owner_id, programme_id] = dict(row._mapping)
    return _places[owner_id, programme_id]


def _insert(environ, start_response):
    """POST a claim as JSON (the API's body): the hand-written numbered, audited insert."""
    body = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
    actor_id, actor_name = _clerk(environ)
    place = _place(body["owner_id"], body["programme_id"])
    now = datetime.now(UTC)
    zone = ZoneInfo(place["timezone"])
    incident_at = datetime.fromisoformat(body["incident_at"])
    filed_date = now.astimezone(zone).date()
    values = {key: body.get(key) for key in CLAIM_FIELDS}
    values.update(is_in_corral=bool(values["is_in_corral"]), is_herder_present=bool(values["is_herder_present"]),
                  is_guard_dog_present=bool(values["is_guard_dog_present"]), narrative=values["narrative"] or "",
                  incident_village=values["incident_village"].strip())
    with service.app_context():
        engine = db.engine
    with engine.begin() as conn:
        seq = conn.execute(NEXT_NUMBER, {"office": place["office_id"], "year": filed_date.year}).scalar_one()
        number = f"{place['country_code']}-{place['short_code']}-{filed_date.year}-{seq:06d}"
        claim_id = conn.execute(INSERT_CLAIM, {
            **values, "number": number, "pin": f"{secrets.randbelow(10**6):06d}", "owner_id": body["owner_id"],
            "programme_id": body["programme_id"], "office_id": place["office_id"], "filed_by_id": actor_id,
            "now": now, "incident_at": incident_at, "incident_date": incident_at.astimezone(zone).date(),
            "filed_date": filed_date,
            "verification_due_at": now + timedelta(hours=place["verification_sla_hours"])}).scalar_one()
        lines = [{"claim_id": claim_id, "position": i, "species": line["species"], "age_class": line["age_class"],
                  "outcome": line["outcome"], "count": line["count"]} for i, line in enumerate(body["lines"])]
        conn.execute(INSERT_LINE, lines)
        if conn.dialect.name == "postgresql":
            conn.execute(LOCK_CHAIN)
        head = conn.execute(CHAIN_HEAD).first()
        last_seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
        changes = {key: [None, value] for key, value in
                   {**values, "owner_id": body["owner_id"], "programme_id": body["programme_id"],
                    "office_id": place["office_id"], "incident_at": incident_at.astimezone(UTC).isoformat(),
                    "reported_at": now.isoformat(),
                    "lines": [f"{ln['count']} {ln['species']} {ln['age_class']} {ln['outcome']}" for ln in lines]
                    }.items() if value is not None}
        event = {"seq": last_seq + 1, "occurred_at": now, "actor_id": actor_id, "actor_name": actor_name,
                 "entity_id": claim_id, "entity_label": number, "scope_id": place["office_id"],
                 "changes": json.dumps(changes), "prev_hash": prev_hash}
        payload = {"seq": event["seq"], "occurred_at": now.isoformat(), "actor_id": actor_id,
                   "actor_name": actor_name, "action": "claim.submitted", "entity_type": "claim",
                   "entity_id": claim_id, "entity_label": number, "changes": changes, "data": {}, "reason": None,
                   "request_id": None, "prev_hash": prev_hash, "scope_id": place["office_id"]}
        event_hash = compute_hash(payload)
        conn.execute(INSERT_EVENT, {**event, "hash": event_hash, "mac": _keys().event_mac(event_hash)})
    answer = json.dumps({"id": claim_id, "number": number}).encode()
    start_response("201 Created", [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))])
    return [answer]


_list_sql: dict[tuple, tuple[str, str]] = {}  # the list's query string -> its two statements' SQL, compiled once


def _list_statements(query: dict[str, str]) -> tuple[str, str]:
    key = tuple(sorted(query.items()))
    if key not in _list_sql:
        with service.test_request_context():
            user = auth_queries.get_by_username(query["user"])
            filters = ClaimFilters(status=[ClaimState(query["status"])], programme_id=int(query["programme_id"]),
                                   incident_from=date.fromisoformat(query["incident_from"]))
            statements = claim_list_statements(user, filters, int(query.get("page", 1)), 50)
            dialect = db.engine.dialect
            _list_sql[key] = tuple(str(s.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
                                   for s in statements)
    return _list_sql[key]


def _list(environ, start_response):
    """GET the list's two statements for the user and filters in the query string (as /claims takes them)."""
    count_sql, rows_sql = _list_statements(dict(parse_qsl(environ.get("QUERY_STRING", ""))))
    with service.app_context():
        engine = db.engine
    with engine.connect() as conn:
        total = conn.exec_driver_sql(count_sql).scalar_one()
        numbers = [row.number for row in conn.exec_driver_sql(rows_sql)]
    body = f"<table>{total}: {' '.join(numbers)}</table>".encode()
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


def _bare(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)  # read the body, as the real endpoint does
    body = b'{"ok":true}'
    start_response("201 Created" if environ["REQUEST_METHOD"] == "POST" else "200 OK",
                   [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def app(environ, start_response):
    path = environ.get("PATH_INFO")
    if path == "/bench/bare":
        return _bare(environ, start_response)
    if path == "/bench/list":
        return _list(environ, start_response)
    if path == "/bench/insert" and environ["REQUEST_METHOD"] == "POST":
        return _insert(environ, start_response)
    return service(environ, start_response)
