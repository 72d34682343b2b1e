"""Evidence files: recognise an upload by its content, read its EXIF, and keep it under its SHA-256.

Nothing in here trusts the uploaded name: the type comes from the bytes (magic numbers, then Pillow or the
PDF trailer), and the file is stored as ``<EVIDENCE_DIR>/<sha[:2]>/<sha[2:4]>/<sha>``. Every check runs on the
bytes in memory, so a refused upload never touches the disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask_babel import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from conflict_service.errors import ValidationError
from conflict_service.evidence_store import evidence_path
from conflict_service.images import TooManyPixels, open_image
from conflict_service.timeutil import to_utc
from verification.enums import EvidenceKind

CHUNK = 1024 * 1024
THUMBNAIL_SIZE = (480, 480)
PDF_TRAILER_WINDOW = 2048  # %%EOF sits at the end, possibly followed by a few bytes of whitespace


@dataclass(frozen=True)
class FileType:
    kind: EvidenceKind
    content_type: str
    extensions: tuple[str, ...]
    pillow_format: str | None = None


JPEG = FileType(EvidenceKind.PHOTO, "image/jpeg", ("jpg", "jpeg", "jpe"), "JPEG")
PNG = FileType(EvidenceKind.PHOTO, "image/png", ("png",), "PNG")
PDF = FileType(EvidenceKind.DOCUMENT, "application/pdf", ("pdf",))
MAGIC = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"%PDF-", PDF))
BY_CONTENT_TYPE = {t.content_type: t for _magic, t in MAGIC}


@dataclass
class Inspected:
    """An upload that passed every check, with what was learnt from its content."""

    data: bytes
    sha256: str
    type: FileType
    display_name: str
    width: int | None = None
    height: int | None = None
    taken_at: datetime | None = None
    lat: float | None = None
    lon: float | None = None
    thumbnail: bytes | None = None

    @property
    def extension(self) -> str:
        return self.type.extensions[0]


def refuse(message: str, name: str = "") -> ValidationError:
    text = _("{name}: {problem}").format(name=name, problem=message) if name else message
    return ValidationError.field("file", text)


def read_limited(stream, max_bytes: int, name: str = "") -> bytes:
    """Read at most ``max_bytes``; a longer or empty upload is refused without being kept anywhere."""
    buffer = bytearray()
    while len(buffer) <= max_bytes:
        chunk = stream.read(min(CHUNK, max_bytes + 1 - len(buffer)))
        if not chunk:
            break
        buffer.extend(chunk)
    if len(buffer) > max_bytes:
        raise refuse(_("The file is larger than the {size} MB allowed.").format(size=_megabytes(max_bytes)), name)
    if not buffer:
        raise refuse(_("The file is empty."), name)
    return bytes(buffer)


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.3g}"


def inspect(data: bytes, filename: str | None, tz_name: str) -> Inspected:
    """Check an upload's name and content; raise a 422 ``ValidationError`` on field ``file`` if refused."""
    display = clean_name(filename)
    ftype = sniff(data, display)
    _check_extension(display, ftype)
    found = Inspected(data=data, sha256=hashlib.sha256(data).hexdigest(), type=ftype, display_name=display)
    if ftype.pillow_format:
        _inspect_image(found, tz_name)
    else:
        _check_pdf(data, display)
    return found


def clean_name(filename: str | None) -> str:
    """The uploaded name, for display only; a name with folder parts or control characters is refused."""
    name = unicodedata.normalize("NFC", (filename or "").strip())
    if any(sep in name for sep in ("/", "\\")) or name in (".", "..") or name.startswith(".."):
        raise refuse(_("The file name must be a plain name without folders."))
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise refuse(_("The file name contains invisible control characters."))
    return name[:120]


def sniff(data: bytes, name: str = "") -> FileType:
    for magic, ftype in MAGIC:
        if data.startswith(magic):
            return ftype
    raise refuse(_("Only JPEG or PNG photos and PDF documents are accepted; the content of this file is none of "
                   "them."), name)


def _check_extension(name: str, ftype: FileType) -> None:
    """A name that claims another type than the content is refused: someone may have picked the wrong file."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return  # phones often send captured photos without an extension
    if ext.lower() not in ftype.extensions:
        raise refuse(_("The name ends in .{ext} but the content is {type}; choose the right file or rename it.")
                     .format(ext=ext, type=_type_title(ftype)), name)


_PILLOW_FLAG_LOCK = threading.Lock()


def _type_title(ftype: FileType) -> str:
    return {JPEG: _("a JPEG photo"), PNG: _("a PNG image"), PDF: _("a PDF document")}[ftype]


def _check_pdf(data: bytes, name: str) -> None:
    if b"%%EOF" not in data[-PDF_TRAILER_WINDOW:]:
        raise refuse(_("This PDF is incomplete or damaged (it has no end-of-file marker)."), name)


@contextlib.contextmanager
def _strict_decoding():
    """Refuse truncated images while inspecting an upload.

    WeasyPrint sets Pillow's process-wide ``LOAD_TRUNCATED_IMAGES`` on import (to print damaged pictures
    anyway); an upload must be whole, so inspection turns it off for its own duration.
    """
    with _PILLOW_FLAG_LOCK:
        previous, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _inspect_image(found: Inspected, tz_name: str) -> None:
    with _strict_decoding():
        _decode_image(found, tz_name)


def _decode_image(found: Inspected, tz_name: str) -> None:
    fmt, name = found.type.pillow_format, found.display_name
    try:  # a picture of absurd pixel dimensions (a "decompression bomb") is refused from its header
        with open_image(io.BytesIO(found.data), formats=[fmt]) as img:
            img.verify()
        with open_image(io.BytesIO(found.data), formats=[fmt]) as img:
            found.width, found.height = img.size
            found.taken_at, found.lat, found.lon = read_exif(img, tz_name)
            found.thumbnail = _thumbnail(img)
    except TooManyPixels:
        raise refuse(_("The picture has too many pixels to be processed."), name) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise refuse(_("The file starts like {type} but cannot be read; it may be damaged.")
                     .format(type=_type_title(found.type)), name) from None


def _thumbnail(img: Image.Image) -> bytes:
    """A small JPEG, upright (EXIF orientation applied), for the claim page; decoding it also proves the file whole."""
    img.draft("RGB", THUMBNAIL_SIZE)  # JPEG: decode at a reduced scale, much faster for big photos
    img.load()
    small = ImageOps.exif_transpose(img)
    small.thumbnail(THUMBNAIL_SIZE)
    if small.mode not in ("RGB", "L"):
        background = Image.new("RGB", small.size, (255, 255, 255))
        rgba = small.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        small = background
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


# --- EXIF ----------------------------------------------------------------------------------------------

EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, DATETIME_DIGITIZED, OFFSET_TIME_ORIGINAL, DATETIME = 0x9003, 0x9004, 0x9011, 0x0132


def read_exif(img: Image.Image, tz_name: str) -> tuple[datetime | None, float | None, float | None]:
    """Capture time (UTC) and GPS position, when the camera recorded them; damaged metadata counts as absent."""
    try:
        exif = img.getexif()
        sub = exif.get_ifd(EXIF_IFD)
        gps = exif.get_ifd(GPS_IFD)
    except (OSError, ValueError, KeyError, TypeError, SyntaxError):
        return None, None, None
    raw = sub.get(DATETIME_ORIGINAL) or sub.get(DATETIME_DIGITIZED) or exif.get(DATETIME)
    taken = _exif_time(raw, sub.get(OFFSET_TIME_ORIGINAL), tz_name)
    lat = _gps_coordinate(gps.get(2), gps.get(1), "N", "S", 90)
    lon = _gps_coordinate(gps.get(4), gps.get(3), "E", "W", 180)
    if lat is None or lon is None:
        lat = lon = None
    return taken, lat, lon


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return str(value).strip("\x00 ") if value is not None else ""


def _exif_time(raw, offset, tz_name: str) -> datetime | None:
    """EXIF times are wall-clock; without an offset tag, the camera is taken to be set to the office's time zone."""
    text = _text(raw)
    try:
        moment = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007 - zone applied below
    except ValueError:
        return None
    if not 1990 <= moment.year <= 2100:
        return None
    offset_text = _text(offset)
    if offset_text:
        try:
            return to_utc(datetime.fromisoformat(f"{moment.isoformat()}{offset_text}"), tz_name)
        except ValueError:
            pass
    return to_utc(moment, tz_name)


def _gps_coordinate(dms, ref, positive: str, negative: str, limit: float) -> float | None:
    try:
        degrees, minutes, seconds = (float(part) for part in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = degrees + minutes / 60 + seconds / 3600
    sign = _text(ref).upper()[:1]
    if sign not in (positive, negative) or not 0 <= value <= limit or value != value:
        return None
    return round(-value if sign == negative else value, 6)


# --- storage -------------------------------------------------------------------------------------------

def path_for(evidence_dir: str | Path, sha256: str) -> Path:
    return evidence_path(evidence_dir, sha256)


def thumbnail_path_for(evidence_dir: str | Path, sha256: str) -> Path:
    return evidence_path(evidence_dir, sha256, "thumbnail")


def store(evidence_dir: str | Path, found: Inspected) -> bool:
    """Write the file (and its thumbnail) unless the same content is stored already; True if a thumbnail exists."""
    target = path_for(evidence_dir, found.sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        _write_atomically(target, found.data)
    if found.thumbnail is None:
        return False
    thumb = thumbnail_path_for(evidence_dir, found.sha256)
    if not thumb.exists():
        _write_atomically(thumb, found.thumbnail)
    return True


def _write_atomically(target: Path, data: bytes) -> None:
    """Write beside the target and rename, so a reader never sees half a file."""
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
