"""The running instance's catalogs (``TRANSLATIONS_DIR``): read, written as ``scripts/translations`` writes them,
and compiled to the .mo files the service reads."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from flask import current_app

from conflict_service.i18n import LOCALES

CREATION_DATE = b'"POT-Creation-Date: '


def directory() -> Path:
    return Path(current_app.config["TRANSLATIONS_DIR"])


def po_path(locale: str) -> Path:
    return directory() / locale / "LC_MESSAGES" / "messages.po"


def reviewable_locales() -> list[str]:
    """Every locale but English, the source language (its catalog says what the code says)."""
    return [loc for loc in LOCALES if loc != "en"]


def load(locale: str) -> Catalog:
    with po_path(locale).open("rb") as f:
        return read_po(f, locale=locale)


def message_key(message: Message) -> str:
    """A short identifier of a message that stays the same from export to import: its context and English text."""
    ids = list(message.id) if message.pluralizable else [message.id]
    text = "\x04".join([message.context or "", *ids])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def _replace(path: Path, data: bytes) -> None:
    """Write the whole file or nothing (a half-written catalog would break every page in that language), with the
    permissions the file had."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, mode)
    Path(tmp).replace(path)


def save(locale: str, catalog: Catalog) -> None:
    """Write the catalog as ``scripts/translations`` does (width 120, sorted by file; a creation date only where the
    file had one) and compile it."""
    path = po_path(locale)
    dated = CREATION_DATE in path.read_bytes()
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=120, sort_by_file=True)
    lines = buffer.getvalue().splitlines(keepends=True)
    _replace(path, b"".join(line for line in lines if dated or not line.startswith(CREATION_DATE)))
    compile_catalog(locale, catalog)


def compile_catalog(locale: str, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    _replace(po_path(locale).with_suffix(".mo"), buffer.getvalue())
    babel = current_app.extensions.get("babel")
    if babel is not None:  # this process reads the new words at once; other workers when restarted
        babel.instance.domain_instance.cache.clear()
