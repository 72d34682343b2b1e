"""Herd history (DESIGN §3): dated counts per species, never overwritten; checks use the count in force on a date."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from claims.enums import Species
from claims.models import HerdCount, count_in_force
from claims.operations import record_herd_count
from claims.queries import head_count_in_force
from conflict_service.audit.models import AuditEvent
from conflict_service.audit.presentation import describe
from conflict_service.db import db
from conflict_service.errors import ValidationError
from oversight.flags import operations as flag_ops
from oversight.flags import queries as flag_queries
from oversight.flags import rules
from tests.factories import at
from tests.helpers import csrf_token, login
from tests.oversight.flagging import line

NOW = at(2026, 11, 21, 9, 0)
SHEEP, GOAT = Species.SHEEP, Species.GOAT


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def owner(world, make):
    """120 sheep and 40 goats counted on 1 April 2026."""
    return make.owner(world.ir.clerk, world.ir.office, herd=[
        {"species": SHEEP, "head_count": 120, "counted_on": date(2026, 4, 1)},
        {"species": GOAT, "head_count": 40, "counted_on": date(2026, 4, 1)}])


def count(owner, clerk, species, heads, day, **extra):
    return record_herd_count(owner, {"species": species, "head_count": heads, "counted_on": day, **extra}, clerk)


def events(action):
    db.session.commit()
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()


# --- the count in force -----------------------------------------------------------------------------------

def test_the_count_in_force_on_a_date(owner, world):
    clerk = world.ir.clerk
    count(owner, clerk, SHEEP, 150, date(2026, 7, 1))
    count(owner, clerk, SHEEP, 90, date(2026, 9, 1))
    assert owner.head_count(SHEEP, on=date(2026, 3, 1)) == 120  # first counted later: that first count
    assert owner.head_count(SHEEP, on=date(2026, 4, 1)) == 120
    assert owner.head_count(SHEEP, on=date(2026, 8, 31)) == 150
    assert owner.head_count(SHEEP, on=date(2026, 9, 1)) == 90
    assert owner.head_count(SHEEP) == 90 and owner.head_count(GOAT, on=date(2026, 8, 1)) == 40
    assert len(owner.herd_counts) == 4  # nothing overwritten


def test_sql_and_python_agree_on_the_count_in_force(owner, world):
    clerk = world.ir.clerk
    later = count(owner, clerk, SHEEP, 150, date(2026, 7, 1))
    count(owner, clerk, SHEEP, 15, date(2026, 7, 1), corrects_id=later.id, note="one zero too many")
    count(owner, clerk, SHEEP, 99, date(2026, 7, 1))  # a second count the same day: the later record counts
    db.session.flush()
    for day in (date(2026, 1, 1), date(2026, 4, 1), date(2026, 6, 30), date(2026, 7, 1), date(2026, 11, 1)):
        for species in (SHEEP, GOAT, Species.CATTLE):
            in_sql = db.session.scalar(sa.select(head_count_in_force(owner.id, species, day)))
            row = count_in_force(owner.herd_counts, species, day)
            assert in_sql == (row.head_count if row else None), (day, species)
    assert owner.head_count(SHEEP, on=date(2026, 7, 1)) == 99


# --- the loss-above-herd flag -----------------------------------------------------------------------------

def test_a_herd_raised_after_the_incident_does_not_clear_the_flag(make, world, owner):
    ir = world.ir
    claim = make.claim(ir, owner, incident_at=at(2026, 11, 10, 20), lines=[line("sheep", 130)])
    flag_ops.refresh(flag_ops.open_claims())
    assert "loss_exceeds_herd" in {f.rule for f in flag_queries.for_claim(claim)}
    count(owner, ir.clerk, SHEEP, 400, date(2026, 11, 20))  # typed in after the incident
    changes = flag_ops.refresh(flag_ops.open_claims())
    assert changes["cleared"] == 0
    assert rules.loss_exceeds_herd(sa.select(sa.literal(claim.id)))[claim.id]["lines"] == [
        {"species": "sheep", "lost": 130, "herd": 120}]
    # a count made before the incident does change what was in force on its date
    count(owner, ir.clerk, SHEEP, 200, date(2026, 11, 1))
    assert flag_ops.refresh(flag_ops.open_claims())["cleared"] == 1


def test_a_herd_first_counted_after_the_incident_is_compared_with_that_first_count(make, world):
    ir = world.ir
    late = make.owner(ir.clerk, ir.office, herd=[{"species": SHEEP, "head_count": 50,
                                                  "counted_on": date(2026, 11, 15)}])
    claim = make.claim(ir, late, incident_at=at(2026, 11, 10, 20), lines=[line("sheep", 60)])
    count(late, ir.clerk, SHEEP, 500, date(2026, 11, 18))
    assert rules.loss_exceeds_herd(sa.select(sa.literal(claim.id)))[claim.id]["lines"] == [
        {"species": "sheep", "lost": 60, "herd": 50}]


# --- new counts and corrections ---------------------------------------------------------------------------

def test_a_correction_names_the_mistyped_count_and_is_audited(owner, world):
    clerk = world.ir.clerk
    mistyped = count(owner, clerk, SHEEP, 1200, date(2026, 10, 1))
    with pytest.raises(ValidationError) as refused:
        count(owner, clerk, GOAT, 120, date(2026, 10, 1), corrects_id=mistyped.id)
    assert set(refused.value.errors) == {"species", "note"}
    fixed = count(owner, clerk, SHEEP, 120, date(2026, 10, 1), corrects_id=mistyped.id, note="a zero too many")
    assert mistyped in owner.herd_counts and mistyped.corrected_by is fixed and mistyped.head_count == 1200
    assert owner.head_count(SHEEP, on=date(2026, 10, 2)) == 120
    with pytest.raises(ValidationError) as twice:
        count(owner, clerk, SHEEP, 121, date(2026, 10, 1), corrects_id=mistyped.id, note="again")
    assert list(twice.value.errors) == ["corrects_id"]
    [event] = events("owner.herd_count_corrected")
    assert event.reason == "a zero too many" and event.data["previous"] == 1200
    assert describe(event) == (f"Herd count #{mistyped.id} corrected (Sheep: 1,200 counted on Oct 1, 2026 replaced by "
                               "120 counted on Oct 1, 2026)")


def test_a_correction_made_a_moment_ago_elsewhere_is_a_conflict(owner, world):
    from conflict_service.errors import Conflict

    mistyped = owner.herd_history[1]  # the sheep; another clerk's correction lands after this page was read
    db.session.execute(sa.insert(HerdCount).values(owner_id=owner.id, species=SHEEP, head_count=12, note="other",
                                                   counted_on=date(2026, 4, 1), recorded_at=NOW,
                                                   corrects_id=mistyped.id))
    with pytest.raises(Conflict):
        count(owner, world.ir.clerk, SHEEP, 121, date(2026, 4, 1), corrects_id=mistyped.id, note="mine")
    assert db.session.scalar(sa.select(sa.func.count(HerdCount.id)).where(HerdCount.corrects_id.is_not(None))) == 1


def test_a_patch_naming_only_sheep_keeps_the_goat_count(api, owner):
    db.session.commit()
    r = api("clerk").patch(f"/api/v1/owners/{owner.id}",
                           json={"herd": [{"species": "sheep", "head_count": 135, "counted_on": "2026-11-20"}]})
    assert r.status_code == 200, r.get_json()
    assert sorted((h["species"], h["head_count"]) for h in r.get_json()["herd"]) == [("goat", 40), ("sheep", 135)]
    history = api("clerk").get(f"/api/v1/owners/{owner.id}/herd").get_json()["history"]
    assert [(h["species"], h["head_count"], h["counted_on"]) for h in history] == [
        ("goat", 40, "2026-04-01"), ("sheep", 120, "2026-04-01"), ("sheep", 135, "2026-11-20")]
    again = api("clerk").patch(f"/api/v1/owners/{owner.id}",  # the same count sent again adds nothing
                               json={"herd": [{"species": "sheep", "head_count": 135, "counted_on": "2026-11-20"}]})
    assert again.status_code == 200 and db.session.scalar(sa.select(sa.func.count(HerdCount.id))) == 3
    assert [e.data["head_count"] for e in events("owner.herd_counted")] == [135]


def test_herd_api_history_and_count_in_force_on_a_day(api, owner, world):
    count(owner, world.ir.clerk, SHEEP, 150, date(2026, 7, 1))
    db.session.commit()
    body = api("clerk").get(f"/api/v1/owners/{owner.id}/herd?on=2026-06-30").get_json()
    assert body["on"] == "2026-06-30"
    assert sorted((h["species"], h["head_count"]) for h in body["in_force"]) == [("goat", 40), ("sheep", 120)]
    assert len(body["history"]) == 3 and body["history"][0]["recorded_by"] == world.ir.clerk.username
    latest = api("am_clerk").get(f"/api/v1/owners/{owner.id}/herd")
    assert latest.status_code == 404  # another country's office


def test_herd_api_records_a_count_and_refuses_per_field(api, owner):
    db.session.commit()
    path = f"/api/v1/owners/{owner.id}/herd"
    bad = api("clerk").post(path, json={"species": "tiger", "head_count": -3, "counted_on": "2027-03-01"})
    assert bad.status_code == 422
    errors = bad.get_json()["errors"]
    assert errors["head_count"] == ["Must not be negative."] and errors["counted_on"] == ["This date is in the future."]
    assert "Must be one of" in errors["species"][0]
    no_reason = api("clerk").post(path, json={"species": "sheep", "head_count": 12, "counted_on": "2026-11-01",
                                              "corrects_id": owner.herd_history[1].id})  # the sheep
    assert no_reason.status_code == 422 and no_reason.get_json()["errors"] == {
        "note": ["Say why the count is corrected."]}
    assert db.session.scalar(sa.select(sa.func.count(HerdCount.id))) == 2
    good = api("clerk").post(path, json={"species": "goat", "head_count": 55, "counted_on": "2026-11-01"})
    assert good.status_code == 201 and good.get_json()["head_count"] == 55
    assert api("manager").post(path, json={"species": "goat", "head_count": 5,
                                           "counted_on": "2026-11-01"}).status_code == 403


# --- insurance enrolment --------------------------------------------------------------------------------

def test_insurance_limits_use_the_count_on_the_enrolment_date(owner, world):
    """A count made after the enrolment date does not raise what could be insured on it (DESIGN §3)."""
    from insurance.policies import _line_problem

    count(owner, world.ir.clerk, SHEEP, 300, date(2026, 6, 1))
    rates = {SHEEP: {"amount": 1}}
    assert _line_problem(owner, SHEEP, 200, rates, set(), date(2026, 6, 1)) is None
    refused = _line_problem(owner, SHEEP, 200, rates, set(), date(2026, 5, 31))
    assert "registered herd has 120 head of sheep" in refused["head_count"][0]


# --- web and CLI ------------------------------------------------------------------------------------------

def test_owner_page_shows_the_history_and_records_a_count(client, world, owner):
    count(owner, world.ir.clerk, SHEEP, 1200, date(2026, 10, 1))
    db.session.commit()
    login(client, world.ir.clerk)
    path = f"/owners/{owner.id}"
    page = client.get(path, headers={"Accept-Language": "fa"}).get_data(as_text=True)
    assert "۱۴۰۵" in page and "1,200" not in page and "۱٬۲۰۰" in page  # Solar Hijri dates, Persian digits
    token = csrf_token(client, path)
    bad = client.post(f"{path}/herd", data={"csrf_token": token, "species": "sheep", "head_count": "-4",
                                            "counted_on": "2026-11-20", "note": "typed"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Must not be negative." in text and 'value="-4"' in text
    mistyped = max(owner.herd_counts, key=lambda h: h.id)
    no_reason = client.post(f"{path}/herd", data={"csrf_token": token, "species": "sheep", "head_count": "120",
                                                  "counted_on": "2026-10-01", "corrects_id": str(mistyped.id)})
    assert no_reason.status_code == 422 and "Say why the count is corrected." in no_reason.get_data(as_text=True)
    good = client.post(f"{path}/herd", data={"csrf_token": token, "species": "sheep", "head_count": "120",
                                             "counted_on": "2026-10-01", "corrects_id": str(mistyped.id),
                                             "note": "a zero too many"})
    assert good.status_code == 302
    shown = client.get(path).get_data(as_text=True)
    assert "Herd count recorded." in shown and "<s>1,200</s>" in shown and "Correction: a zero too many" in shown
    assert "In force" in shown and "Earlier count" in shown


def test_editing_an_owner_keeps_the_herd(client, world, owner):
    db.session.commit()
    login(client, world.ir.clerk)
    path = f"/owners/{owner.id}/edit"
    form = client.get(path).get_data(as_text=True)
    assert "herd-0-species" not in form and "recorded on the owner" in form
    r = client.post(path, data={"csrf_token": csrf_token(client, path), "name": owner.name, "village": "Dargaz",
                                "office_id": owner.office_id, "preferred_language": "fa"})
    assert r.status_code == 302
    assert sorted((h.species, h.head_count) for h in owner.herd) == [(GOAT, 40), (SHEEP, 120)]


def test_cli_lists_and_records_counts(app, world, owner):
    db.session.commit()
    runner, clerk = app.test_cli_runner(), world.ir.clerk.username
    out = runner.invoke(args=["owners", "count-herd", str(owner.id), "--user", clerk, "--species", "sheep",
                              "--head-count", "140", "--counted-on", "2026-11-02"])
    assert out.exit_code == 0, out.output
    refused = runner.invoke(args=["owners", "count-herd", str(owner.id), "--user", clerk, "--species", "sheep",
                                  "--head-count", "-1", "--counted-on", "2026-11-02"])
    assert refused.exit_code != 0 and "Must not be negative." in refused.output
    listed = runner.invoke(args=["owners", "herd", str(owner.id), "--user", clerk, "--on", "2026-10-01"]).output
    sheep = [ln for ln in listed.splitlines() if " sheep " in ln]
    assert sheep[0].startswith("* #") and "sheep 120 counted 2026-04-01" in sheep[0]
    assert sheep[1].startswith("  #") and "sheep 140 counted 2026-11-02" in sheep[1] and len(listed.splitlines()) == 3


def test_older_counts_survive_the_day_moving_on(owner):
    with time_machine.travel(NOW + timedelta(days=400), tick=False):
        assert owner.head_count(SHEEP) == 120


def test_the_migration_keeps_existing_counts_as_history(app, tmp_path):
    from conflict_service import migrations

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'herd.db'}")
    with app.app_context(), engine.begin() as connection:
        migrations.upgrade("b9cc8a493c25", connection=connection)  # the revision before the herd history
        connection.exec_driver_sql(
            "INSERT INTO owners (id, name, village, office_id, preferred_language, created_at, created_by_id) "
            "VALUES (7, 'Reza', 'Chehelmir', 1, 'fa', '2026-03-02 05:00:00.000000', NULL)")
        connection.exec_driver_sql("INSERT INTO herd_counts (owner_id, species, head_count, counted_on) "
                                   "VALUES (7, 'sheep', 80, '2026-03-01'), (7, 'goat', 12, '2026-03-01')")
        migrations.upgrade("head", connection=connection)
        connection.exec_driver_sql("INSERT INTO herd_counts (owner_id, species, head_count, counted_on, recorded_at, "
                                   "note) VALUES (7, 'sheep', 95, '2026-06-01', '2026-06-01 05:00:00.000000', '')")
        rows = connection.exec_driver_sql("SELECT species, head_count, counted_on, recorded_at, corrects_id "
                                          "FROM herd_counts ORDER BY id").all()
    engine.dispose()  # closes the file's connection now rather than at garbage collection
    assert [tuple(r[:3]) for r in rows] == [("sheep", 80, "2026-03-01"), ("goat", 12, "2026-03-01"),
                                            ("sheep", 95, "2026-06-01")]
    assert rows[0][3].startswith("2026-03-02 05:00") and rows[0][4] is None
