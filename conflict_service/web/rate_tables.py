"""The form of a rate table's new version (rows typed in, or a CSV file), for every page that records one."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, request

from conflict_service.db import db
from conflict_service.errors import ValidationError
from conflict_service.web import forms as web_forms


def blank(rows: int) -> dict:
    return {"rows": [{} for _ in range(rows)], "note": ""}


def post(fields: tuple[str, ...], schema_cls, record: Callable, import_file: Callable, done: str,
         rows: int) -> tuple[dict, dict]:
    """Record what was posted as a new version: ``import_file(content, note)`` for a file, else
    ``record({"entries", "note"})`` for the typed rows. Committed and ``done`` flashed, or nothing recorded and
    ``(values as typed, errors by form field)`` returned."""
    note = request.form.get("note", "")
    typed = web_forms.rows(request.form, "rates", fields)
    values = {"rows": typed + [{} for _ in range(max(rows - len(typed), 1))], "note": note}
    try:
        upload = request.files.get("file")
        if upload and upload.filename:
            import_file(upload.read(), note)
        else:
            record({"entries": web_forms.load(schema_cls(many=True), typed) if typed else [], "note": note})
        db.session.commit()
        flash(done, "success")
        return values, {}
    except ValidationError as error:
        db.session.rollback()
        flat = web_forms.flatten(error.errors)
        return values, {("rates-" + k if k[0].isdigit() else k.replace("entries-", "rates-", 1)): v
                        for k, v in flat.items()}
