"""Sentences that name a currency name it as the reader does (DESIGN §14): the short unit a form's label gives
(«ریال», «драм») where the sentence speaks of the amounts typed beside it, CLDR's full name («ریال ایران») where it
titles a chart; the ISO code only where CLDR gives the reader nothing else (English and the Latin-script locales)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from conflict_service.errors import ValidationError
from conflict_service.i18n import decimals_allowed
from conflict_service.rate_tables import check_entries
from tests.helpers import login


@pytest.mark.parametrize(("locale", "currency", "expected"), [
    ("en", "IRR", "IRR amounts are whole numbers."),
    ("en", "AMD", "AMD amounts have at most 2 decimal places."),
    ("fa", "IRR", "مبالغ به ریال بدون اعشارند."),
    ("fa", "AMD", "مبالغ به درام حداکثر ۲ رقم اعشار دارند."),
    ("ps", "IRR", "په ریال کې مبلغونه بې اعشاره دي."),
    ("ru", "AMD", "Суммы (драм) имеют не более 2 знаков после запятой."),
    ("ar", "AMD", "المبالغ بعملة درام لها منزلتان عشريتان على الأكثر."),
    ("tg", "IRR", "Маблағҳо бо риёл танҳо ададҳои бутун мебошанд."),
])
def test_the_decimals_a_currency_allows_are_said_in_the_readers_words(app, locale, currency, expected):
    with app.test_request_context(), force_locale(locale):
        assert decimals_allowed(currency) == expected


def test_a_rate_with_too_many_decimals_is_refused_in_the_readers_words(app):
    with app.test_request_context(), force_locale("fa"), pytest.raises(ValidationError) as error:
        check_entries("IRR", [{"amount": "1000.5", "species": "sheep"}], ("species",), "twice")
    assert error.value.errors == {"entries": {"0": {"amount": ["مبالغ به ریال بدون اعشارند."]}}}


@pytest.mark.parametrize(("lang", "expected"), [
    ("fa", "مبالغ به ریال است."),
    ("ru", "Суммы указываются в валюте программы (риал)."),
    ("en", "Amounts are in IRR."),
])
def test_the_programme_form_says_which_currency_its_amounts_are_in(client, world, lang, expected):
    login(client, world.ir.manager)
    html = client.get(f"/programmes/{world.ir.programme.id}/edit?lang={lang}").get_data(as_text=True)
    assert expected in html
    assert lang == "en" or "IRR" not in html


def test_the_programme_page_names_its_currency(client, world):
    login(client, world.ir.manager)
    html = client.get(f"/programmes/{world.ir.programme.id}?lang=fa").get_data(as_text=True)
    assert "ریال ایران" in html and "IRR" not in html

