"""A carcass left in place (issue 17.6): flagged in the anomaly queue, found by the claim lists' and exports' filter,
counted on the dashboard, and cleared by recording its disposal later (web, API, CLI), which is audited."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from claims.states import ClaimState
from conflict_service.audit.models import AuditEvent
from conflict_service.audit.presentation import describe
from conflict_service.db import db
from conflict_service.timeutil import local_today, utcnow
from oversight.flags import operations as flag_operations
from oversight.flags import queries as flag_queries
from oversight.flags import rules
from tests.helpers import bearer, csrf_token, login
from tests.verification.conftest import visit_payload
from verification.models import Verification
from verification.operations import assign_verifier, record_verification
from verification.schemas import VerificationCreateSchema


def visited(claim, verifier, **overrides) -> Verification:
    return record_verification(claim, VerificationCreateSchema().load(visit_payload(**overrides)), verifier)


@pytest.fixture
def assigned(world, make):
    claim = make.claim(world.ir)
    return assign_verifier(claim, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)


@pytest.fixture
def left(world, assigned):
    """The assigned claim, verified with its carcass left in place."""
    visited(assigned, world.ir.verifier, carcass_disposal="left_in_place")
    return assigned


@pytest.fixture
def buried(world, make):
    claim = make.claim(world.ir)
    assign_verifier(claim, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)
    visited(claim, world.ir.verifier)
    return claim


def today(claim) -> str:
    return local_today(claim.office.timezone).isoformat()


def flag_rules(client, user) -> dict[str, set[str]]:
    body = client.get("/api/v1/flags?per_page=100", headers=bearer(client, user)).get_json()
    out: dict[str, set[str]] = {}
    for item in body["items"]:
        out.setdefault(item["rule"], set()).add(item["claim_number"])
    return out


def listed(client, user, **query) -> list[str]:
    body = client.get("/api/v1/claims", query_string=query, headers=bearer(client, user)).get_json()
    return sorted(c["number"] for c in body["items"])


def test_a_carcass_left_is_flagged_filtered_exported_and_counted_until_its_disposal_is_recorded(
        client, world, left, buried):
    manager = world.ir.manager
    assert flag_rules(client, manager).get("carcass_left") == {left.number}
    (flag,) = [f for f in flag_queries.for_claim(left) if f.rule == "carcass_left"]
    text = rules.describe(flag.rule, flag.details)
    assert text.startswith("The site visit on ") and "no disposal has been recorded since" in text
    assert listed(client, manager, carcass_left="true") == [left.number]
    assert listed(client, manager, carcass_left="false") == [buried.number]
    export = client.get("/api/v1/exports/claims.csv?carcass_left=true", headers=bearer(client, manager))
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert [(r["number"], r["carcass_left"]) for r in rows] == [(left.number, "True")]
    everything = client.get("/api/v1/exports/claims.csv", headers=bearer(client, manager)).get_data(as_text=True)
    assert {(r["number"], r["carcass_left"]) for r in csv.DictReader(io.StringIO(everything))} == {
        (left.number, "True"), (buried.number, "False")}
    login(client, manager)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert 'href="/claims?carcass_left=true"' in dashboard and "Carcasses left in place, disposal not recorded" in \
        dashboard
    assert '<span class="num">1</span><span class="label">Carcasses left in place' in dashboard
    page = client.get("/claims?carcass_left=true").get_data(as_text=True)
    assert left.number in page and buried.number not in page

    r = client.post(f"/api/v1/claims/{left.id}/carcass-disposal", headers=bearer(client, world.ir.verifier),
                    json={"disposed_on": today(left), "how": "buried", "done_by": "The owner, with ranger Karimi"})
    assert r.status_code == 200, r.get_json()
    (visit,) = r.get_json()
    assert (visit["carcass_disposed_how"], visit["carcass_disposed_by"], visit["is_carcass_left"]) == (
        "buried", "The owner, with ranger Karimi", False)
    assert visit["carcass_disposal_recorded_by"]["username"] == "verifier_ir"
    assert visit["carcass_disposal"] == "left_in_place"  # what the visit found stays on record

    assert "carcass_left" not in flag_rules(client, manager)
    assert listed(client, manager, carcass_left="true") == []
    assert '<span class="num">0</span><span class="label">Carcasses left in place' in \
        client.get("/dashboard").get_data(as_text=True)
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "claim.carcass_disposed")).one()
    assert event.actor_name == "verifier_ir" and event.entity_id == left.id
    assert describe(event).startswith("Carcass left in place disposed of on ") and \
        "(Buried) by The owner, with ranger Karimi; recorded by" in describe(event)
    cleared = db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "claim.flag_cleared",
                                                               AuditEvent.entity_id == left.id))
    assert cleared is not None


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"how": "buried", "done_by": "Owner"}, "disposed_on", "Give the date of the disposal."),
    ({"disposed_on": "tomorrow", "how": "buried", "done_by": "Owner"}, "disposed_on",
     "The disposal cannot be in the future."),
    ({"disposed_on": "2000-01-01", "how": "buried", "done_by": "Owner"}, "disposed_on",
     "The disposal cannot be before the site visit"),
    ({"disposed_on": None, "how": "left_in_place", "done_by": "Owner"}, "how",
     "Say how the carcass was disposed of: buried, burned or removed."),
    ({"disposed_on": None, "how": "burned", "done_by": "  "}, "done_by", "Say who disposed of it."),
])
def test_bad_input_is_refused_field_by_field_and_changes_nothing(client, world, left, body, field, message):
    if body.get("disposed_on", "") is None:
        body = dict(body, disposed_on=today(left))
    if body.get("disposed_on") == "tomorrow":
        body = dict(body, disposed_on=(local_today(left.office.timezone) + timedelta(days=2)).isoformat())
    r = client.post(f"/api/v1/claims/{left.id}/carcass-disposal", headers=bearer(client, world.ir.clerk), json=body)
    assert r.status_code == 422
    assert message in " ".join(r.get_json()["errors"][field])
    db.session.expire_all()
    assert db.session.scalars(sa.select(Verification)).one().is_carcass_left


def test_nothing_to_dispose_is_a_conflict_and_only_clerks_and_verifiers_record_it(client, world, left, buried):
    headers = bearer(client, world.ir.clerk)
    body = {"disposed_on": today(left), "how": "removed", "done_by": "Owner"}
    assert client.post(f"/api/v1/claims/{buried.id}/carcass-disposal", headers=headers, json=body).status_code == 409
    for user in (world.ir.manager, world.ir.auditor):
        assert client.post(f"/api/v1/claims/{left.id}/carcass-disposal", headers=bearer(client, user),
                           json=body).status_code == 403
    foreign = client.post(f"/api/v1/claims/{left.id}/carcass-disposal", headers=bearer(client, world.am.clerk),
                          json=body)
    assert foreign.status_code == 404
    assert client.post(f"/api/v1/claims/{left.id}/carcass-disposal", headers=headers, json=body).status_code == 200
    again = client.post(f"/api/v1/claims/{left.id}/carcass-disposal", headers=headers, json=body)
    assert again.status_code == 409


def test_the_web_form_keeps_what_was_typed_and_the_claim_page_shows_the_disposal(client, world, left):
    login(client, world.ir.clerk)
    claim_page = client.get(f"/claims/{left.id}").get_data(as_text=True)
    assert f'href="/claims/{left.id}/carcass-disposal"' in claim_page
    url = f"/claims/{left.id}/carcass-disposal"
    later = (local_today(left.office.timezone) + timedelta(days=2)).isoformat()
    form = {"disposed_on": later, "how": "burned", "done_by": "Ranger Rahimi",
            "csrf_token": csrf_token(client, url)}
    r = client.post(url, data=form)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "The disposal cannot be in the future." in html
    assert 'value="Ranger Rahimi"' in html and 'id="f-how-burned" name="how" value="burned" checked' in html
    r = client.post(url, data=dict(form, disposed_on=today(left)))
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Disposal of the carcass recorded" in page and "Disposed of later" in page
    assert "Burned on" in page and "by Ranger Rahimi; recorded by" in page
    assert f'href="/claims/{left.id}/carcass-disposal"' not in page
    assert client.get(url).status_code == 302  # nothing left to record


def test_the_cli_records_a_disposal(runner, world, left):
    result = runner.invoke(args=["verification", "carcass-disposed", left.number, "--on", today(left),
                                 "--how", "removed", "--by", "Owner", "--as", "verifier_ir"])
    assert result.exit_code == 0, result.output
    assert "disposal of the carcass recorded (removed" in result.output
    db.session.expire_all()
    assert not db.session.scalars(sa.select(Verification)).one().is_carcass_left
    exported = runner.invoke(args=["exports", "claims", "--user", "manager_ir", "--carcass-left"])
    assert exported.exit_code == 0 and left.number not in exported.stdout


def test_the_flag_clears_on_a_claim_no_longer_open(client, world, make):
    claim = make.claim(world.ir)
    assign_verifier(claim, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)
    visited(claim, world.ir.verifier, outcome="rejected", rejection_reason="false_claim", lines=[],
            carcass_disposal="left_in_place")
    assert claim.status == ClaimState.REJECTED
    flag_operations.refresh(sa.select(sa.literal(claim.id)))  # as a scan while it was open would have
    assert "carcass_left" in {f.rule for f in flag_queries.for_claim(claim)}
    r = client.post(f"/api/v1/claims/{claim.id}/carcass-disposal", headers=bearer(client, world.ir.clerk),
                    json={"disposed_on": today(claim), "how": "buried", "done_by": "Owner"})
    assert r.status_code == 200, r.get_json()
    assert "carcass_left" not in {f.rule for f in flag_queries.for_claim(claim)}


def test_a_disposal_before_the_visits_day_is_refused(client, world, assigned):
    # An hour ago, but not before the office's midnight: between 20:30 and 21:30 UTC an hour ago is yesterday in
    # Tehran, and a disposal on the visit's own day is allowed.
    midnight = datetime.combine(local_today(assigned.office.timezone), time(0), ZoneInfo(assigned.office.timezone))
    visited(assigned, world.ir.verifier, carcass_disposal="left_in_place",
            visited_at=max(utcnow() - timedelta(hours=1), midnight.astimezone(UTC)).isoformat())
    yesterday = (local_today(assigned.office.timezone) - timedelta(days=1)).isoformat()
    if yesterday < assigned.incident_date.isoformat():
        pytest.skip("the incident is today")
    r = client.post(f"/api/v1/claims/{assigned.id}/carcass-disposal", headers=bearer(client, world.ir.clerk),
                    json={"disposed_on": yesterday, "how": "buried", "done_by": "Owner"})
    assert r.status_code == 422
