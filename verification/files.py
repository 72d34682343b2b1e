"""Serving stored evidence: only through a route that has already checked the claim is visible to the user."""

from __future__ import annotations

from flask import current_app, send_file

from conflict_service.errors import NotFound
from verification.evidence import BY_CONTENT_TYPE, path_for, thumbnail_path_for

CACHE_SECONDS = 24 * 3600


def send_evidence(claim, evidence, *, thumbnail: bool = False):
    """The stored bytes with their checked content type; never the uploaded name (it is not trusted)."""
    root = current_app.config["EVIDENCE_DIR"]
    if thumbnail:
        if not evidence.has_thumbnail:
            raise NotFound()
        path, mimetype, ext, inline = thumbnail_path_for(root, evidence.sha256), "image/jpeg", "thumb.jpg", True
    else:
        path, mimetype = path_for(root, evidence.sha256), evidence.content_type
        ext, inline = BY_CONTENT_TYPE[mimetype].extensions[0], evidence.is_image
    if not path.is_file():
        raise NotFound()
    response = send_file(path, mimetype=mimetype, as_attachment=not inline, etag=evidence.sha256,
                         download_name=f"{claim.number}-{evidence.sha256[:12]}.{ext}", max_age=CACHE_SECONDS,
                         conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Content is addressed by hash, so it never changes; it is personal, so only the user's browser keeps it.
    response.headers["Cache-Control"] = f"private, max-age={CACHE_SECONDS}, immutable"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
