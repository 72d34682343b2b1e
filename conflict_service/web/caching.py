"""What travels to a phone on a slow link, and what it keeps (DESIGN §8; README "Performance").

- **Static files** have content-hashed URLs: ``url_for('static', filename=...)`` appends ``?v=<digest of the
  file>`` (a ``url_defaults`` hook, so every template gets it), and a request whose ``v`` is the file's current
  digest is answered with ``Cache-Control: public, max-age=31536000, immutable``: the browser keeps the file for
  a year and never asks again; a changed file has a new URL. Without ``v``, or with an old one, the file is
  answered ``no-cache`` (revalidated each time). Stylesheets name their fonts with the same ``?v=``
  (``scripts/build_webfonts.py`` writes them; a test keeps every ``url()`` in the stylesheets current).
- **Pages for visitors** (signed out) are ``private, no-cache`` with a weak ETag, so a revisit costs a ``304``.
  The ETag leaves out the page's CSRF token (signed anew, with a timestamp, for every response) but includes
  the session's own token, so a page answered ``304`` still has a token that its form will accept.
  **Pages for signed-in users** stay ``no-store`` (set in ``conflict_service.app``): they show personal data,
  offices and families share phones and computers, and ``no-store`` keeps them out of the disk cache and the
  back button after signing out (OWASP ASVS 14.3).
- **Compression**: Flask-Compress, Brotli (gzip for clients without it) for text, in the service itself rather
  than only in a reverse proxy, so the embedded default (``scripts/serve``, gunicorn without a proxy) sends
  the same bytes as a production set-up; fonts are WOFF2 and PDFs and photos are compressed already.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

from flask import Flask, current_app, g, request, session, url_for
from flask_compress import Compress

from conflict_service import webfonts
from conflict_service.i18n import current_locale
from conflict_service.web.fragments import known, rendered_once

IMMUTABLE_SECONDS = 365 * 24 * 3600
COMPRESSED = ["text/html", "text/css", "text/javascript", "application/javascript", "application/json",
              "application/problem+json", "application/geo+json", "image/svg+xml", "text/csv", "text/plain",
              "text/xml", "application/xml"]

compress = Compress()


def digest(data: bytes) -> str:
    """The content digest in asset URLs (also used by scripts/build_webfonts.py)."""
    return hashlib.sha256(data).hexdigest()[:16]


class Digests:
    """Digests of the files under a static folder, computed once per file version (size and mtime)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder).resolve()
        self._known: dict[str, tuple[int, int, str]] = {}
        self._paths: dict[str, Path] = {}  # resolved once: a page names a handful of files, each a stat per use

    def of(self, filename: str) -> str | None:
        path = self._paths.get(filename)
        if path is None:
            path = (self.folder / filename).resolve()
            if not path.is_relative_to(self.folder) or not path.is_file():
                return None
            self._paths[filename] = path
        try:
            stat = path.stat()
        except OSError:  # removed since
            self._paths.pop(filename, None)
            return None
        known = self._known.get(filename)
        if known is None or known[:2] != (stat.st_size, stat.st_mtime_ns):
            known = (stat.st_size, stat.st_mtime_ns, digest(path.read_bytes()))
            self._known[filename] = known
        return known[2]


def data_uri(filename: str) -> str:
    """A small SVG under static/ as a ``data:`` URI: drawn with the page, no request (the icon on every page)."""
    digests = current_app.extensions["static_digests"]
    key = (filename, digests.of(filename))
    if key not in _inline:
        text = (digests.folder / filename).read_text(encoding="utf-8")
        _inline[key] = "data:image/svg+xml," + quote(" ".join(text.split()), safe=" /=:;,'")
    return _inline[key]


_inline: dict[tuple[str, str | None], str] = {}


def font_preloads() -> list[str]:
    """URLs of the current locale's own fonts, for ``<link rel=preload>``."""
    return [url_for("static", filename=name) for name in webfonts.primary_files(current_locale())]


def init_caching(app: Flask) -> None:
    """Compression, hashed static URLs and their caching headers, ETags on visitors' pages.
    Call before registering hooks that set Cache-Control: the hooks here run after them."""
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
    compress.init_app(app)  # its hook runs last: it compresses, then answers If-None-Match with 304
    app.extensions["static_digests"] = Digests(app.static_folder)
    app.url_defaults(_add_digest)
    app.after_request(_cache_headers)
    app.jinja_env.globals.update(data_uri=data_uri, font_preloads=font_preloads, rendered_once=rendered_once,
                                 known_choice=known)  # not "known": a page may have a variable of that name


def _add_digest(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        if found := current_app.extensions["static_digests"].of(values["filename"]):
            values["v"] = found


def _cache_headers(response):
    if response.direct_passthrough and response.mimetype in COMPRESSED:
        # A file (stylesheet, script) read into memory here, closed with the response: compressed as one piece, it
        # is not streamed, and Flask-Compress's stream would leave the file open.
        response.direct_passthrough = False
        response.make_sequence()
    if request.endpoint == "static":
        return _static_headers(response)
    if (request.method == "GET" and response.status_code == 200 and response.mimetype == "text/html"
            and "Cache-Control" not in response.headers and not response.is_streamed):
        response.headers["Cache-Control"] = "private, no-cache"
        response.set_etag(_page_tag(response.get_data()), weak=True)
    return response


def _static_headers(response):
    filename = (request.view_args or {}).get("filename", "")
    wanted = request.args.get("v")
    if wanted and wanted == current_app.extensions["static_digests"].of(filename):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = IMMUTABLE_SECONDS
        response.cache_control.immutable = True
        response.expires = None
    else:
        response.cache_control.max_age = None
        response.cache_control.no_cache = True
    return response


def _page_tag(body: bytes) -> str:
    signed = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if signed:
        body = body.replace(signed.encode(), b"")
    raw = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")
    return hashlib.sha256(body + b"\0" + str(raw).encode()).hexdigest()[:32]
