"""Field work in the benchmark: ODK Collect's submissions against the web visit form, and a phone photo's upload.

- ``measure_submissions``: one device sends N site visits with 3 photos each over OpenRosa (HTTP Digest with
  ``requests``, the multipart POST ODK Collect makes), back to back; the same N visits with the same photos are saved
  through the web visit form by a signed-in verifier. Printed: submissions per second and the server's CPU time per
  submission (every gunicorn process, from /proc), side by side; every field record must have been applied.
- ``measure_photo_upload``: headless Chromium chooses a 4000 × 3000 camera JPEG in the visit form; what goes over the
  wire is measured from the request, and the server must have kept the photo's EXIF time and GPS.
"""

from __future__ import annotations

import io
import re
import secrets
import time
from datetime import datetime, timedelta

import requests
from requests.auth import HTTPDigestAuth

from bench.photo import camera_photo
from bench.server import server_cpu_seconds

TAKEN = datetime(2026, 11, 20, 9, 15)
LAT, LON = 37.4513, 59.1211


def _phone_photos() -> list[bytes]:
    """Three photos as ODK Collect sends them after shrinking (max-pixels=2048), each with EXIF."""
    return [camera_photo(TAKEN + timedelta(minutes=i), LAT, LON, size=(2048, 1536), quality=80, seed=i)
            for i in range(3)]


def _unique(jpeg: bytes, tag: str) -> bytes:
    """The same picture with a JPEG comment: another file (another hash) without decoding anything."""
    comment = tag.encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def prepare_claims(ctx, count: int):
    """2 × count claims assigned to one synthetic verifier (half for OpenRosa, half for the web form)."""
    import sqlalchemy as sa

    from claims.models import Owner, Programme
    from claims.operations import submit_claim
    from claims.schemas import ClaimCreateSchema
    from conflict_service.auth import field_credentials
    from conflict_service.auth.models import Role, User
    from conflict_service.db import db
    from conflict_service.timeutil import utcnow
    from verification.operations import assign_verifier

    with ctx.app.test_request_context():
        verifier = db.session.scalar(sa.select(User).where(User.role == Role.VERIFIER,
                                                           User.username.like("synth_verifier%")).order_by(User.id))
        region_id = verifier.jurisdictions[0].id
        clerk, owner = db.session.execute(sa.text(
            "SELECT u.id, o.id FROM owners o JOIN jurisdictions j ON j.id = o.office_id "
            "JOIN user_jurisdictions uj ON uj.jurisdiction_id = o.office_id JOIN users u ON u.id = uj.user_id "
            "WHERE j.parent_id = :region AND u.role = 'clerk' ORDER BY o.id LIMIT 1"), {"region": region_id}).one()
        clerk, owner = db.session.get(User, clerk), db.session.get(Owner, owner)
        programme = db.session.scalar(sa.select(Programme).where(Programme.kind == "compensation",
                                                                 Programme.name.like("%(synthetic)")).where(
            Programme.jurisdiction_id == owner.office.parent.parent_id))
        numbers = []
        for i in range(2 * count):
            claim, _ = submit_claim(ClaimCreateSchema().load({
                "owner_id": owner.id, "programme_id": programme.id,
                "incident_at": (utcnow() - timedelta(days=1)).isoformat(), "incident_lat": LAT, "incident_lon": LON,
                "incident_village": "Bench", "time_of_day": "night", "is_in_corral": False,
                "is_herder_present": False, "is_guard_dog_present": False,
                "lines": [{"species": "sheep", "age_class": "adult", "outcome": "killed", "count": 1}]}), clerk)
            assign_verifier(claim, {"verifier_id": verifier.id}, clerk)
            numbers.append((claim.id, claim.number))
            if i % 50 == 49:
                db.session.commit()
        credential, password = field_credentials.create(verifier, {"label": "bench"}, verifier)
        db.session.commit()
        return verifier.username, credential.username, password, numbers[:count], numbers[count:]


def instance(number: str, photo_names: list[str]) -> bytes:
    visited = datetime.now().astimezone().isoformat(timespec="milliseconds")  # noqa: DTZ005 - with its offset
    photos = "".join(f"<photos><photo>{n}</photo><photo_location>{LAT} {LON} 1200 4.0</photo_location></photos>"
                     for n in photo_names)
    return (f"<?xml version='1.0' ?><site_visit id=\"site_visit\" version=\"bench\"><start>{visited}</start>"
            f"<end>{visited}</end><deviceid>collect:bench</deviceid><claim>{number}</claim><visited_at>{visited}"
            f"</visited_at><visit_location>{LAT} {LON} 1200 3.0</visit_location><checklist>has_carcass has_tracks"
            f"</checklist><canine_spacing_mm>42</canine_spacing_mm>{photos}<predator>leopard</predator>"
            f"<confidence>probable</confidence><lines><species>sheep</species><age_class>adult</age_class>"
            f"<loss_outcome>killed</loss_outcome><count>1</count></lines><circumstances/><carcass_disposal>buried"
            f"</carcass_disposal><outcome>confirmed</outcome><notes>bench</notes><meta><instanceID>uuid:"
            f"{secrets.token_hex(16)}</instanceID></meta></site_visit>").encode()


def _field_run(base: str, username: str, password: str, claims, photos) -> tuple[float, float, list[int]]:
    session = requests.Session()
    session.auth = HTTPDigestAuth(username, password)
    session.headers.update({"X-OpenRosa-Version": "1.0", "User-Agent": "org.odk.collect.android/bench"})
    head = session.head(f"{base}/openrosa/submission", timeout=60)
    assert head.status_code == 204, head.status_code
    codes = []
    cpu, started = server_cpu_seconds(base), time.perf_counter()
    for claim_id, number in claims:
        names = [f"{claim_id}-{i}.jpg" for i in range(len(photos))]
        files = [("xml_submission_file", ("instance.xml", io.BytesIO(instance(number, names)), "text/xml"))]
        files += [(n, (n, io.BytesIO(_unique(p, n)), "image/jpeg")) for n, p in zip(names, photos, strict=True)]
        codes.append(session.post(f"{base}/openrosa/submission", files=files, timeout=120).status_code)
    return time.perf_counter() - started, server_cpu_seconds(base) - cpu, codes


def _web_run(base: str, verifier: str, claims, photos) -> tuple[float, float, list[int]]:
    from bench.run import web_session

    session = web_session(base, verifier)
    page = session.get(f"{base}/claims/{claims[0][0]}/visit", timeout=60).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    now = datetime.now()  # noqa: DTZ005 - the office's wall clock is close enough for the form
    form = {"csrf_token": token, "visited_date": (now - timedelta(hours=6)).date().isoformat(),
            "visited_time": "08:00", "has_carcass": "true", "has_tracks": "true", "canine_spacing_mm": "42",
            "predator": "leopard", "confidence": "probable", "carcass_disposal": "buried", "outcome": "confirmed",
            "notes": "bench", "lines-0-species": "sheep", "lines-0-age_class": "adult", "lines-0-outcome": "killed",
            "lines-0-count": "1"}
    codes = []
    cpu, started = server_cpu_seconds(base), time.perf_counter()
    for claim_id, _number in claims:
        files = [("photos", (f"{claim_id}-{i}.jpg", io.BytesIO(_unique(p, f"web-{claim_id}-{i}")), "image/jpeg"))
                 for i, p in enumerate(photos)]
        codes.append(session.post(f"{base}/claims/{claim_id}/visit", data=form, files=files, timeout=120,
                                  allow_redirects=False).status_code)
    return time.perf_counter() - started, server_cpu_seconds(base) - cpu, codes


def applied(ctx, field_claims) -> int:
    import sqlalchemy as sa

    from conflict_service.db import db
    from field.models import FieldSubmission

    with ctx.app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(FieldSubmission).where(
            FieldSubmission.status == "applied", FieldSubmission.claim_id.in_([c for c, _n in field_claims])))


def measure_submissions(base: str, ctx, count: int) -> list:
    from bench.run import Figure

    verifier, username, password, field_claims, web_claims = prepare_claims(ctx, count)
    photos = _phone_photos()
    f_seconds, f_cpu, f_codes = _field_run(base, username, password, field_claims, photos)
    w_seconds, w_cpu, w_codes = _web_run(base, verifier, web_claims, photos)
    done = applied(ctx, field_claims)
    size = sum(len(p) for p in photos) // 1024
    rate = Figure(f"{count} field submissions, 3 photos ({size} KB) each, one device back to back: submissions/s",
                  count / f_seconds, count / w_seconds, "sub/s",
                  note=f"floor column: the web visit form with the same photos; OpenRosa answers {_codes(f_codes)}, "
                       f"web form {_codes(w_codes)}; applied {done} of {count}").judge(None)
    rate.verdict = "PASS" if done == count and set(f_codes) == {201} else "MISS"
    rate.target = "every one applied"
    cpu = Figure("field submission: server CPU per submission", f_cpu / count * 1000, w_cpu / count * 1000, "ms",
                 note="all gunicorn processes (user + system, /proc); floor column: the web visit form").judge(None)
    return [rate, cpu]


def _codes(codes: list[int]) -> str:
    return ", ".join(f"{c}×{codes.count(c)}" for c in sorted(set(codes)))


def measure_photo_upload(base: str, ctx, count_claims) -> list:
    """A 4000 × 3000 JPEG chosen in the visit form in headless Chromium: bytes on the wire, EXIF on the server."""
    from pathlib import Path

    import sqlalchemy as sa
    from playwright.sync_api import sync_playwright

    from bench.run import PASSWORD, Figure
    from conflict_service.db import db
    from verification.models import EvidenceFile

    verifier, _u, _p, claims, _rest = prepare_claims(ctx, 1)
    claim_id = claims[0][0]
    original = camera_photo(TAKEN, LAT, LON)
    sent = {}
    chromium = Path("/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium) if chromium.exists() else None,
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
        page.goto(f"{base}/login")
        page.fill("#f-username", verifier)
        page.fill("#f-password", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        page.goto(f"{base}/claims/{claim_id}/visit")
        posts = []
        page.on("request", lambda r: posts.append(r) if r.method == "POST" and "/visit" in r.url else None)
        page.locator("#f-photos").set_input_files(
            {"name": "IMG_4000x3000.jpg", "mimeType": "image/jpeg", "buffer": original})
        page.wait_for_function("() => !document.querySelector('#f-photos').hasAttribute('data-busy')")
        # The programme's evidence rules (README "Evidence rules"): a probable leopard and a confirmed loss need the
        # carcass and signs, as the OpenRosa and web-form runs above send them.
        page.locator("#f-has_carcass").check()
        page.locator("#f-has_tracks").check()
        page.locator("#f-canine_spacing_mm").fill("42")
        page.locator("#f-predator").select_option("leopard")
        page.locator("#f-confidence-probable").check()
        page.locator("#f-outcome-confirmed").check()
        page.locator("#f-carcass_disposal-buried").check()
        page.locator("button.primary.big").click()
        page.wait_for_url(re.compile(rf"/claims/{claim_id}(\?|#|$)"))  # the claim's page: not the form again
        # What Chromium sent: its raw request headers (the multipart body's Content-Length) and their own size.
        length = posts[0].header_value("content-length")
        sent["bytes"] = int(length or 0) + posts[0].sizes()["requestHeadersSize"]
        browser.close()
    with ctx.app.app_context():
        row = db.session.scalar(sa.select(EvidenceFile).where(EvidenceFile.claim_id == claim_id))
        intact = row is not None and row.exif_taken_at is not None and (row.exif_lat, row.exif_lon) == (LAT, LON)
        detail = (f"stored {row.width}×{row.height}, {row.size_bytes // 1024} KB; EXIF time {row.exif_taken_at}, "
                  f"GPS {row.exif_lat}, {row.exif_lon}") if row else "nothing stored"
    wire = sent.get("bytes", 0) / 1024
    figure = Figure("4000×3000 JPEG from the visit form: bytes on the wire", wire, 600, "KB",
                    note=f"original {len(original) // 1024} KB; the whole POST (headers and multipart body); "
                         f"{detail}").judge(1.0)
    figure.target = "≤ 600 KB, EXIF intact"
    figure.verdict = "PASS" if 0 < wire <= 600 and intact else "MISS"
    return [figure]
