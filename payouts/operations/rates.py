"""Record a new version of a programme's rate table, by hand or from a CSV file; old versions stay."""

from __future__ import annotations

import csv
import io
import logging
from decimal import Decimal

import marshmallow
import sqlalchemy as sa
from flask_babel import gettext as _

from claims.models import Programme
from conflict_service.audit.operations import record
from conflict_service.db import db
from conflict_service.errors import Forbidden, InvalidTransition, ValidationError
from conflict_service.i18n import currency_precision
from conflict_service.jurisdictions import queries as jq
from conflict_service.timeutil import utcnow
from payouts.models import Rate, RateTable
from payouts.permissions import can_manage_payouts

log = logging.getLogger(__name__)

CSV_COLUMNS = ("species", "age_class", "amount", "valid_from")
MAX_CSV_BYTES = 1_000_000
MAX_ENTRIES = 2000


def check_can_edit(programme: Programme, actor) -> None:
    """Managers change the programmes run in or below their own jurisdictions (None: the server's CLI)."""
    if actor is None:
        return
    if not can_manage_payouts(actor):
        raise Forbidden(_("Only a programme manager can change rate tables."))
    if programme.jurisdiction_id not in jq.scope_ids(actor):
        raise Forbidden(_("This programme is run above your jurisdiction; a manager there changes its rates."))


def record_rates(programme: Programme, data: dict, actor, *, source: str = "api") -> RateTable:
    """Add a version of the rate table: ``{"entries": [{species, age_class, amount, valid_from}], "note"}``."""
    check_can_edit(programme, actor)
    entries = data["entries"]
    _check_entries(programme, entries)
    db.session.execute(sa.select(Programme.id).where(Programme.id == programme.id).with_for_update())
    version = (db.session.scalar(sa.select(sa.func.max(RateTable.version))
                                 .where(RateTable.programme_id == programme.id)) or 0) + 1
    table = RateTable(programme_id=programme.id, version=version, recorded_by_id=getattr(actor, "id", None),
                      source=source, note=(data.get("note") or "").strip(),
                      is_pending=actor is not None)  # the server's operator (CLI without --user) is not a manager
    table.entries = [Rate(programme_id=programme.id, **entry) for entry in entries]
    db.session.add(table)
    db.session.flush()
    record("programme.rates_recorded", programme, actor=actor, data={
        "version": version, "source": source, "count": len(entries), "pending": table.is_pending,
        "entries": [[e["species"], e["age_class"], e["amount"], e["valid_from"]] for e in entries]})
    log.info("rate table v%s of programme %s: %s entries", version, programme.id, len(entries))
    return table


def confirm_rates(table: RateTable, actor) -> RateTable:
    """A second manager confirms a version recorded by another: its rates are in force from now."""
    programme = _decide_start(table, actor)
    if table.recorded_by_id == actor.id:
        raise Forbidden(_("You recorded this version; a second manager must confirm it."))
    table.is_pending, table.decided_by, table.decided_at = False, actor, utcnow()
    db.session.flush()
    record("programme.rates_confirmed", programme, actor=actor, data={
        "version": table.version, "recorded_by": getattr(table.recorded_by, "username", None)})
    return table


def refuse_rates(table: RateTable, actor, note: str = "") -> RateTable:
    """Refuse a version waiting for confirmation (or withdraw your own); it never comes into force."""
    programme = _decide_start(table, actor)
    table.is_refused, table.decided_by, table.decided_at = True, actor, utcnow()
    db.session.flush()
    record("programme.rates_refused", programme, actor=actor, reason=note.strip() or None,
           data={"version": table.version})
    return table


def _decide_start(table: RateTable, actor) -> Programme:
    programme = db.session.scalars(sa.select(Programme).where(Programme.id == table.programme_id)
                                   .with_for_update()).one()
    check_can_edit(programme, actor)
    if actor is None:
        raise Forbidden(_("Only a programme manager can confirm or refuse changes of the rules."))
    db.session.refresh(table)
    if not table.is_pending or table.is_refused:
        raise InvalidTransition(_("This version of the rates is already decided."))
    return programme


def _check_entries(programme: Programme, entries: list[dict]) -> None:
    check_entries(programme.currency, entries, ("species", "age_class", "valid_from"),
                  _("This species and age class already has a rate from this date in the table."))


def check_entries(currency: str, entries: list[dict], key: tuple[str, ...], duplicate_message: str) -> None:
    """One version of a table of rates: not empty, no key twice, amounts in the currency's minor unit.

    Also used for the premium rates of insurance seasons (keyed by species and date only)."""
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
            errors.setdefault(str(i), {})["amount"] = [_("{currency} amounts have at most {digits} decimal places.")
                                                       .format(currency=currency, digits=digits)]
    if errors:
        raise ValidationError({"entries": errors})


def parse_csv(content: bytes, schema: marshmallow.Schema,
              columns: tuple[str, ...] = CSV_COLUMNS) -> tuple[list[dict], list[int]]:
    """Read rows of ``columns`` (rates: ``species,age_class,amount,valid_from``); every bad row is reported with
    its line number.

    Returns the entries and, for each, the line of the file it came from.
    """
    if len(content) > MAX_CSV_BYTES:
        raise ValidationError.field("file", _("The file is larger than {size} bytes.").format(size=MAX_CSV_BYTES))
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
            problems.extend(_row_messages(line_no, error.messages))
    if problems:
        raise ValidationError({"file": problems})
    if not entries:
        raise ValidationError.field("file", _("The file has no rates below its header line."))
    return entries, lines


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


def import_csv(programme: Programme, content: bytes, actor, *, schema: marshmallow.Schema, note: str = "",
               source: str = "csv") -> RateTable:
    """Record the rates of a CSV file as a new version, or change nothing and report every bad line."""
    check_can_edit(programme, actor)
    entries, lines = parse_csv(content, schema)
    try:
        return record_rates(programme, {"entries": entries, "note": note}, actor, source=source)
    except ValidationError as error:
        raise ValidationError({"file": as_lines(error.errors, lines)}) from None


def as_lines(errors: dict, lines: list[int]) -> list[str]:
    """Entry errors (by position) restated with the file's line numbers."""
    per_entry = errors.get("entries")
    if not isinstance(per_entry, dict):
        return [str(m) for msgs in errors.values() for m in (msgs if isinstance(msgs, list) else [msgs])]
    out = []
    for index, fields in per_entry.items():
        out.extend(_row_messages(lines[int(index)], fields))
    return out
