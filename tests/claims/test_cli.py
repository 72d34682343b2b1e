"""The claims CLI runs the same operations as the API and the pages, acting as a named user: list, show, file from a
JSON file, withdraw, history."""

import json

import pytest
import time_machine

from claims.models import Claim, Owner
from claims.states import ClaimState
from conflict_service.db import db
from tests.claims.conftest import claim_body
from tests.factories import at

NOW = at(2026, 11, 21, 9, 0)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def owner(world, make):
    return make.owner(world.ir.clerk, world.ir.office, name="غلامرضا حسینی", village="Chehelmir")


def _write(tmp_path, body) -> str:
    path = tmp_path / "claim.json"
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_file_show_list_withdraw_and_history(runner, world, owner, tmp_path):
    r = runner.invoke(args=["claims", "submit", _write(tmp_path, claim_body(owner.id, world.ir.programme.id)),
                            "--as", "clerk_ir"])
    assert r.exit_code == 0, r.output
    claim = db.session.query(Claim).one()
    assert r.output.startswith(f"Filed {claim.number} (PIN {claim.pin}) for غلامرضا حسینی; verification by ")

    typed = claim.number.lower().translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))  # as a Persian keyboard gives it
    shown = runner.invoke(args=["claims", "show", typed, "--as", "auditor_ir"])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0] == claim.number
    # Times in the office's zone with their offset: the incident was at 22:30 Tehran time.
    assert "  incident       2026-11-19 22:30 +0330 Asia/Tehran, night, Chehelmir" in lines
    assert "  circumstances  in a corral: no, herder present: no, guard dog present: yes" in lines
    assert f"  owner          #{owner.id} غلامرضا حسینی (Chehelmir)" in lines
    assert "       3 sheep adult killed" in lines

    listed = runner.invoke(args=["claims", "list", "--status", "submitted", "--from", "2026-11-01", "--as",
                                 "manager_ir"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [
        f"{claim.number:<24} submitted           2026-11-19     3 head  غلامرضا حسینی (Chehelmir)",
        "1 claim(s); page 1 of 1."]
    assert runner.invoke(args=["claims", "list", "--as", "clerk_am"]).output == "0 claim(s); page 1 of 1.\n"

    refused = runner.invoke(args=["claims", "withdraw", claim.number, "--reason", "The ewe came back.", "--as",
                                  "manager_ir"])
    assert refused.exit_code == 1 and "manager_ir is a manager; this needs one of these roles: clerk." in refused.output
    r = runner.invoke(args=["claims", "withdraw", claim.number, "--reason", "The ewe came back.", "--as", "clerk_ir"])
    assert r.exit_code == 0, r.output
    db.session.expire_all()
    assert claim.status == ClaimState.WITHDRAWN

    history = runner.invoke(args=["claims", "history", claim.number, "--as", "auditor_ir"]).output.splitlines()
    assert [line.split("Asia/Tehran  ", 1)[1] for line in history] == [  # in words, as the claim page gives them
        f"clerk_ir: Claim {claim.number} filed", "clerk_ir: Withdrawn at the owner's request (The ewe came back.)"]


def test_a_bad_claim_file_is_refused_field_by_field_and_files_nothing(runner, world, owner, tmp_path):
    body = claim_body(owner.id, world.ir.programme.id, incident_village="",
                      lines=[{"species": "sheep", "age_class": "adult", "outcome": "killed", "count": 0}])
    r = runner.invoke(args=["claims", "submit", _write(tmp_path, body), "--as", "clerk_ir"])
    assert r.exit_code == 1
    assert "incident_village: " in r.output and "lines.0.count: " in r.output, r.output
    not_json = tmp_path / "notes.json"
    not_json.write_text("[1, 2]")
    r = runner.invoke(args=["claims", "submit", str(not_json), "--as", "clerk_ir"])
    assert r.exit_code == 1 and "does not hold a JSON object" in r.output
    r = runner.invoke(args=["claims", "submit", _write(tmp_path, claim_body(owner.id, world.ir.programme.id)),
                            "--as", "verifier_ir"])
    assert r.exit_code == 1 and "this needs one of these roles: clerk." in r.output
    assert db.session.query(Claim).count() == 0


def test_a_claim_out_of_reach_is_not_found(runner, world, make):
    claim = make.claim(world.ir)
    db.session.commit()
    for command in ("show", "history"):
        r = runner.invoke(args=["claims", command, claim.number, "--as", "clerk_am"])
        assert r.exit_code == 1 and "Not found." in r.output and "Chehelmir" not in r.output
    r = runner.invoke(args=["claims", "show", claim.number, "--as", "admin"])
    assert r.exit_code == 1 and "this needs one of these roles: clerk, verifier, manager, auditor." in r.output
    r = runner.invoke(args=["claims", "list", "--from", "2026-11-30", "--to", "2026-11-01", "--as", "clerk_ir"])
    assert r.exit_code == 1 and "incident_to: The end of the range is before its start." in r.output


def test_register_and_search_owners(runner, world, tmp_path):
    path = tmp_path / "owner.json"
    path.write_text(json.dumps({"name": "Արամ Սարգսյան", "village": "Shikahogh", "office_id": world.ir.office.id,
                                "phone": "+98 915 000 1111", "national_id": "0012345678",
                                "herd": [{"species": "sheep", "head_count": 80, "counted_on": "2026-04-01"}]},
                               ensure_ascii=False), encoding="utf-8")
    refused = runner.invoke(args=["owners", "register", str(path), "--user", "auditor_ir"])
    assert refused.exit_code == 1 and "this needs one of these roles: clerk." in refused.output
    r = runner.invoke(args=["owners", "register", str(path), "--user", "clerk_ir"])
    assert r.exit_code == 0, r.output
    owner = db.session.query(Owner).one()
    assert r.output.startswith(f"Registered #{owner.id:<6} Արամ Սարգսյան (Shikahogh, IR-REG-OFF)  phone "
                               "+98 915 000 1111  national id 0012345678")
    assert [(h.species.value, h.head_count) for h in owner.herd_counts] == [("sheep", 80)]

    found = runner.invoke(args=["owners", "list", "--search", "արամ", "--user", "clerk_ir"])
    assert found.output.splitlines()[-1] == "1 owner(s); page 1 of 1."
    masked = runner.invoke(args=["owners", "list", "--user", "auditor_ir"]).output
    assert "phone ••••••••••••••11  national id ••••••••78" in masked and "0012345678" not in masked
    assert runner.invoke(args=["owners", "list", "--user", "clerk_am"]).output == "0 owner(s); page 1 of 1.\n"

    path.write_text(json.dumps({"name": "", "village": "Shikahogh", "office_id": world.ir.office.id,
                                "home_lat": 37.4}), encoding="utf-8")
    bad = runner.invoke(args=["owners", "register", str(path), "--user", "clerk_ir"])
    assert bad.exit_code == 1 and "name: " in bad.output and "home_lon: " in bad.output, bad.output
    assert db.session.query(Owner).count() == 1
