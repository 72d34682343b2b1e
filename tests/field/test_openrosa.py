"""ODK Collect's real exchange with /openrosa, replayed with the test client: Digest challenge, form list, XForm,
manifest and cases.csv, HEAD, multipart POSTs with photos carrying EXIF, a split submission and a duplicate."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import datetime

import sqlalchemy as sa
from defusedxml import ElementTree
from flask_babel import force_locale

from claims.states import ClaimState
from conflict_service.audit.chain import verify_chain
from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from conflict_service.i18n import format_date
from field.enums import SubmissionStatus
from field.models import FieldSubmission
from tests.field.device import instance_xml, parse_challenge
from tests.verification.conftest import jpeg_bytes, stored_files
from verification.models import EvidenceFile, Verification

NS = {"x": "http://openrosa.org/xforms/xformsList", "m": "http://openrosa.org/xforms/xformsManifest"}


def md5(data: bytes) -> str:
    return "md5:" + hashlib.md5(data, usedforsecurity=False).hexdigest()


def photos(n=2):
    taken = datetime(2026, 11, 20, 9, 15)
    return [(f"17000000{i}.jpg", jpeg_bytes(taken=taken, offset="+03:30", lat=37.4513 + i / 1000, lon=59.1211,
                                             color=(90 + 40 * i, 110, 60))) for i in range(n)]


def test_collect_downloads_the_form_and_its_cases_then_sends_a_visit_that_verifies_the_claim(
        client, world, assigned, collect, evidence_dir):
    first = client.get("/openrosa/formList", headers=collect.headers())
    assert first.status_code == 401
    assert first.headers["X-OpenRosa-Version"] == "1.0"
    challenge = parse_challenge(first)
    assert challenge["qop"] == "auth" and challenge["realm"] and challenge["nonce"]
    assert not any(h.startswith("Basic") for h in first.headers.getlist("WWW-Authenticate"))  # not over plain HTTP

    listing = collect.request("GET", "/openrosa/formList")
    assert listing.status_code == 200 and listing.mimetype == "text/xml"
    form = ElementTree.fromstring(listing.data).find("x:xform", NS)
    assert form.findtext("x:formID", namespaces=NS) == "site_visit"
    download = collect.request("GET", form.findtext("x:downloadUrl", namespaces=NS).replace("http://localhost", ""))
    assert form.findtext("x:hash", namespaces=NS) == md5(download.data)
    assert b"jr://file-csv/cases.csv" in download.data

    manifest = ElementTree.fromstring(collect.request(
        "GET", form.findtext("x:manifestUrl", namespaces=NS).replace("http://localhost", "")).data)
    media = manifest.find("m:mediaFile", NS)
    assert media.findtext("m:filename", namespaces=NS) == "cases.csv"
    cases = collect.request("GET", media.findtext("m:downloadUrl", namespaces=NS).replace("http://localhost", ""))
    assert media.findtext("m:hash", namespaces=NS) == md5(cases.data)
    rows = list(csv.DictReader(io.StringIO(cases.get_data(as_text=True))))
    assert [r["name"] for r in rows] == [assigned.number]
    assert "Sheep" in rows[0]["losses"] and rows[0]["village"] == "Chehelmir"

    pictures = photos(2)
    answers = collect.submit(instance_xml(assigned.number, photos=[n for n, _ in pictures]), pictures)
    assert [a.status_code for a in answers] == [201]
    assert b"<OpenRosaResponse" in answers[0].data
    assert ("HEAD", "/openrosa/submission", 204) in collect.log

    db.session.expire_all()
    assert assigned.status == ClaimState.VERIFIED
    visit = db.session.scalar(sa.select(Verification).where(Verification.claim_id == assigned.id))
    assert visit.predator.value == "leopard" and visit.canine_spacing_mm == 42 and visit.visit_lat == 37.4512
    assert visit.has_carcass and visit.has_neck_bites and not visit.has_scat
    assert visit.is_in_corral is False and visit.is_herder_present is None
    assert [(line.species.value, line.count) for line in visit.lines] == [("sheep", 2)]
    evidence = db.session.scalars(sa.select(EvidenceFile).where(EvidenceFile.claim_id == assigned.id)
                                  .order_by(EvidenceFile.id)).all()
    assert [e.display_name for e in evidence] == [n for n, _ in pictures]
    assert evidence[0].exif_lat == 37.4513 and evidence[0].exif_taken_at.isoformat() == "2026-11-20T05:45:00+00:00"
    assert len([f for f in stored_files(evidence_dir) if f.count("/") == 2]) == 4  # two photos, two thumbnails
    record = db.session.scalar(sa.select(FieldSubmission))
    assert record.status == SubmissionStatus.APPLIED and record.device_id == "collect:Xc2TqY6iH0qPLn8Z"
    assert record.started_at.isoformat() == "2026-11-20T05:32:11.123000+00:00"
    assert [f.lat for f in record.files] == [37.4513, 37.4513]  # each photo's own geopoint from the form
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert {"claim.verify_confirm", "claim.evidence_added", "field_submission.received"} <= set(actions)
    assert verify_chain().is_intact


def test_a_split_submission_and_a_repeat_keep_one_visit_with_every_photo(client, world, assigned, collect):
    pictures = photos(3)
    xml = instance_xml(assigned.number, photos=[n for n, _ in pictures])
    size = len(xml) + len(pictures[0][1]) + len(pictures[1][1])
    answers = collect.submit(xml, pictures, max_size=size)  # the third photo does not fit: a second POST
    assert [a.status_code for a in answers] == [201, 202]
    again = collect.post(xml, pictures[:1])  # Collect retrying after a lost answer
    assert again.status_code == 202
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Verification)) == 1
    names = db.session.scalars(sa.select(EvidenceFile.display_name).where(EvidenceFile.claim_id == assigned.id)
                               .order_by(EvidenceFile.id)).all()
    assert names == [n for n, _ in pictures]
    assert verify_chain().is_intact


def test_chunked_upload_is_accepted(client, world, assigned, collect):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    collect.request("HEAD", "/openrosa/submission")
    pictures = photos(1)
    boundary, body = encode_multipart({
        "xml_submission_file": FileStorage(io.BytesIO(instance_xml(assigned.number, photos=[pictures[0][0]])),
                                           filename="x.xml", content_type="text/xml"),
        pictures[0][0]: FileStorage(io.BytesIO(pictures[0][1]), filename=pictures[0][0], content_type="image/jpeg")})
    headers = {**collect.headers(), "Authorization": collect._authorization("POST", "/openrosa/submission"),
               "Transfer-Encoding": "chunked"}
    response = client.open("/openrosa/submission", method="POST", headers=headers, input_stream=io.BytesIO(body),
                           content_type=f"multipart/form-data; boundary={boundary}",
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 201, response.data
    db.session.expire_all()
    assert assigned.status == ClaimState.VERIFIED


def test_the_phones_list_of_cases_reads_in_the_verifiers_language_calendar_and_digits(world, assigned, collect):
    """The label a Persian verifier picks a claim by, and the losses the form's note shows («۲ × گوسفند (بالغ،
    تلف‌شده)»), are in Persian (the incident's day in Solar Hijri, Persian digits, the Arabic separators); the values
    the form reads stay data."""
    world.ir.verifier.preferred_language = "fa"
    db.session.commit()
    cases = collect.request("GET", "/openrosa/forms/site_visit/media/cases.csv").get_data(as_text=True)
    row = next(csv.DictReader(io.StringIO(cases)))
    with force_locale("fa"):
        day = format_date(assigned.incident_date)
    # parts apart by the Arabic comma, not the middle dot that Persian zero looks like («· ۲۸» read «۰۲۸»)
    assert row["label"] == f"{assigned.number}، Chehelmir، {day}" and day[0] in "۰۱۲۳۴۵۶۷۸۹"
    assert row["losses"] == "۲ × گوسفند (بالغ، تلف\u200cشده)"
    assert row["incident_date"] == assigned.incident_date.isoformat() and row["incident_lat"] == "37.450000"
