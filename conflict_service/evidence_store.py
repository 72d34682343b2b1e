"""Where evidence files live: ``<EVIDENCE_DIR>/<sha[:2]>/<sha[2:4]>/<sha>``, the thumbnail beside it.

One layout for every reader and writer (verification stores and serves files; printed documents embed them).
"""

from __future__ import annotations

from pathlib import Path

HEX = frozenset("0123456789abcdef")


def is_sha256(value: str) -> bool:
    return len(value) == 64 and set(value) <= HEX


def evidence_path(evidence_dir: str | Path, sha256: str, variant: str = "") -> Path:
    """The file of a stored evidence item; ``variant="thumbnail"`` for its small JPEG."""
    if not is_sha256(sha256):
        raise ValueError("not a SHA-256 hex digest")
    folder = Path(evidence_dir) / sha256[:2] / sha256[2:4]
    return folder / (f"{sha256}.thumb.jpg" if variant == "thumbnail" else sha256)
