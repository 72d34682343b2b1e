"""Evidence files: recognised by content, stored under their SHA-256, EXIF compared with the incident."""

import hashlib
import io
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from PIL import Image

from conflict_service.db import db
from conflict_service.images import TooManyPixels, open_image
from tests.helpers import bearer
from tests.verification.conftest import jpeg_bytes, multipart, pdf_bytes, png_bytes, stored_files
from verification.models import EvidenceFile

TEHRAN = ZoneInfo("Asia/Tehran")


def upload(client, claim, user, content: bytes, name: str):
    return client.post(f"/api/v1/claims/{claim.id}/evidence", headers=bearer(client, user),
                       **multipart({"file": (content, name)}))


def test_a_photo_is_stored_under_its_hash_with_exif_time_and_place(client, world, claim, evidence_dir):
    taken = claim.incident_at + timedelta(hours=2)
    content = jpeg_bytes(taken=taken.astimezone(TEHRAN), lat=37.46, lon=59.12)  # camera clock on Tehran time
    r = upload(client, claim, world.ir.clerk, content, "IMG_2041.JPG")
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    sha = hashlib.sha256(content).hexdigest()
    assert (body["sha256"], body["kind"], body["content_type"], body["size_bytes"]) == (
        sha, "photo", "image/jpeg", len(content))
    assert (body["width"], body["height"], body["display_name"], body["duplicate"]) == (64, 48, "IMG_2041.JPG", False)
    assert body["exif_taken_at"] == taken.replace(microsecond=0).isoformat()
    assert body["hours_from_incident"] == pytest.approx(2, abs=0.01)
    assert (body["exif_lat"], body["exif_lon"]) == (37.46, 59.12)
    assert body["distance_km"] == pytest.approx(1.112, abs=0.005)  # 0.01° of latitude from the claimed place
    assert body["is_far_from_incident"] is False and body["is_taken_before_incident"] is False
    assert stored_files(evidence_dir) == [sha[:2], f"{sha[:2]}/{sha[2:4]}", f"{sha[:2]}/{sha[2:4]}/{sha}",
                                          f"{sha[:2]}/{sha[2:4]}/{sha}.thumb.jpg"]
    assert (evidence_dir / sha[:2] / sha[2:4] / sha).read_bytes() == content
    with Image.open(evidence_dir / sha[:2] / sha[2:4] / f"{sha}.thumb.jpg") as thumb:
        assert thumb.format == "JPEG"
    history = client.get(f"/api/v1/claims/{claim.id}/history", headers=bearer(client, world.ir.auditor)).get_json()
    assert history[-1]["action"] == "claim.evidence_added" and history[-1]["data"]["sha256"] == sha


def test_the_exif_offset_tag_is_honoured_and_far_or_early_photos_are_flagged(client, world, claim):
    taken = claim.incident_at - timedelta(days=3)
    content = jpeg_bytes(taken=taken.astimezone(ZoneInfo("Asia/Dubai")), offset="+04:00", lat=37.65, lon=59.12)
    body = upload(client, claim, world.ir.clerk, content, "old.jpg").get_json()
    assert body["exif_taken_at"] == taken.replace(microsecond=0).isoformat()
    assert body["hours_from_incident"] == pytest.approx(-72, abs=0.01)
    assert body["distance_km"] == pytest.approx(22.24, abs=0.05)
    assert body["is_far_from_incident"] is True and body["is_taken_before_incident"] is True


def test_a_photo_without_exif_and_a_pdf_are_accepted(client, world, claim):
    png = upload(client, claim, world.ir.clerk, png_bytes(), "scan.png").get_json()
    assert (png["content_type"], png["exif_taken_at"], png["distance_km"], png["has_thumbnail"]) == (
        "image/png", None, None, True)
    pdf = upload(client, claim, world.ir.clerk, pdf_bytes(), "vet-report.pdf").get_json()
    assert (pdf["kind"], pdf["content_type"], pdf["has_thumbnail"], pdf["thumbnail_url"]) == (
        "document", "application/pdf", False, None)


def test_the_same_file_twice_is_recognised(client, world, claim, evidence_dir):
    content = jpeg_bytes()
    first = upload(client, claim, world.ir.clerk, content, "a.jpg").get_json()
    again = upload(client, claim, world.ir.clerk, content, "copy of a.jpg")
    assert again.status_code == 200
    assert again.get_json()["duplicate"] is True and again.get_json()["id"] == first["id"]
    assert len([p for p in stored_files(evidence_dir) if len(p) > 10]) == 2  # the file and its thumbnail, once
    assert db.session.query(EvidenceFile).count() == 1


HOSTILE = [
    ("a PNG named .pdf", png_bytes(), "report.pdf",
     "report.pdf: The name ends in .pdf but the content is a PNG image; choose the right file or rename it."),
    ("an HTML file named .jpg", b"<html><script>alert(1)</script></html>", "photo.jpg",
     "photo.jpg: Only JPEG or PNG photos and PDF documents are accepted; the content of this file is none of them."),
    ("an empty file", b"", "empty.jpg", "empty.jpg: The file is empty."),
    ("a path as its name", png_bytes(), "../../etc/passwd", "The file name must be a plain name without folders."),
    ("passwd content", b"root:x:0:0:root:/root:/bin/bash\n", "passwd",
     "passwd: Only JPEG or PNG photos and PDF documents are accepted; the content of this file is none of them."),
    ("a truncated JPEG", jpeg_bytes(size=(400, 300))[:700], "cut.jpg",
     "cut.jpg: The file starts like a JPEG photo but cannot be read; it may be damaged."),
    ("a PDF without its end", pdf_bytes()[:-7], "half.pdf",
     "half.pdf: This PDF is incomplete or damaged (it has no end-of-file marker)."),
]


@pytest.mark.parametrize("what,content,name,message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_uploads_are_refused_and_nothing_is_written(client, world, claim, evidence_dir, what, content, name,
                                                            message):
    r = upload(client, claim, world.ir.clerk, content, name)
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["errors"]["file"] == [message]
    assert stored_files(evidence_dir) == []
    assert db.session.query(EvidenceFile).count() == 0


def test_an_oversized_file_is_refused_and_nothing_is_written(client, world, claim, evidence_dir, app):
    content = b"\xff\xd8\xff" + b"\0" * app.config["EVIDENCE_MAX_BYTES"]
    r = upload(client, claim, world.ir.clerk, content, "huge.jpg")
    assert r.status_code == 422
    assert r.get_json()["errors"]["file"] == ["huge.jpg: The file is larger than the 10 MB allowed."]
    assert stored_files(evidence_dir) == []


def test_a_picture_with_absurd_pixel_dimensions_is_refused(client, world, claim, evidence_dir):
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")  # small file, 144 million pixels
    r = upload(client, claim, world.ir.clerk, out.getvalue(), "bomb.png")
    assert r.status_code == 422
    assert r.get_json()["errors"]["file"] == ["bomb.png: The picture has too many pixels to be processed."]
    assert stored_files(evidence_dir) == []


def test_a_picture_under_pillows_limit_but_over_ours_is_refused_before_decoding(client, world, claim, evidence_dir):
    out = io.BytesIO()
    Image.new("1", (9400, 9400)).save(out, "PNG")  # 88 million pixels: Pillow alone would decode it (~1 GB)
    r = upload(client, claim, world.ir.clerk, out.getvalue(), "wide.png")
    assert r.status_code == 422
    assert r.get_json()["errors"]["file"] == ["wide.png: The picture has too many pixels to be processed."]
    assert stored_files(evidence_dir) == []


def test_open_image_refuses_from_the_header_and_pillow_shares_the_cap(app):
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")
    with pytest.raises(TooManyPixels):
        open_image(io.BytesIO(out.getvalue()))
    assert Image.MAX_IMAGE_PIXELS == app.config["IMAGE_MAX_PIXELS"] == 40_000_000  # WeasyPrint's decodes too
    with open_image(io.BytesIO(png_bytes()), formats=["PNG"]) as img:
        assert img.size == (40, 30)


def test_no_picture_is_opened_outside_the_capped_helper():
    root = Path(__file__).resolve().parents[2]
    packages = [p for p in root.iterdir() if (p / "__init__.py").is_file() and p.name not in ("tests", "bench")]
    offenders = [str(f.relative_to(root)) for package in packages for f in package.rglob("*.py")
                 if "Image.open(" in f.read_text() and f.name != "images.py"]
    assert offenders == []


def test_a_missing_file_part_is_a_field_error(client, world, claim):
    r = client.post(f"/api/v1/claims/{claim.id}/evidence", headers=bearer(client, world.ir.clerk), data={},
                    content_type="multipart/form-data")
    assert r.status_code == 422
    assert list(r.get_json()["errors"]) == ["file"]


def test_files_are_served_only_to_users_who_can_see_the_claim(client, world, claim):
    body = upload(client, claim, world.ir.clerk, jpeg_bytes(), "a.jpg").get_json()
    r = client.get(body["file_url"], headers=bearer(client, world.ir.auditor), buffered=True)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "image/jpeg"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Disposition"] == f"inline; filename={claim.number}-{body['sha256'][:12]}.jpg"
    assert r.data == jpeg_bytes()
    thumb = client.get(body["thumbnail_url"], headers=bearer(client, world.ir.auditor), buffered=True)
    assert thumb.status_code == 200 and thumb.headers["Content-Type"] == "image/jpeg"
    assert thumb.data[:3] == b"\xff\xd8\xff"
    assert client.get(body["file_url"], headers=bearer(client, world.am.auditor)).status_code == 404
    assert client.get(body["file_url"]).status_code == 401


def test_pdfs_are_served_as_downloads(client, world, claim):
    body = upload(client, claim, world.ir.clerk, pdf_bytes(), "vet.pdf").get_json()
    r = client.get(body["file_url"], headers=bearer(client, world.ir.manager), buffered=True)
    assert r.data == pdf_bytes()
    assert r.headers["Content-Type"] == "application/pdf"
    assert r.headers["Content-Disposition"].startswith("attachment;")


def test_who_may_attach_evidence(client, world, claim, assigned):
    content = jpeg_bytes()
    assert upload(client, claim, world.ir.auditor, content, "a.jpg").status_code == 403
    assert upload(client, claim, world.ir.manager, content, "a.jpg").status_code == 403
    r = upload(client, claim, world.ir.verifier2, content, "a.jpg")
    assert r.status_code == 403
    assert r.get_json()["message"] == "Only the verifier assigned to this claim can add evidence to it."
    assert upload(client, claim, world.am.clerk, content, "a.jpg").status_code == 404
    assert upload(client, claim, world.ir.verifier, content, "a.jpg").status_code == 201


def test_no_evidence_on_a_withdrawn_claim(client, world, claim):
    from claims.operations import withdraw_claim

    withdraw_claim(claim, world.ir.clerk, "Animals came back.")
    r = upload(client, claim, world.ir.clerk, jpeg_bytes(), "a.jpg")
    assert r.status_code == 409
    assert r.get_json()["message"] == "This claim is withdrawn, so evidence can no longer be added."


def test_a_files_fingerprint_in_the_history_reads_as_a_code_even_when_it_is_all_digits(ctx, world, claim):
    """One SHA-256 in about 300 starts with 12 digits: shown bare, «519686260681» read as a number in Latin digits
    on an Arabic page (the leak walk failed on it once in a while)."""
    from flask_babel import force_locale

    from conflict_service.audit.models import AuditEvent
    from conflict_service.audit.operations import record
    from conflict_service.audit.presentation import describe
    from tests.i18n.leaks import leaks

    record("claim.evidence_added", claim, actor=world.ir.clerk,
           data={"sha256": "519686260681" + "0" * 52, "sha256_short": "519686260681", "kind": "photo"})
    db.session.commit()  # audit events are chained and written at the commit
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "claim.evidence_added")).one()
    assert describe(event) == "Evidence attached: Photo \u2068519686260681…\u2069"
    with force_locale("ar"):
        assert not leaks(describe(event), "ar")
