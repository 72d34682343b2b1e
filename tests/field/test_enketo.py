"""An XForm engine nobody here wrote fills the generated site-visit form: Enketo (enketo-core and enketo-transformer
from the npm registry, bundled by tests/field/enketo/build) in headless Chromium loads the XForm and the cases.csv
that /openrosa serves, a verifier's answers are typed into it, and the instance Enketo produces is accepted by
/openrosa/submission and verifies the claim."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from defusedxml import ElementTree

from claims.states import ClaimState
from conflict_service.db import db
from tests.browser import screenshot
from tests.verification.conftest import jpeg_bytes
from verification.models import EvidenceFile, Verification

pytestmark = [pytest.mark.browser, pytest.mark.slow]
BUILD = Path(__file__).parent / "enketo" / "build"
ENKETO_CSS = """
body { font: 15px/1.4 sans-serif; margin: 12px; }
.or span[lang]:not(.active), .or-required-msg, .or-constraint-msg, .or-repeat-info { display: none; }
.or .question, .or-group, .or-repeat { display: block; margin: 10px 0; }
.or .question-label { font-weight: bold; }
.or .option-wrapper label { display: block; }
"""


def answer(page, name: str):
    """Enketo's control for a question; inside a repeat its radio buttons carry the path as data-name."""
    path = f"/site_visit/{name}"
    return page.locator(f'[name="{path}"], [data-name="{path}"]').first


def choice(page, name: str, value: str):
    path = f"/site_visit/{name}"
    return page.locator(f'[name="{path}"][value="{value}"], [data-name="{path}"][value="{value}"]').first


@pytest.fixture(scope="session")
def enketo_bundle() -> Path:
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed (Debian: apt-get install npm)")
    with (BUILD.parent / ".build.lock").open("w") as lock:  # parallel test workers build it once, in turn
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = subprocess.run([str(BUILD)], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.skip(f"could not install Enketo from the npm registry: {done.stderr[-500:]}")
    return Path(done.stdout.strip().splitlines()[-1])


def test_enketo_fills_the_generated_form_and_the_server_accepts_its_instance(
        client, world, assigned, collect, chromium, enketo_bundle, evidence_dir):
    xform = collect.request("GET", "/openrosa/forms/site_visit.xml").get_data(as_text=True)
    cases = collect.request("GET", "/openrosa/forms/site_visit/media/cases.csv").get_data(as_text=True)
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content(f"<!doctype html><html><head><meta charset='utf-8'><style>{ENKETO_CSS}</style></head>"
                     "<body><div id='form'></div></body></html>")
    page.add_script_tag(path=str(enketo_bundle))
    loaded = page.evaluate("([x, c]) => enketoLoad(x, {'cases.csv': c}, {deviceid: 'enketo:test-harness'})",
                           [xform, cases])
    assert loaded["errors"] == [] and errors == []
    assert loaded["languages"]["فارسی (fa)"] == "fa" and len(loaded["languages"]) == 16

    choice(page, "claim", assigned.number).check()
    note = page.locator('[data-contains-ref-target="/site_visit/claimed_note"] .question-label.active').inner_text()
    assert "Claimed losses: 2 × Sheep (adult, killed)" in note  # pulldata() read the verifier's cases.csv
    for item in ("has_carcass", "has_neck_bites", "has_tracks"):
        choice(page, "checklist", item).check()
    answer(page, "canine_spacing_mm").fill("44")
    answer(page, "photos/photo").set_input_files(
        {"name": "enketo-photo.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()})
    choice(page, "predator", "leopard").check()
    choice(page, "confidence", "confirmed").check()
    choice(page, "lines/species", "goat").check()
    choice(page, "lines/age_class", "young").check()
    choice(page, "lines/loss_outcome", "killed").check()
    answer(page, "lines/count").fill("1")
    choice(page, "carcass_disposal", "burned").check()
    choice(page, "outcome", "confirmed").check()
    answer(page, "notes").fill("Filled in Enketo.")
    screenshot(page, "enketo-site-visit")
    result = page.evaluate("() => enketoSubmit()")
    page.close()
    assert result["valid"], result
    instance = result["xml"].encode()
    root = ElementTree.fromstring(instance)
    assert root.get("id") == "site_visit"

    photo_name = root.find(".//{*}photos/{*}photo").text  # Enketo renames the file it records (adds the time)
    assert photo_name.startswith("enketo-photo") and photo_name.endswith(".jpg")
    sent = collect.post(instance, [(photo_name, jpeg_bytes())])
    assert sent.status_code == 201, sent.data
    db.session.expire_all()
    assert assigned.status == ClaimState.VERIFIED
    visit = db.session.scalar(sa.select(Verification))
    assert (visit.predator.value, visit.confidence.value, visit.canine_spacing_mm) == ("leopard", "confirmed", 44)
    assert visit.has_tracks and not visit.has_scat and visit.carcass_disposal.value == "burned"
    assert [(ln.species.value, ln.age_class.value, ln.count) for ln in visit.lines] == [("goat", "young", 1)]
    assert db.session.scalar(sa.select(EvidenceFile.display_name)) == photo_name
