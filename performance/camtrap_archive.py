"""Opening an uploaded Camtrap DP package without trusting it: a zip (bytes or path) or a folder.

Nothing is extracted to disk. Every member name is checked (no absolute path, drive, backslash, ``..`` or control
character) and every read is bounded by a byte limit, so a zip bomb stops at the limit whatever its headers
claim, and a folder's symlinks cannot lead outside the folder.
"""

from __future__ import annotations

import io
import lzma
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from flask_babel import gettext as _
from flask_babel import ngettext

from conflict_service.i18n import format_number

PACKAGE_FILE = "datapackage.json"
# What a damaged or hostile archive raises while it is opened or unpacked (bz2 raises OSError)
_DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, ValueError, OSError, EOFError,
            zlib.error, lzma.LZMAError, struct.error)
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024  # the zip as uploaded
MAX_FILE_BYTES = 64 * 1024 * 1024  # one unpacked CSV
MAX_METADATA_BYTES = 2 * 1024 * 1024  # datapackage.json
MAX_MEMBERS = 5000

Reader = Callable[[str], bytes | None]  # a file of the package by its relative path, or None when it is absent


class Unreadable(Exception):
    """The package (or one of its files) cannot be read at all; ``file`` names it, ``message`` is translated."""

    def __init__(self, file: str, message: str):
        super().__init__(message)
        self.file = file
        self.message = message


def open_package(source: bytes | str | os.PathLike) -> Reader:
    """A reader of the package's files from a zip's bytes, a zip's path or a folder's path."""
    if isinstance(source, bytes | bytearray):
        return _zip_reader(bytes(source), PACKAGE_FILE)
    path = Path(source)
    if path.is_dir():
        return _folder_reader(path)
    if path.is_file():
        if path.stat().st_size > MAX_ARCHIVE_BYTES:
            raise Unreadable(path.name, _too_large(MAX_ARCHIVE_BYTES, package=True))
        return _zip_reader(path.read_bytes(), path.name)
    raise Unreadable(path.name, _("The package is not a zip archive or a folder."))


def safe_name(name: str) -> bool:
    """A relative path inside the package: no URL, absolute path, drive, backslash, ``..`` or control character."""
    if not name or name.startswith("/") or "\\" in name or "://" in name or re.match(r"[A-Za-z]:", name):
        return False
    return ".." not in PurePosixPath(name).parts and not any(ord(c) < 32 or ord(c) == 127 for c in name)


def shorten(value: str, limit: int = 60) -> str:
    """A value quoted in a message, cut to a readable length."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _too_large(limit: int, package: bool = False) -> str:
    size = format_number(limit // (1024 * 1024))
    if package:
        return _("The package is larger than {size} MB.").format(size=size)
    return _("The file is larger than {size} MB.").format(size=size)


def _limit(name: str) -> int:
    return MAX_METADATA_BYTES if name == PACKAGE_FILE else MAX_FILE_BYTES


def _bounded(name: str, data: bytes) -> bytes:
    if len(data) > _limit(name):
        raise Unreadable(name, _too_large(_limit(name)))
    return data


def _zip_reader(data: bytes, label: str) -> Reader:
    if len(data) > MAX_ARCHIVE_BYTES:
        raise Unreadable(label, _too_large(MAX_ARCHIVE_BYTES, package=True))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except _DAMAGED:
        raise Unreadable(label, _("The package is not a zip archive or a folder.")) from None
    if len(members) > MAX_MEMBERS:
        raise Unreadable(label, ngettext("The archive holds more than %(count)s file.",
                                         "The archive holds more than %(count)s files.", MAX_MEMBERS,
                                         count=format_number(MAX_MEMBERS)))
    unsafe = next((m.filename for m in members if not safe_name(m.filename)), None)
    if unsafe is not None:
        raise Unreadable(label, _("The archive holds a file with an unsafe name: {name}.").format(
            name=shorten(unsafe)))
    files = {m.filename: m for m in members if not m.is_dir()}
    root = _root(files)

    def read(name: str) -> bytes | None:
        member = files.get(root + name)
        if member is None:
            return None
        try:
            with archive.open(member) as stream:
                return _bounded(name, stream.read(_limit(name) + 1))
        except _DAMAGED:
            raise Unreadable(name, _("The file could not be unpacked.")) from None

    return read


def _root(files: dict) -> str:
    """"" when datapackage.json is at the top; "folder/" when the package was zipped as one folder."""
    if PACKAGE_FILE in files:
        return ""
    nested = [n[: -len(PACKAGE_FILE)] for n in files if n.endswith("/" + PACKAGE_FILE) and n.count("/") == 1]
    return nested[0] if len(nested) == 1 else ""


def _folder_reader(folder: Path) -> Reader:
    base = folder.resolve()

    def read(name: str) -> bytes | None:
        if not safe_name(name):
            return None
        target = (base / name).resolve()
        if not target.is_relative_to(base) or not target.is_file():
            return None
        if target.stat().st_size > _limit(name):
            raise Unreadable(name, _too_large(_limit(name)))
        with target.open("rb") as stream:
            return _bounded(name, stream.read(_limit(name) + 1))

    return read
