"""Fixtures for the verification tests: an empty evidence folder per test, files built by the tests themselves."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from verification.operations import assign_verifier


@pytest.fixture(autouse=True)
def evidence_dir(app, tmp_path, monkeypatch) -> Path:
    """Each test stores evidence in its own folder, so 'nothing was written' can be checked by listing it."""
    folder = tmp_path / "evidence"
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(folder))
    return folder


def stored_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def multipart(fields: dict) -> dict:
    """Keyword arguments for a test-client POST of a multipart form, encoded in memory.

    ``fields`` maps names to text or to ``(content, filename)``. (The test client would spool a large body to an
    unclosed temporary file, which pytest reports as a ResourceWarning.)
    """
    values = {}
    for key, value in fields.items():
        items = value if isinstance(value, list) else [value]
        values[key] = [FileStorage(io.BytesIO(v[0]), filename=v[1]) if isinstance(v, tuple) else v for v in items]
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def png_bytes(size=(40, 30), color=(200, 120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 3)


def jpeg_bytes(*, taken: datetime | None = None, offset: str | None = None, lat: float | None = None,
               lon: float | None = None, size=(64, 48), color=(90, 110, 60)) -> bytes:
    """A JPEG with the EXIF a phone writes: DateTimeOriginal (wall clock), optional offset, GPS in deg/min/sec."""
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
        if offset:
            exif.get_ifd(0x8769)[0x9011] = offset
    if lat is not None:
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = ("N" if lat >= 0 else "S"), _dms(abs(lat))
        gps[3], gps[4] = ("E" if lon >= 0 else "W"), _dms(abs(lon))
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", exif=exif)
    return out.getvalue()


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
            b"trailer << /Root 1 0 R >>\n%%EOF\n")


def visit_payload(**overrides) -> dict:
    """A complete, valid site-visit record for the API (a leopard kill of two adult sheep)."""
    from conflict_service.timeutil import utcnow

    data = {
        "visited_at": utcnow().isoformat(), "visit_lat": 37.4512, "visit_lon": 59.1209,
        "has_carcass": True, "has_neck_bites": True, "canine_spacing_mm": 42, "has_drag_marks": True,
        "is_carcass_cached": True, "has_tracks": True, "predator": "leopard", "confidence": "probable",
        "carcass_disposal": "buried", "outcome": "confirmed", "notes": "Throat bites, carcass cached uphill.",
        "lines": [{"species": "sheep", "age_class": "adult", "outcome": "killed", "count": 2}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def claim(world, make):
    """A submitted claim at the Iranian office, filed by world.ir.clerk."""
    return make.claim(world.ir)


@pytest.fixture
def assigned(world, claim):
    """The claim, assigned to world.ir.verifier."""
    return assign_verifier(claim, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)
