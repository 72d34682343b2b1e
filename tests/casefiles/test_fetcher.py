"""Documents read only the project's assets and the evidence store; user text is text, never markup."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
from pathlib import Path

import pytest
from PIL import Image

from casefiles import documents
from conflict_service.db import db
from conflict_service.evidence_store import evidence_path
from conflict_service.pdf import STATIC_DIR, RefusedURL, RestrictedFetcher, render_pdf
from tests.casefiles.conftest import BASE
from tests.casefiles.pdftools import pdf_images, pdf_text
from verification.enums import EvidenceKind
from verification.models import EvidenceFile

PNG_DATA_URL = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGM8wcDAwMDAxMDAwMDAAAA"
                "KUgDMUCehPAAAAABJRU5ErkJggg==")


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def server():
    """A local web server that counts every request made to it (there must be none)."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            hits.append(self.path)
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()

        def log_message(self, *_args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def store(tmp_path) -> Path:
    return tmp_path / "evidence"


def jpeg(store: Path, color=(120, 80, 40)) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buf, "JPEG")
    data = buf.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    path = evidence_path(store, sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return sha


@pytest.mark.parametrize("url", ["asset:css/pdf.css", "asset:fonts/NotoSans-Regular.ttf", "asset:/img/favicon.svg"])
def test_fetcher_serves_the_projects_assets(url, store):
    response = RestrictedFetcher(STATIC_DIR, store).fetch(url)
    assert response.read()[:4] and response.content_type in {"text/css", "font/ttf", "image/svg+xml"}


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://127.0.0.1/x.png", "https://example.org/x.png", "ftp://example.org/x",
    PNG_DATA_URL, "asset:../../../../../../etc/passwd", "asset:%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "asset:css/../../pdf.py", "asset:fonts/missing.ttf", "evidence:../../etc/passwd", "evidence:" + "0" * 64,
    "javascript:alert(1)", "/etc/passwd", "etc/passwd",
])
def test_fetcher_refuses_everything_else(url, store):
    fetcher = RestrictedFetcher(STATIC_DIR, store)
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_evidence_images_only_from_the_store(store, tmp_path):
    fetcher = RestrictedFetcher(STATIC_DIR, store)
    sha = jpeg(store)
    assert fetcher.fetch(f"evidence:{sha}").content_type == "image/jpeg"
    text_file = evidence_path(store, "ab" + "1" * 62)
    text_file.parent.mkdir(parents=True, exist_ok=True)
    text_file.write_text("root:x:0:0:root:/root:/bin/bash")  # stored, but not an image
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(evidence_path(store, sha).read_bytes())
    link = evidence_path(store, "cd" + "2" * 62)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside)  # an image, but the link leads out of the store
    for name in (text_file.name, link.name):
        with pytest.raises(RefusedURL):
            fetcher.fetch(f"evidence:{name}")


def test_hostile_markup_reaches_neither_files_nor_the_network(app, server, store, pdf_warnings):
    """Even if a template let markup through, the renderer would fetch nothing outside its two sources."""
    origin, hits = server
    hostile = [
        "file:///etc/passwd", f"{origin}/a.png", f"{origin}/b.css", f"{origin}/c.css", PNG_DATA_URL,
        "asset:../../../../../../etc/passwd", "evidence:../../../etc/passwd", f"{origin.replace('http', 'https')}/d",
    ]
    html = f"""<html><head><link rel="stylesheet" href="{hostile[2]}">
      <style>@import url("{hostile[3]}"); body {{ background: url("file:///etc/passwd"); }}</style></head>
      <body><p>text</p><img src="{hostile[0]}"><img src="{hostile[1]}"><img src="{hostile[4]}">
      <img src="{hostile[5]}"><img src="{hostile[6]}"><object data="{hostile[7]}"></object>
      <embed src="file:///etc/passwd"><a rel="attachment" href="file:///etc/passwd">attached</a></body></html>"""
    fetcher = RestrictedFetcher(STATIC_DIR, store)
    with app.app_context():
        pdf = render_pdf(html, url_fetcher=fetcher)
    assert hits == []
    assert set(hostile) <= set(fetcher.refused)
    assert "root:" not in pdf_text(pdf) and b"root:x" not in pdf
    assert pdf_images(pdf) == 0
    assert pdf_warnings, "WeasyPrint reports each refused resource"
    pdf_warnings.clear()


def test_narrative_markup_is_printed_as_text(filed):
    narrative = '<b>x</b> <img src="file:///etc/passwd"> <script>alert(1)</script>'
    claim = filed(language="en", narrative=narrative)
    pdf, _name = documents.render(claim, "casefile", base_url=BASE)
    text = pdf_text(pdf)
    assert squeeze(narrative) in squeeze(text)
    assert "root:" not in text and pdf_images(pdf) == 0


def test_evidence_pointing_at_the_network_is_printed_as_text(filed, world, server):
    origin, hits = server
    claim = filed(language="en")
    link = f'<img src="{origin}/leak.png"> {origin}/secret'
    db.session.add(EvidenceFile(claim_id=claim.id, sha256="e" * 64, kind=EvidenceKind.PHOTO, content_type="image/jpeg",
                                size_bytes=10, display_name=link, uploaded_by_id=world.ir.clerk.id))
    db.session.flush()
    pdf, _name = documents.render(claim, "casefile", base_url=BASE)
    assert squeeze(link) in squeeze(pdf_text(pdf))  # table cells wrap long text
    assert hits == [] and pdf_images(pdf) == 0


def test_stored_evidence_photos_are_printed(filed, world, app):
    store = Path(app.config["EVIDENCE_DIR"])
    claim = filed(language="en")
    for color in ((200, 10, 10), (10, 200, 10)):
        sha = jpeg(store, color)
        db.session.add(EvidenceFile(claim_id=claim.id, sha256=sha, kind=EvidenceKind.PHOTO, content_type="image/jpeg",
                                    size_bytes=100, display_name=f"carcass {color[0]}.jpg",
                                    uploaded_by_id=world.ir.clerk.id))
    db.session.flush()
    pdf, _name = documents.render(claim, "casefile", base_url=BASE)
    assert pdf_images(pdf) == 2
    assert "carcass 200.jpg" in pdf_text(pdf)
