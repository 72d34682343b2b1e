"""Versioned tables of rates, one machinery for all: a programme's payout rates and a season's premium rates.

A table is recorded as a new version (never overwriting an old one) holding entries with an amount and a
``valid_from`` date; the entry in force on a day is the newest ``valid_from`` on or before it. Typed entries and a
CSV file go through the same checks; every bad line of a file is reported with its line number and nothing is
recorded until all are right. The owning package keeps its own permission check, keys, audit event and texts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

import marshmallow
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from conflict_service.auth.models import User
from conflict_service.db import db
from conflict_service.errors import ValidationError
from conflict_service.i18n import currency_precision, decimals_allowed, format_size
from conflict_service.timeutil import utcnow

MAX_CSV_BYTES = 1_000_000
MAX_ENTRIES = 2000


class VersionedTable:
    """The columns of one recorded version (mixed into ``RateTable`` and ``PremiumTable``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(sa.String(16), default="api")
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    @declared_attr
    def recorded_by(cls) -> Mapped[User | None]:
        # Named by its column: a table may hold other references to users (who decided a proposal).
        return relationship(User, lazy="joined", foreign_keys=lambda: [cls.recorded_by_id])


def add_version(owner, owner_key: str, table_cls, entry_cls, entries: list[dict], actor, *, source: str,
                note: str | None):
    """Record ``entries`` as the owner's next version; the owner's row lock makes two recorders take turns."""
    owner_cls = type(owner)
    db.session.execute(sa.select(owner_cls.id).where(owner_cls.id == owner.id).with_for_update())
    version = (db.session.scalar(sa.select(sa.func.max(table_cls.version))
                                 .where(getattr(table_cls, owner_key) == owner.id)) or 0) + 1
    table = table_cls(**{owner_key: owner.id}, version=version, recorded_by_id=getattr(actor, "id", None),
                      source=source, note=(note or "").strip())
    table.entries = [entry_cls(**{owner_key: owner.id}, **entry) for entry in entries]
    db.session.add(table)
    db.session.flush()
    return table


def check_entries(currency: str, entries: list[dict], key: tuple[str, ...], duplicate_message: str) -> None:
    """One version of a table of rates: not empty, no key twice, amounts in the currency's minor unit."""
    if not entries:
        raise ValidationError.field("entries", _("Give at least one rate."))
    if len(entries) > MAX_ENTRIES:
        raise ValidationError.field("entries", _("Give at most {max} rates at a time.").format(max=MAX_ENTRIES))
    digits, errors, seen = currency_precision(currency), {}, set()
    for i, entry in enumerate(entries):
        found = tuple(entry[k] for k in key)
        if found in seen:
            errors.setdefault(str(i), {})["valid_from"] = [duplicate_message]
        seen.add(found)
        amount = Decimal(entry["amount"])
        if amount.quantize(Decimal(1).scaleb(-digits)) != amount:
            errors.setdefault(str(i), {})["amount"] = [decimals_allowed(currency)]
    if errors:
        raise ValidationError({"entries": errors})


def import_file(content: bytes, schema: marshmallow.Schema, columns: tuple[str, ...], record: Callable,
                check: Callable):
    """``record(entries)`` with the entries of a CSV file, or every bad line of it at once, with its line number.

    ``check(entries)`` is the owner's check of a whole table (duplicates, the currency's minor unit): it runs over
    the lines that read well even when others do not, so one pass reports every bad line.
    """
    entries, lines, problems = parse_csv(content, schema, columns)
    if entries:
        try:
            check(entries)
        except ValidationError as error:
            problems.extend(_entry_problems(error.errors, lines))
    if problems:
        raise ValidationError({"file": [text for _line, text in sorted(problems, key=lambda p: p[0])]})
    if not entries:
        raise ValidationError.field("file", _("The file has no rates below its header line."))
    try:
        return record(entries)
    except ValidationError as error:
        raise ValidationError({"file": as_lines(error.errors, lines)}) from None


def parse_csv(content: bytes, schema: marshmallow.Schema,
              columns: tuple[str, ...]) -> tuple[list[dict], list[int], list[tuple[int, str]]]:
    """Read rows of ``columns``: the entries that read well, for each the line of the file it came from, and the
    problems of the others as ``(line, message)``. A file that cannot be read at all is refused at once."""
    if len(content) > MAX_CSV_BYTES:
        # i18n: {size} is the largest file accepted with its unit, as the reader writes it («۹۷۷ کیلوبایت», «977 кБ»)
        raise ValidationError.field("file", _("The file is larger than {size}.").format(
            size=format_size(MAX_CSV_BYTES)))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError.field("file", _("Save the file as UTF-8 text (CSV).")) from None
    reader = csv.DictReader(io.StringIO(text), dialect=_dialect(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError.field("file", _("The first line must name the columns {columns}; missing: {missing}.")
                                    .format(columns=", ".join(columns), missing=", ".join(missing)))
    entries, lines, problems = [], [], []
    for line_no, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        try:
            entries.append(schema.load({c: (row.get(c) or "").strip() for c in columns}))
            lines.append(line_no)
        except marshmallow.ValidationError as error:
            problems.extend((line_no, text) for text in _row_messages(line_no, error.messages))
    return entries, lines, problems


def _dialect(text: str):
    first = text.split("\n", 1)[0]
    return csv.excel if first.count(",") >= first.count(";") else _Semicolon


class _Semicolon(csv.excel):
    delimiter = ";"


def _row_messages(line_no: int, messages: dict) -> list[str]:
    out = []
    for field, texts in messages.items():
        for text in texts if isinstance(texts, list) else [texts]:
            out.append(_("Line {line}, {field}: {message}").format(line=line_no, field=field, message=text))
    return out


def as_lines(errors: dict, lines: list[int]) -> list[str]:
    """Entry errors (by position) restated with the file's line numbers."""
    return [text for _line, text in _entry_problems(errors, lines)]


def _entry_problems(errors: dict, lines: list[int]) -> list[tuple[int, str]]:
    per_entry = errors.get("entries")
    if not isinstance(per_entry, dict):  # about the table as a whole: before every line
        return [(0, str(m)) for msgs in errors.values() for m in (msgs if isinstance(msgs, list) else [msgs])]
    out = []
    for index, fields in per_entry.items():
        line = lines[int(index)]
        out.extend((line, text) for text in _row_messages(line, fields))
    return out
