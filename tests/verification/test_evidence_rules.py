"""The least evidence an attribution needs (issue 17.5): programme rules, refused visits on the API, the web form
and the CLI (the field server's in tests/field/test_evidence_rules.py), and changes of the rules through the
second-manager confirmation."""

from __future__ import annotations

import sqlalchemy as sa

from claims.states import ClaimState
from conflict_service.db import db
from tests.helpers import bearer, csrf_token, login
from tests.verification.conftest import jpeg_bytes, multipart, visit_payload
from tests.verification.test_web import post_visit as post_visit_form
from tests.verification.test_web import visit_form
from verification.models import Verification

BARE = {"has_carcass": False, "has_neck_bites": False, "canine_spacing_mm": None, "has_drag_marks": False,
        "is_carcass_cached": False, "has_tracks": False, "carcass_disposal": None}


def post_visit(client, claim, user, **overrides):
    return client.post(f"/api/v1/claims/{claim.id}/verification", json=visit_payload(**overrides),
                       headers=bearer(client, user))


def attach_photo(client, claim, user) -> None:
    r = client.post(f"/api/v1/claims/{claim.id}/evidence", headers=bearer(client, user),
                    **multipart({"file": (jpeg_bytes(), "carcass.jpg")}))
    assert r.status_code == 201, r.get_json()


def nothing_recorded(claim) -> bool:
    db.session.expire_all()
    return (claim.status == ClaimState.UNDER_VERIFICATION
            and db.session.scalar(sa.select(sa.func.count()).select_from(Verification)) == 0)


def test_the_default_rules_are_shown_by_the_api(client, world):
    body = client.get(f"/api/v1/programmes/{world.ir.programme.id}", headers=bearer(client, world.ir.auditor)).json
    assert {k: body[k] for k in ("is_confirmed_carcass_required", "confirmed_signs", "confirmed_min_signs",
                                  "confirmed_min_photos", "is_probable_carcass_required", "probable_min_signs",
                                  "probable_min_photos")} == {
        "is_confirmed_carcass_required": True, "confirmed_signs": ["neck_bites", "tracks", "canine_spacing",
                                                                   "camera_trap_image"],
        "confirmed_min_signs": 2, "confirmed_min_photos": 1, "is_probable_carcass_required": False,
        "probable_min_signs": 1, "probable_min_photos": 0}
    assert len(body["probable_signs"]) == 9


def test_a_confirmed_leopard_with_an_empty_checklist_and_no_photo_is_refused_saying_what_is_missing(
        client, world, assigned):
    r = post_visit(client, assigned, world.ir.verifier, confidence="confirmed", **BARE)
    assert r.status_code == 422
    messages = r.get_json()["errors"]["confidence"]
    assert messages == [
        "A “Confirmed” attribution needs a carcass found at the site.",
        "A “Confirmed” attribution needs at least 2 of these signs: Bite marks on the neck or throat, Tracks, "
        "Canine spacing, and Camera-trap image; the visit records none.",
        "A “Confirmed” attribution needs at least 1 photo attached to the claim or sent with the visit; there "
        "are 0.",
        "With this evidence the attribution can be at most “Possible”."]
    assert nothing_recorded(assigned)


def test_one_sign_short_names_the_one_recorded(client, world, assigned):
    attach_photo(client, assigned, world.ir.verifier)
    r = post_visit(client, assigned, world.ir.verifier, confidence="confirmed", **dict(BARE, has_carcass=True,
                                                                                         carcass_disposal="buried",
                                                                                         has_tracks=True))
    assert r.status_code == 422
    assert r.get_json()["errors"]["confidence"] == [
        "A “Confirmed” attribution needs at least 2 of these signs: Bite marks on the neck or throat, Tracks, "
        "Canine spacing, and Camera-trap image; the visit records Tracks.",
        "With this evidence the attribution can be at most “Probable”."]
    assert nothing_recorded(assigned)


def test_a_confirmed_attribution_with_its_evidence_and_a_photo_attached_before_is_recorded(client, world, assigned):
    attach_photo(client, assigned, world.ir.verifier)
    r = post_visit(client, assigned, world.ir.verifier, confidence="confirmed")  # carcass, bites, spacing, tracks
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["confidence"] == "confirmed"


def test_probable_needs_one_sign_and_possible_needs_nothing(client, world, assigned):
    r = post_visit(client, assigned, world.ir.verifier, confidence="probable", **dict(BARE, has_carcass=True,
                                                                                        carcass_disposal="buried"))
    assert r.status_code == 422
    assert r.get_json()["errors"]["confidence"][0].startswith("A “Probable” attribution needs at least 1 of these "
                                                              "signs: Bite marks on the neck or throat, Canine")
    r = post_visit(client, assigned, world.ir.verifier, confidence="possible", **BARE)
    assert r.status_code == 201, r.get_json()


def test_the_web_form_refuses_with_the_reason_and_keeps_what_was_typed_then_a_photo_makes_it_enough(
        client, world, assigned):
    login(client, world.ir.verifier)
    form = visit_form(confidence="confirmed", has_tracks=["false", "true"], notes="Pugmarks by the stream.")
    r = post_visit_form(client, assigned, form)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "needs at least 1 photo attached to the claim or sent with the visit; there are 0." in html
    assert "Pugmarks by the stream." in html
    assert 'id="f-has_tracks" name="has_tracks" type="checkbox" value="true" checked' in html
    assert 'id="f-confidence-confirmed" name="confidence" value="confirmed" checked' in html
    assert nothing_recorded(assigned)
    r = post_visit_form(client, assigned, form, [(jpeg_bytes(), "pugmarks.jpg")])
    assert r.status_code == 302, r.get_data(as_text=True)
    db.session.expire_all()
    assert assigned.status == ClaimState.VERIFIED


def test_the_cli_refuses_the_same_visit(runner, world, assigned, tmp_path):
    path = tmp_path / "visit.json"
    import json

    path.write_text(json.dumps(visit_payload(confidence="confirmed", **BARE)), encoding="utf-8")
    result = runner.invoke(args=["verification", "record", assigned.number, str(path), "--as", "verifier_ir"])
    assert result.exit_code == 1
    assert "needs a carcass found at the site" in result.output
    assert nothing_recorded(assigned)


def test_a_manager_lightens_the_rule_and_it_applies_only_once_a_second_manager_confirms(client, world, assigned):
    url = f"/api/v1/programmes/{world.ir.programme.id}"
    r = client.patch(url, headers=bearer(client, world.ir.manager), json={"confirmed_min_photos": 0,
                                                                           "confirmed_signs": ["tracks", "neck_bites"]})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["confirmed_min_photos"] == 1  # still the old rule
    (proposal,) = r.get_json()["pending_rule_changes"]
    assert proposal["after"] == {"confirmed_min_photos": 0, "confirmed_signs": ["neck_bites", "tracks"]}
    assert post_visit(client, assigned, world.ir.verifier, confidence="confirmed").status_code == 422
    own = client.post(f"{url}/rule-changes/{proposal['id']}/confirm", headers=bearer(client, world.ir.manager))
    assert own.status_code == 403
    confirmed = client.post(f"{url}/rule-changes/{proposal['id']}/confirm", headers=bearer(client, world.ir.manager2))
    assert confirmed.status_code == 200
    assert post_visit(client, assigned, world.ir.verifier, confidence="confirmed").status_code == 201


def test_a_rule_asking_more_signs_than_it_counts_is_refused(client, world):
    url = f"/api/v1/programmes/{world.ir.programme.id}"
    r = client.patch(url, headers=bearer(client, world.ir.manager), json={"confirmed_min_signs": 5})
    assert r.status_code == 422
    assert r.get_json()["errors"] == {"confirmed_min_signs": ["At most 4: only that many signs are ticked."]}
    r = client.patch(url, headers=bearer(client, world.ir.manager), json={"probable_signs": ["yeti"]})
    assert r.status_code == 422 and "probable_signs" in r.get_json()["errors"]


def test_the_programme_form_shows_and_edits_the_rules(client, world):
    programme = world.ir.programme
    login(client, world.ir.manager)
    html = client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert "Evidence for a “Confirmed” attribution" in html
    assert ("a carcass found; 2 of: Bite marks on the neck or throat, Tracks, Canine spacing, and Camera-trap image; "
            "1 photo") in html
    form_html = client.get(f"/programmes/{programme.id}/edit").get_data(as_text=True)
    assert 'name="confirmed_signs" value="tracks" checked' in form_html
    from claims.forms import programme_values_from

    values = programme_values_from(programme)
    data = {k: v for k, v in values.items() if not isinstance(v, list | dict | bool) and v is not None}
    data.update(covered_predators=values["covered_predators"], probable_signs=values["probable_signs"],
                confirmed_signs=["tracks"], confirmed_min_signs="2", is_confirmed_carcass_required="true",
                is_active="true", csrf_token=csrf_token(client, f"/programmes/{programme.id}/edit"))
    r = client.post(f"/programmes/{programme.id}/edit", data=data)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "At most 1: only that many signs are ticked." in html
    assert 'name="confirmed_signs" value="tracks" checked' in html
    assert 'name="confirmed_signs" value="neck_bites" checked' not in html  # what was typed, not what is stored


def test_the_cli_shows_and_proposes_evidence_rules(runner, world):
    programme = world.ir.programme
    shown = runner.invoke(args=["programmes", "evidence-rules", str(programme.id), "--user", "auditor_ir"])
    assert shown.exit_code == 0, shown.output
    assert "Confirmed: a carcass found; 2 of:" in shown.output and "Probable: 1 of:" in shown.output
    proposed = runner.invoke(args=["programmes", "evidence-rules", str(programme.id), "--user", "manager_ir",
                                   "--level", "probable", "--carcass", "--min-photos", "1"])
    assert proposed.exit_code == 0, proposed.output
    assert "waits for a second manager" in proposed.output
    db.session.expire_all()
    assert programme.is_probable_carcass_required is False  # not before the second manager
    refused = runner.invoke(args=["programmes", "evidence-rules", str(programme.id), "--user", "manager_ir",
                                  "--level", "probable", "--signs", "yeti"])
    assert refused.exit_code == 1 and "probable_signs" in refused.output
