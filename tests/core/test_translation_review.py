"""Translation review (issue 20.10): a language out as XLSX, corrections checked and applied to a copy of the
catalogs, each changed message audited; the page, the API and the CLI share the one operation."""

from __future__ import annotations

import gettext
import io
import shutil

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po, write_po
from openpyxl import load_workbook

from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from conflict_service.errors import ValidationError
from conflict_service.i18n import translations_dir
from conflict_service.translation_review import catalogs, operations, pages, workbook
from tests.helpers import bearer, csrf_token, login

SOURCE = "User {name} created."
TAGGED = 'Read the <a href="{url}">guide</a> first.'


@pytest.fixture(scope="module")
def sheets(app):
    """The fa and ar review sheets of the catalogs in the checkout (exporting reads the whole URL map: done once)."""
    with app.test_request_context():
        return {loc: operations.export_workbook(loc) for loc in ("fa", "ar")}


@pytest.fixture
def catalog_copy(app, tmp_path, monkeypatch):
    """The running instance's catalogs (TRANSLATIONS_DIR) are a copy: imports change it, not the checkout."""
    for locale in ("fa", "ar"):
        shutil.copytree(translations_dir() / locale, tmp_path / locale)
    shutil.copy(translations_dir() / "glossary.csv", tmp_path / "glossary.csv")
    monkeypatch.setitem(app.config, "TRANSLATIONS_DIR", str(tmp_path))
    return tmp_path


def corrected(sheet: bytes, corrections: dict[str, str]) -> bytes:
    """The sheet with a correction written beside the messages whose English source is a key of ``corrections``."""
    book = load_workbook(io.BytesIO(sheet))
    for row in book.active.iter_rows(min_row=2):
        if row[workbook.SOURCE].value in corrections:
            row[workbook.CORRECTION].value = corrections[row[workbook.SOURCE].value]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def po_messages(path) -> dict:
    with path.open("rb") as f:
        return {(m.context, m.id): m.string for m in read_po(f) if m.id}


def events():
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == operations.ACTION)
                              .order_by(AuditEvent.seq)).all()


def test_the_sheet_has_context_pages_plurals_and_glossary_terms(sheets):
    book = load_workbook(io.BytesIO(sheets["ar"]))
    sheet = book.active
    assert sheet.title == "ar" and sheet.max_column == 8
    rows = {r[workbook.SOURCE]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    claims = rows["%(num)s claim"]
    assert "claims/templates/claims/claim_list.html" in claims[1]
    assert claims[3].startswith("الجمع الإنجليزي: %(num)s claims")  # the sheet speaks the reviewer's language
    assert "[٥] للأعداد ١٠٠ و١٠١ و١٠٢ …" in claims[3]  # which numbers take each form
    assert claims[4].count("\n") == 5 and claims[4].startswith("[٠] ")
    assert "— /claims" in claims[5]  # the page: its title in Arabic, the English one and the URL rule
    assert claims[6] == "Claim → مطالبة تعويض" and claims[7] is None
    assert "/admin/users" in rows[SOURCE][5]
    killed = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] and "السياق: leopard" in r[1]]
    assert killed, "a message with a msgctxt shows its context"


def test_round_trip_changes_exactly_the_corrected_message(app, ctx, world, sheets, catalog_copy):
    po = catalog_copy / "fa" / "LC_MESSAGES" / "messages.po"
    before = po_messages(po)
    new = "کاربر {name} ساخته شد."
    report = operations.import_corrections(corrected(sheets["fa"], {SOURCE: new}), "Parisa Rahimi", world.ir.admin)
    db.session.commit()
    assert [(c.msgid, c.new) for c in report.changes] == [(SOURCE, new)]
    after = po_messages(po)
    assert after[(None, SOURCE)] == new
    assert {k: v for k, v in after.items() if k != (None, SOURCE)} == {k: v for k, v in before.items()
                                                                      if k != (None, SOURCE)}
    original = (translations_dir() / "fa" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    changed = po.read_text(encoding="utf-8")
    assert changed == original.replace(f'msgstr "{before[(None, SOURCE)]}"', f'msgstr "{new}"')  # layout kept
    with po.with_suffix(".mo").open("rb") as f:
        assert gettext.GNUTranslations(f).gettext(SOURCE) == new  # compiled
    (event,) = events()
    assert event.actor_name == world.ir.admin.username
    assert event.data == {"locale": "fa", "msgid": SOURCE, "context": None, "old": before[(None, SOURCE)],
                          "new": new, "reviewer": "Parisa Rahimi"}


def _tagged_catalog(directory):
    """A message with a link in it (the service's catalogs have none yet), added to the copy's fa catalog."""
    po = directory / "fa" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as f:
        cat = read_po(f, locale="fa")
    cat.add(TAGGED, 'پیش از همه <a href="{url}">راهنما</a> را بخوانید.', flags=["python-brace-format"])
    with po.open("wb") as f:
        write_po(f, cat, width=120, sort_by_file=True)
    return cat[TAGGED]


def _sheet(locale, entries) -> bytes:
    return workbook.write(locale, [[catalogs.message_key(m), "", m.id[0] if m.pluralizable else m.id, "",
                                    workbook.shown_forms(m, workbook.forms_of(m), locale), "", "", text]
                                   for m, text in entries])


def test_a_dropped_placeholder_tag_or_plural_form_refuses_the_whole_sheet(app, ctx, world, catalog_copy):
    tagged = _tagged_catalog(catalog_copy)
    fa = catalogs.load("fa")
    good, placeholder = fa["Changes saved."], fa[SOURCE]
    data = _sheet("fa", [(good, "تغییرها ذخیره شد."), (placeholder, "کاربر ساخته شد."),
                         (tagged, "پیش از همه راهنما را بخوانید {url}.")])
    po = catalog_copy / "fa" / "LC_MESSAGES" / "messages.po"
    before = po.read_bytes()
    with pytest.raises(ValidationError) as refused:
        operations.import_corrections(data, "Parisa", world.ir.admin)
    problems = refused.value.errors["file"]
    assert problems == ["Row 3: The placeholder {name} is missing.",
                        'Row 4: The HTML tags differ from the English text (</a>, <a href="{url}">).']
    assert po.read_bytes() == before and not events()  # the good row 2 was not applied either

    ar = catalogs.load("ar")
    plural = ar.get(("%(num)s claim", "%(num)s claims"))
    five = "\n".join(f"[{i}] %(num)s مطالبة" for i in range(5))
    with pytest.raises(ValidationError) as refused:
        operations.import_corrections(_sheet("ar", [(plural, five)]), "Ali", world.ir.admin)
    assert refused.value.errors["file"] == [
        "Row 2: Give all 6 plural forms, each on its own line starting with its number in brackets, as the current "
        "translation shows them."]
    dropped = "\n".join(f"[{i}] مطالبة" for i in range(6))
    with pytest.raises(ValidationError) as refused:
        operations.import_corrections(_sheet("ar", [(plural, dropped)]), "Ali", world.ir.admin)
    assert refused.value.errors["file"] == ["Row 2: Plural form [5]: The placeholder %(num) is missing."]


def test_an_unflagged_message_gains_no_placeholder_and_a_wrong_sheet_is_refused(app, ctx, world, catalog_copy):
    fa = catalogs.load("fa")
    with pytest.raises(ValidationError) as refused:
        operations.import_corrections(_sheet("fa", [(fa["Changes saved."], "{x} ذخیره شد.")]), "P", world.ir.admin)
    assert refused.value.errors["file"] == ["Row 2: {x} is not a placeholder of the English text."]
    with pytest.raises(ValidationError) as refused:
        operations.import_corrections(_sheet("fa", [(fa["Changes saved."], "ذخیره شد.")]), "P", world.ir.admin, "ar")
    assert refused.value.errors["file"] == ["This sheet holds the fa catalog, not the ar one."]
    with pytest.raises(ValidationError) as refused:
        operations.import_corrections(b"not a spreadsheet", "P", world.ir.admin)
    assert "file" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        operations.import_corrections(_sheet("fa", [(fa["Changes saved."], "ذخیره شد.")]), " ", world.ir.admin)
    assert "reviewer" in refused.value.errors


def test_glossary_mismatch_is_a_warning_not_a_refusal(app, ctx, world, catalog_copy):
    fa = catalogs.load("fa")
    report = operations.import_corrections(_sheet("fa", [(fa["Case file"], "پوشه")]), "Parisa", world.ir.admin)
    assert report.warnings == {2: ["The glossary translates “Case file” as “پرونده”, which the correction does not "
                                   "use."]}
    assert catalogs.load("fa")["Case file"].string == "پوشه"


def test_the_administrators_page_uploads_and_lists_the_change(app, client, world, sheets, catalog_copy):
    login(client, world.ir.admin)
    token = csrf_token(client, "/admin/translations")
    new = "حساب کاربری {name} ساخته شد."
    sheet = corrected(sheets["fa"], {SOURCE: new})
    r = client.post("/admin/translations", data={"csrf_token": token, "reviewer": "Parisa Rahimi", "locale": "fa",
                                                 "file": (io.BytesIO(sheet), "fa.xlsx")},
                    content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "1 translation changed in Persian." in page
    assert new in page and "Parisa Rahimi" in page and world.ir.admin.username in page  # recent changes
    wrong = corrected(sheets["fa"], {SOURCE: "کاربر ساخته شد."})
    r = client.post("/admin/translations", data={"csrf_token": token, "reviewer": "Someone Else",
                                                 "file": (io.BytesIO(wrong), "fa.xlsx")},
                    content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "The placeholder {name} is missing." in page and "Someone Else" in page
    db.session.expire_all()
    assert [e.data["new"] for e in events()] == [new]


def test_the_api_imports_for_administrators_only(app, client, world, sheets, catalog_copy):
    sheet = corrected(sheets["fa"], {SOURCE: "کاربر {name} افزوده شد."})
    r = client.post("/api/v1/translations/imports", headers=bearer(client, world.ir.manager),
                    data={"reviewer": "P", "file": (io.BytesIO(sheet), "fa.xlsx")}, content_type="multipart/form-data")
    assert r.status_code == 403
    headers = bearer(client, world.ir.admin)
    wrong = corrected(sheets["fa"], {SOURCE: "کاربر افزوده شد."})
    r = client.post("/api/v1/translations/imports", headers=headers, content_type="multipart/form-data",
                    data={"reviewer": "P", "file": (io.BytesIO(wrong), "fa.xlsx")})
    (problem,) = r.get_json()["errors"]["file"]
    assert r.status_code == 422 and problem.endswith(": The placeholder {name} is missing.")
    r = client.post("/api/v1/translations/imports", headers=headers, content_type="multipart/form-data",
                    data={"reviewer": "P", "file": (io.BytesIO(sheet), "fa.xlsx")})
    assert r.status_code == 201 and r.get_json()["changes"][0]["new"] == "کاربر {name} افزوده شد."
    changes = client.get("/api/v1/translations/changes?locale=fa", headers=headers).get_json()
    assert [(c["msgid"], c["reviewer"], c["applied_by"]) for c in changes] == [(SOURCE, "P", world.ir.admin.username)]
    assert client.get("/api/v1/translations/sheet?locale=en", headers=headers).status_code == 422


def test_the_cli_exports_and_imports(app, runner, world, sheets, catalog_copy, tmp_path):
    out = tmp_path / "fa.xlsx"
    out.write_bytes(corrected(sheets["fa"], {SOURCE: "کاربر {name} ساخته شد!"}))
    result = runner.invoke(args=["translations", "import", str(out), "--reviewer", "Parisa",
                                 "--user", world.ir.admin.username])
    assert result.exit_code == 0, result.output
    assert "1 translations changed in fa" in result.output
    assert catalogs.load("fa")[SOURCE].string == "کاربر {name} ساخته شد!"
    out.write_bytes(corrected(sheets["fa"], {SOURCE: "کاربر ساخته شد"}))
    result = runner.invoke(args=["translations", "import", str(out), "--reviewer", "Parisa"])
    assert result.exit_code == 1 and "The placeholder {name} is missing." in result.output
    result = runner.invoke(args=["translations", "changes", "--locale", "fa"])
    assert "Parisa" in result.output and SOURCE in result.output
    result = runner.invoke(args=["translations", "export", "en", "--out", str(tmp_path / "en.xlsx")])
    assert result.exit_code == 1 and "other than English" in result.output and not (tmp_path / "en.xlsx").exists()


def test_pages_are_found_from_source_references(app, ctx):
    index = pages.build(app)
    assert pages.describe(index, [("conflict_service/templates/admin/users.html", 4)], str) == "Users — /admin/users"
    assert "/admin/users/new" in pages.describe(index, [("conflict_service/admin/views.py", 70)], str)
    assert pages.describe(index, [("claims/enums.py", 3)], str).startswith("Not a page of its own: claims/enums.py")
    documents = pages.describe(index, [("casefiles/templates/casefiles/claim_documents.html", 15)], str)
    assert documents.endswith("— /claims/<int:claim_id>")  # a section contributed to the claim page's slot
    assert pages.describe(index, [("conflict_service/templates/base.html", 3)], str).startswith("Most pages")
