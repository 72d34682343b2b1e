"""The review spreadsheet: one row per message of a locale, and reading the reviewer's corrections back."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from gettext import c2py

from babel.messages.catalog import Catalog, Message
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_

from conflict_service.errors import ValidationError
from conflict_service.i18n import join_list, native_digits

HEADERS = (L_("Identifier"), L_("Context"), L_("English source"), L_("Plural forms"), L_("Current translation"),
           L_("Page"), L_("Glossary terms"), L_("Correction"))
WIDTHS = (12, 40, 50, 36, 50, 44, 36, 50)
ID, SOURCE, CURRENT, CORRECTION = 0, 2, 4, 7
FORM = re.compile(r"^\[(\d+)\] ?(.*)$")
EXAMPLES = range(0, 111)


@dataclass
class Row:
    number: int
    key: str
    source: str
    current: str
    correction: str


def forms_of(message: Message) -> list[str]:
    return list(message.string) if message.pluralizable else [message.string or ""]


def shown_forms(message: Message, forms: list[str], locale: str) -> str:
    """A translation as one cell: plural forms each on a line starting with its number, "[0] …" (in the locale's
    digits; any digits are read back)."""
    if not message.pluralizable:
        return forms[0]
    return "\n".join(f"[{native_digits(str(i), locale)}] {text}" for i, text in enumerate(forms))


def read_forms(message: Message, text: str) -> list[str]:
    """A cell back into the forms of a message; a line not starting with "[n]" continues the form above it."""
    if not message.pluralizable:
        return [text]
    forms: list[list[str]] = []
    for line in text.split("\n"):
        match = FORM.match(line)
        if match and int(match.group(1)) == len(forms):
            forms.append([match.group(2)])
        elif forms:
            forms[-1].append(line)
        else:
            return []
    return ["\n".join(lines).strip() for lines in forms]


def plural_note(catalog: Catalog, message: Message) -> str:
    """The English plural and, for each form of the language, the numbers that take it."""
    if not message.pluralizable:
        return ""
    numbers: dict[int, list[int]] = {}
    plural = c2py(catalog.plural_expr)
    for n in EXAMPLES:
        numbers.setdefault(plural(n), []).append(n)
    lines = [_("English plural: {text}").format(text=message.id[1])]
    for i in range(catalog.num_plurals):
        shown = join_list([native_digits(str(n)) for n in numbers.get(i, [])[:6]])
        lines.append(_("[{i}] for {numbers} …").format(i=native_digits(str(i)), numbers=shown or "—"))
    return "\n".join(lines)


def context_of(message: Message) -> str:
    lines = [_("Context: {context}").format(context=message.context)] if message.context else []
    notes = [c.removeprefix("i18n:").strip() for c in (*message.auto_comments, *message.user_comments)]
    lines += [_("Note: {note}").format(note=note) for note in notes if note]
    where = ", ".join(f"{path}:{line}" if line else path for path, line in message.locations)
    return "\n".join([*lines, _("Source: {where}").format(where=where)] if where else lines)


def write(locale: str, rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook  # only when a spreadsheet is asked for
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = locale  # the import reads the locale from here
    sheet.append([str(h) for h in HEADERS])
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula a spreadsheet program would run
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGH", WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(data: bytes) -> tuple[str, list[Row]]:
    """The locale (the sheet's name) and the rows that carry a correction; a file that is not such a sheet is
    refused."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ValidationError.field("file", _("This is not an XLSX file exported for translation review.")) \
            from error
    sheet = workbook.worksheets[0]
    rows = []
    for number, cells in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        cells = [*cells, *[None] * len(HEADERS)][:len(HEADERS)]
        correction = cells[CORRECTION]
        if correction is None or not str(correction).strip():
            continue
        rows.append(Row(number, str(cells[ID] or "").strip(), str(cells[SOURCE] or ""), str(cells[CURRENT] or ""),
                        str(correction).replace("\r\n", "\n").strip()))
    workbook.close()
    return sheet.title, rows
