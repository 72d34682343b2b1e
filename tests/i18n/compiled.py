"""Compile the catalogs before tests that read translations (scripts/install does it for the service)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from conflict_service.i18n import translations_dir


def compile_catalogs() -> None:
    """Write each messages.mo that is missing or older than its .po (atomically: xdist workers race)."""
    for po in translations_dir().glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parts[-3])
        fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        Path(tmp).replace(mo)
