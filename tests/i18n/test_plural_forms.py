"""Counted sentences a page's script writes itself (the files chosen in a file input): the server gives one form per
CLDR plural category, which the browser's Intl.PluralRules names; each form must be the one the catalog's own
Plural-Forms picks for every count of that category, in all sixteen languages."""

from __future__ import annotations

import gettext

import pytest
from babel import Locale
from flask_babel import force_locale

from conflict_service.i18n import LOCALES, PLURAL_FORMS, _plural_samples, cldr_locale, plural_forms
from conflict_service.web.views import files_chosen


@pytest.mark.parametrize("locale", LOCALES)
def test_each_plural_category_takes_the_catalogs_form_for_all_its_counts(locale):
    catalog_form = gettext.c2py(PLURAL_FORMS[locale].split("plural=", 1)[1].rstrip(";"))
    rule = Locale.parse(cldr_locale(locale)).plural_form
    samples = _plural_samples(locale)
    wrong = [n for n in range(2, 1000) if catalog_form(n) != catalog_form(samples[rule(n)])]
    assert not wrong, f"{locale}: counts {wrong[:5]} take another form than their category's sample"


@pytest.mark.parametrize(("locale", "forms"), [
    ("en", {"one": "{n} file: {names}", "other": "{n} files: {names}"}),
    ("ru", {"one": "{n} файл: {names}", "few": "{n} файла: {names}", "many": "{n} файлов: {names}"}),
    ("ar", {"zero": "{n} ملف: {names}", "one": "ملف واحد: {names}", "two": "ملفان: {names}",
            "few": "{n} ملفات: {names}", "many": "{n} ملفًا: {names}", "other": "{n} ملف: {names}"}),
])
def test_the_chosen_files_sentence_has_a_form_for_each_category(app, locale, forms):
    with app.test_request_context(), force_locale(locale):
        assert plural_forms(files_chosen) == forms
