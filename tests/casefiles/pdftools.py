"""Reading rendered PDFs the way a person or an auditor would: poppler's pdftotext, pdffonts, pdfinfo."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

# Direction marks and embeddings/isolates that pdftotext adds around right-to-left runs (invisible).
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _run(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        Path(f.name).write_bytes(pdf)
        command = [tool, *args, f.name, *(["-"] if tool == "pdftotext" else [])]  # poppler-utils, fixed arguments
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603


def pdf_text(pdf: bytes) -> str:
    return BIDI_CONTROLS.sub("", _run("pdftotext", pdf))


def pdf_lines(pdf: bytes) -> list[str]:
    return [line.strip() for line in pdf_text(pdf).splitlines() if line.strip()]


def pdf_fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(font name without the subset prefix, embedded?) for every font used."""
    rows = _run("pdffonts", pdf).splitlines()[2:]
    fonts = []
    for row in rows:
        parts = row.split()
        name = parts[0].split("+", 1)[-1]
        emb = parts[-5] if len(parts) >= 7 else "no"
        fonts.append((name, emb == "yes"))
    return fonts


def pdf_pages(pdf: bytes) -> int:
    match = re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", pdf), re.M)
    return int(match.group(1)) if match else 0


def pdf_images(pdf: bytes) -> int:
    return max(0, len(_run("pdfimages", pdf, "-list").splitlines()) - 2)
