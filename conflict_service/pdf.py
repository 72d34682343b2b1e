"""The one PDF renderer: WeasyPrint, allowed to read only the project's own assets and the evidence store.

Documents refer to resources by two URL schemes of our own, resolved here and nowhere else:

* ``asset:fonts/NotoSans-Regular.ttf`` — a file under ``conflict_service/static`` (stylesheets, fonts, images);
* ``evidence:<sha256>`` or ``evidence:<sha256>/thumbnail`` — a JPEG, PNG or WebP photo in the evidence store.

Everything else — ``file:``, ``http(s):``, ``ftp:``, ``data:`` and any other scheme — is refused, so a
document can never read the server's files or reach the network, whatever a template or a record contains.
HTTP is never spoken, so there is no redirect to follow. Generated images (the QR code) are inline SVG.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from flask import current_app

from conflict_service.evidence_store import evidence_path

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSET_BASE = "asset:"
ASSET_TYPES = {".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".woff2": "font/woff2",
               ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg"}
EVIDENCE_REF = re.compile(r"^(?P<sha>[0-9a-f]{64})(?:/(?P<variant>thumbnail))?$")
IMAGE_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024

# fn(sha256, variant) -> Path | None, where variant is "" (the original) or "thumbnail".
EvidenceLocator = Callable[[str, str], "Path | None"]


class RefusedURL(ValueError):
    """A document asked for a resource outside the project's assets and the evidence store."""


def default_evidence_locator(evidence_dir: Path) -> EvidenceLocator:
    """The store's one layout (conflict_service.evidence_store)."""

    def locate(sha256: str, variant: str) -> Path:
        return evidence_path(evidence_dir, sha256, variant)

    return locate


@functools.cache
def _fetcher_class():
    """WeasyPrint is imported on first use, not with the service: a process that never renders a document (an
    export, a worker answering API calls) stays ~26 MB smaller."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RestrictedFetcher(URLFetcher):
        """WeasyPrint's fetcher narrowed to ``asset:`` and ``evidence:`` URLs; every other URL is refused."""

        def __init__(self, static_dir: Path, evidence_dir: Path | None, locator: EvidenceLocator | None = None):
            super().__init__(allowed_protocols=("asset", "evidence"), allow_redirects=False)
            self.static_dir = static_dir.resolve()
            self.evidence_dir = evidence_dir.resolve() if evidence_dir else None
            self.locator = locator or (default_evidence_locator(self.evidence_dir) if self.evidence_dir else None)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            scheme, _sep, rest = url.partition(":")
            try:
                if scheme == "asset":
                    path, content_type = self._asset(rest)
                elif scheme == "evidence":
                    path, content_type = self.evidence(rest)
                else:
                    raise RefusedURL(f"only asset: and evidence: URLs are served to documents, not {scheme or url!r}")
            except RefusedURL:
                self.refused.append(url)
                log.warning("PDF resource refused: %.200s", url)
                raise
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

        def _asset(self, rest: str) -> tuple[Path, str]:
            relative = unquote(rest.split("?")[0].split("#")[0]).lstrip("/")
            path = _inside(self.static_dir, relative)
            content_type = ASSET_TYPES.get(path.suffix.lower())
            if content_type is None or not path.is_file():
                raise RefusedURL(f"no such asset: {relative!r}")
            return path, content_type

        def evidence(self, rest: str) -> tuple[Path, str]:
            """The file and type of ``<sha256>`` or ``<sha256>/thumbnail``; raises RefusedURL if it cannot be served."""
            match = EVIDENCE_REF.match(rest)
            if match is None or self.locator is None or self.evidence_dir is None:
                raise RefusedURL("not an evidence reference")
            located = self.locator(match["sha"], match["variant"] or "")
            if located is None:
                raise RefusedURL("evidence file not found")
            path = _inside(self.evidence_dir, Path(located))
            if not path.is_file() or path.stat().st_size > MAX_EVIDENCE_BYTES:
                raise RefusedURL("evidence file missing or too large")
            return path, _image_type(path)

    return RestrictedFetcher


def __getattr__(name: str):
    if name == "RestrictedFetcher":
        return _fetcher_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _inside(root: Path, candidate: str | Path) -> Path:
    """``root / candidate``, refusing anything that resolves outside ``root`` (``..``, absolute paths, links)."""
    path = (root / candidate).resolve()
    if not path.is_relative_to(root):
        raise RefusedURL("path leaves the allowed folder")
    return path


def _image_type(path: Path) -> str:
    with path.open("rb") as f:
        head = f.read(16)
    for magic, content_type in IMAGE_MAGIC:
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    raise RefusedURL("evidence is not a JPEG, PNG or WebP image")


def fetcher():
    """The fetcher for the current app: its static folder and its evidence store."""
    evidence_dir = current_app.config.get("EVIDENCE_DIR")
    return _fetcher_class()(STATIC_DIR, Path(evidence_dir) if evidence_dir else None,
                             current_app.extensions.get("evidence_locator"))


def evidence_available(sha256: str, variant: str = "") -> bool:
    """Whether a document can show this evidence image (stored, an image, not too large)."""
    try:
        fetcher().evidence(sha256 + (f"/{variant}" if variant else ""))
    except RefusedURL:
        return False
    return True


_spare_font_configs: list = []  # WeasyPrint font configurations no render is using right now
_font_configs_lock = threading.Lock()
_forks_watched = False  # whether a forked child is told to start without this process's configurations


@functools.cache
def _font_configuration_class():
    """WeasyPrint's ``FontConfiguration``, narrowed to delete its temporary font folder only in the process that made
    it. A forked child holds copies of its parent's configurations; when they went, WeasyPrint's ``__del__`` deleted
    the parent's folder under the parent's feet. Fails at first use if WeasyPrint no longer cleans up in
    ``__del__`` (then the cleanup would run in the child by some other way: this class must be revised)."""
    from weasyprint.text.fonts import FontConfiguration

    if "__del__" not in vars(FontConfiguration):
        raise RuntimeError("WeasyPrint's FontConfiguration no longer deletes its font folder in __del__: "
                           "conflict_service.pdf cannot keep a forked process from deleting its parent's fonts")

    class KeptFontConfiguration(FontConfiguration):
        def __init__(self):
            self.made_by_pid = os.getpid()  # first: __del__ runs even when __init__ fails
            super().__init__()

        def __del__(self):
            if os.getpid() == self.made_by_pid:
                super().__del__()

    return KeptFontConfiguration


@contextlib.contextmanager
def font_config():
    """A WeasyPrint font configuration for one render, built once and kept for the next: every document links the
    same ``@font-face`` rules (``asset:css/pdf.css``), and a fresh configuration would load Fontconfig's system
    setup again and copy, scan and register the ten shipped fonts (2.7 MB) for every document. WeasyPrint's own
    key for a face is its rule (family, weight, source URL), so a face is added once and each later document finds
    it; fonts are only ever read from ``asset:`` URLs. A render borrows a configuration no other render is using
    (a Pango font map is not safe to share between threads rendering at once, as gunicorn's threads do) and gives
    it back: a process keeps as many as it ever rendered at once."""
    global _forks_watched
    with _font_configs_lock:
        if not _forks_watched:  # at the first render, not at import: importing registers nothing
            os.register_at_fork(after_in_child=_after_fork_in_child)
            _forks_watched = True
        config = _spare_font_configs.pop() if _spare_font_configs else None
    if config is None:
        config = _font_configuration_class()()
    try:
        yield config
    finally:
        with _font_configs_lock:
            _spare_font_configs.append(config)


def _after_fork_in_child() -> None:
    """A forked process starts without its parent's configurations (their fonts sit in the parent's temporary folder,
    which the parent deletes when it is done with them; dropping them here deletes nothing, as they were made by
    another process) and with a lock nobody holds."""
    global _font_configs_lock
    _spare_font_configs.clear()
    _font_configs_lock = threading.Lock()


def render_pdf(html: str, *, base_url: str = ASSET_BASE, url_fetcher=None) -> bytes:
    """Render an (autoescaped) HTML document to PDF bytes; resources only through the restricted fetcher."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url, url_fetcher=url_fetcher or fetcher(), media_type="print")
    with font_config() as fonts:
        return document.write_pdf(font_config=fonts)
