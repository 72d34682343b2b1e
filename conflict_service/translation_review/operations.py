"""Export a locale for review and apply a reviewer's corrections: every row checked before anything changes, each
changed message audited."""

from __future__ import annotations

import fcntl
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from conflict_service.audit.models import AuditEvent
from conflict_service.audit.operations import flush_pending, record
from conflict_service.db import db
from conflict_service.errors import ValidationError
from conflict_service.i18n import native_digits, normalise
from conflict_service.translation_review import catalogs, checks, pages, workbook

ACTION = "translation.corrected"
REVIEWER_LENGTH = 120


@dataclass
class Change:
    row: int
    key: str
    msgid: str
    context: str | None
    old: str
    new: str


@dataclass
class ImportReport:
    locale: str
    changes: list[Change] = field(default_factory=list)
    warnings: dict[int, list[str]] = field(default_factory=dict)
    unchanged: int = 0


def check_locale(locale: str | None) -> str:
    found = normalise(locale)
    if found not in catalogs.reviewable_locales():
        raise ValidationError.field("locale", _("Choose one of the service's languages other than English."))
    return found


def export_workbook(locale: str) -> bytes:
    """Every message of the locale's catalog with its context, pages and glossary terms, ready for corrections."""
    locale = check_locale(locale)
    catalog, glossary = catalogs.load(locale), checks.read_glossary(catalogs.directory())
    index = current_app.extensions.get("translation_pages") or pages.build(current_app)
    current_app.extensions["translation_pages"] = index  # the URL map does not change while the service runs

    def translate(text: str) -> str:
        found = catalog.get(text)
        return found.string if found is not None and isinstance(found.string, str) and found.string else text

    with force_locale(locale):
        rows = [_row(catalog, message, index, glossary, translate) for message in catalogs.messages(catalog)]
        return workbook.write(locale, rows)


def _english(message) -> str:
    return message.id[0] if message.pluralizable else message.id


def _terms(glossary, message, locale: str) -> list[tuple[str, str]]:
    return checks.glossary_terms(glossary, " ".join(message.id) if message.pluralizable else message.id, locale)


def _row(catalog, message, index, glossary, translate) -> list[str]:
    locale = catalog.locale_identifier
    return [catalogs.message_key(message), workbook.context_of(message), _english(message),
            workbook.plural_note(catalog, message), workbook.shown_forms(message, workbook.forms_of(message), locale),
            pages.describe(index, message.locations, translate),
            "\n".join(f"{t} → {a}" for t, a in _terms(glossary, message, locale)), ""]


@contextmanager
def _locked(locale: str):
    """One import at a time per catalog, across workers: each reads the catalog the one before it wrote."""
    path = Path(current_app.instance_path) / f"translations-{locale}.lock"
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def import_corrections(data: bytes, reviewer: str, actor, locale: str | None = None) -> ImportReport:
    """Check every correction of a review spreadsheet; when all are right, write them into the catalog, compile it
    and audit each changed message. A single wrong row refuses the whole file, listing every problem."""
    sheet_locale, rows = workbook.read(data)
    found = check_locale(sheet_locale if locale is None else locale)
    if normalise(sheet_locale) != found:
        raise ValidationError.field("file", _("This sheet holds the {sheet} catalog, not the {chosen} one.").format(
            sheet=sheet_locale, chosen=found))
    reviewer = (reviewer or "").strip()
    if not reviewer or len(reviewer) > REVIEWER_LENGTH:
        raise ValidationError.field("reviewer", _("Give the reviewer's name (at most {n} characters).").format(
            n=native_digits(str(REVIEWER_LENGTH))))
    with _locked(found):
        catalog = catalogs.load(found)
        report, problems = _check_rows(catalog, rows, checks.read_glossary(catalogs.directory()))
        if problems:
            raise ValidationError({"file": problems}, message=_("Nothing was changed: correct these rows first."))
        _apply(catalog, report, reviewer, actor)
    return report


def _check_rows(catalog, rows, glossary) -> tuple[ImportReport, list[str]]:
    report, problems = ImportReport(catalog.locale_identifier), []
    by_key = {catalogs.message_key(m): m for m in catalogs.messages(catalog)}
    for row in rows:
        number, message = native_digits(str(row.number)), by_key.get(row.key)
        if message is None or _english(message) != row.source:
            problems.append(_("Row {row}: no message with this identifier and English source in the catalog.")
                            .format(row=number))
            continue
        forms = workbook.read_forms(message, row.correction)
        found = checks.form_problems(message, forms, catalog.num_plurals)
        problems += [_("Row {row}: {problem}").format(row=number, problem=p) for p in found]
        if not found:
            _take(report, row, message, forms, glossary)
    return report, problems


def _take(report: ImportReport, row, message, forms: list[str], glossary) -> None:
    """Put a checked correction into the catalog in memory, noting the change and its warnings."""
    old = workbook.forms_of(message)
    if forms == old:
        report.unchanged += 1
        return
    before = workbook.shown_forms(message, old, report.locale)
    warnings = checks.glossary_warnings(_terms(glossary, message, report.locale), forms)
    if row.current != before:
        warnings.append(_("The translation changed after this sheet was exported; the correction replaces it."))
    if warnings:
        report.warnings[row.number] = warnings
    report.changes.append(Change(row.number, row.key, _english(message), message.context, before,
                                 workbook.shown_forms(message, forms, report.locale)))
    message.string = tuple(forms) if message.pluralizable else forms[0]


def _apply(catalog, report: ImportReport, reviewer: str, actor) -> None:
    for change in report.changes:
        record(ACTION, None, actor=actor, entity_type="translation", label=f"{report.locale} {change.key}",
               data={"locale": report.locale, "msgid": change.msgid, "context": change.context, "old": change.old,
                     "new": change.new, "reviewer": reviewer})
    if report.changes:
        flush_pending()  # the audit chain takes the events before the catalog changes on disk
        catalogs.save(report.locale, catalog)


def recent_changes(limit: int = 50, locale: str | None = None) -> list[AuditEvent]:
    """The latest corrections, newest first (system-wide events: administrators read them)."""
    stmt = sa.select(AuditEvent).where(AuditEvent.action == ACTION).order_by(AuditEvent.seq.desc())
    events = db.session.scalars(stmt.limit(limit if locale is None else limit * 20))
    return [e for e in events if locale is None or e.data.get("locale") == locale][:limit]
