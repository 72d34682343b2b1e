"""Dates in the Solar Hijri calendar where people use it, digits of each locale's CLDR numbering system, money
with its currency's precision."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel import Locale
from babel.numbers import get_currency_symbol
from flask_babel import force_locale

from conflict_service.i18n import (
    DIGITS,
    LOCALES,
    RTL_LOCALES,
    PageFormat,
    cldr_locale,
    dir_of,
    format_coordinates,
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_percent,
    format_size,
    identifiers_whole,
    is_rtl,
    language_choices,
    language_titles,
    normalise,
    phone_number,
    round_money,
)

MAY_3 = date(2026, 5, 3)


@pytest.mark.parametrize(("locale", "expected"), [
    ("fa", "۱۳ اردیبهشت ۱۴۰۵"),
    ("fa_AF", "۱۳ ثور ۱۴۰۵"),
    ("ps", "۱۳ غویی ۱۴۰۵"),
    ("en", "May 3, 2026"),
    ("ru", "3 мая 2026\u202fг."),
    ("ka", "3 მაი. 2026"),
    ("ar", "٠٣\u200f/٠٥\u200f/٢٠٢٦"),
])
def test_dates_use_the_locales_calendar_and_digits(locale, expected):
    assert format_date(MAY_3, locale) == expected


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 3, 20), "۲۹ اسفند ۱۴۰۴"), (date(2026, 3, 21), "۱ فروردین ۱۴۰۵"),
    (date(2025, 3, 20), "۳۰ اسفند ۱۴۰۳"),  # 1403 is a leap year
])
def test_solar_hijri_new_year(day, expected):
    assert format_date(day, "fa") == expected


def test_official_documents_show_the_gregorian_beside_the_solar_hijri_date():
    assert format_date(MAY_3, "fa", with_gregorian=True) == "۱۳ اردیبهشت ۱۴۰۵ (۳ مه ۲۰۲۶)"
    assert format_date(MAY_3, "en", with_gregorian=True) == "May 3, 2026"


def test_times_are_shown_on_the_offices_clock():
    moment = datetime(2026, 5, 2, 21, 5, tzinfo=UTC)  # already May 3 in Tehran (UTC+3:30)
    assert format_datetime(moment, "fa", tz="Asia/Tehran") == "۱۳ اردیبهشت ۱۴۰۵ ۰:۳۵"
    assert format_datetime(moment, "en", tz="Asia/Tehran") == "May 3, 2026 12:35\u202fAM"


@pytest.mark.parametrize("locale", LOCALES)
def test_numbers_use_the_default_digits_of_the_locale(locale):
    system = Locale.parse(cldr_locale(locale)).default_numbering_system
    digits = set(format_number(1234567890, locale)) & set("".join(DIGITS.values()))
    assert digits == set(DIGITS[system])


def test_iraqi_arabic_and_sorani_write_arabic_indic_digits_persian_writes_its_own():
    assert format_number(1234, "ar") == "١٬٢٣٤"
    assert format_number(1234, "ckb") == "١٬٢٣٤"
    assert format_number(1234, "fa") == "۱٬۲۳۴"
    assert format_number(1234, "ur") == "1,234"


@pytest.mark.parametrize(("amount", "currency", "locale", "expected"), [
    ("1234567.5", "IRR", "en", "IRR\u00a01,234,568"),  # the rial has no minor unit
    ("1234567.5", "AMD", "hy", "1\u00a0234\u00a0567,50\u00a0֏"),
    ("1234567.5", "IRR", "fa", "۱٬۲۳۴٬۵۶۸\u00a0ریال"),  # the amount first, as Iranians write it (not CLDR's standard)
    ("12.5", "USD", "en", "$12.50"),
    ("100", "GEL", "ka", "100,00\u00a0₾"),
])
def test_money_follows_locale_and_currency(amount, currency, locale, expected):
    assert format_money(Decimal(amount), currency, locale) == expected


RANGE_CURRENCIES = ("IRR", "AMD", "AZN", "GEL", "TRY", "IQD", "AFN", "PKR", "TJS", "TMT", "UZS", "KZT", "KGS", "USD",
                    "EUR")
NOT_LATIN = ("fa", "fa_AF", "ps", "ar", "ckb", "ur", "hy", "ka", "ru", "kk", "tg")


@pytest.mark.parametrize(("amount", "currency", "locale", "expected"), [
    ("45000000", "IRR", "ps", "۴۵٬۰۰۰٬۰۰۰\u00a0ریال"),  # CLDR has no Pashto symbol for the rial: its code «IRR»
    ("1234.5", "TJS", "tg", "1\u00a0234,50\u00a0сомонӣ"),  # Tajiks read their own somoni, not «TJS»
    ("12500", "AMD", "fa", "۱۲٬۵۰۰٫۰۰\u00a0درام"),
    ("45000000", "IRR", "ru", "45\u00a0000\u00a0000\u00a0риал"),
    ("45000000", "IRR", "ar", "\u200f٤٥٬٠٠٠٬٠٠٠\u00a0ر.إ."),  # CLDR's own Arabic symbol stays
    ("1234.5", "AMD", "ar", "١٬٢٣٤٫٥٠\u00a0درام"),
    ("1234.5", "KZT", "ur", "1,234.50\u00a0ٹینگ"),  # the word after the amount (CLDR's unit pattern) in Urdu too
    ("45000000", "IRR", "en", "IRR\u00a045,000,000"),  # Latin script: the ISO code stays, as CLDR and banks write it
    ("45000000", "IRR", "az", "45.000.000\u00a0IRR"),
    ("1234.5", "TMT", "tk", "1\u00a0234,50\u00a0TMT"),  # CLDR has no Turkmen symbol; Latin script keeps the code
    ("1234.5", "UZS", "uz", "1\u00a0234,50\u00a0soʻm"),  # CLDR's Uzbek symbol
])
def test_a_currency_without_a_symbol_in_a_script_not_latin_is_named_by_its_short_unit(amount, currency, locale,
                                                                                      expected):
    assert format_money(Decimal(amount), currency, locale, toman=False) == expected


@pytest.mark.parametrize(("currency", "locale"), [("IRR", "ps"), ("TJS", "tg"), ("AMD", "fa"), ("IRR", "ru")])
def test_no_latin_letter_in_an_amount_for_readers_of_another_script(currency, locale):
    assert not re.search("[A-Za-z]", format_money(Decimal("1234.5"), currency, locale, toman=False))


@pytest.mark.parametrize("locale", NOT_LATIN)
def test_no_iso_code_in_amounts_for_readers_of_another_script(locale):
    """No Latin letter but in a symbol CLDR gives the locale itself ("US$" in Arabic, "Rs" in Urdu)."""
    shown = {currency: format_money(Decimal("-1234.5"), currency, locale, toman=False) for currency in RANGE_CURRENCIES}
    latin = {currency: text for currency, text in shown.items() if re.search("[A-Za-z]", text.replace(
        get_currency_symbol(currency, cldr_locale(locale)), "")) or currency in text}
    assert not latin, latin


@pytest.mark.parametrize("locale", ["fa", "fa_AF", "ps"])
def test_afghanis_are_written_after_the_amount_in_persian_dari_and_pashto(locale):
    """As Afghan prices and bank notices write them; CLDR's Pashto pattern put «؋» first."""
    assert format_money(Decimal(6500), "AFN", locale) == "۶٬۵۰۰\u00a0؋"


def test_the_unit_is_in_the_language_asked_for_whichever_the_page_speaks(app):
    with app.test_request_context("/"), force_locale("en"):
        assert format_money(Decimal(100), "IRR", "ps", toman=True) == "۱۰۰\u00a0ریال (۱۰ تومان)"
    with app.test_request_context("/"), force_locale("ps"):
        assert format_money(Decimal(100), "IRR", "en", toman=True) == "IRR\u00a0100 (10 toman)"


def test_money_is_rounded_once_half_up_to_the_currency_unit():
    assert round_money(Decimal("1234.5"), "IRR") == Decimal("1235")
    assert round_money(Decimal("10.005"), "AMD") == Decimal("10.01")


@pytest.mark.parametrize(("given", "expected"), [
    ("fa-AF", "fa_AF"), ("fa_af", "fa_AF"), ("FA", "fa"), ("fa-IR", "fa"), ("prs", "fa_AF"), ("ckb-IQ", "ckb"),
    ("uz-Latn-UZ", "uz"), ("tg-Cyrl", "tg"), ("de", None), ("", None), (None, None),
])
def test_language_codes_are_normalised(given, expected):
    assert normalise(given) == expected


def test_switcher_names_each_language_in_itself():
    names = dict(language_choices())
    assert list(names) == list(LOCALES)
    assert names["fa_AF"] == "دری" and names["ka"] == "ქართული" and names["ru"] == "Русский"
    assert {code for code in LOCALES if is_rtl(code)} == RTL_LOCALES == {"fa", "fa_AF", "ps", "ar", "ckb", "ur"}


def test_a_language_chosen_for_someone_else_is_named_in_the_readers_language(app):
    """A Persian clerk choosing an owner's language reads «ترکمنی», not «Türkmen dili» (issue 20 point 4)."""
    with app.test_request_context("/"):
        with force_locale("fa"):
            titles = dict(language_titles())
        assert list(titles) == list(LOCALES)
        assert titles["tk"] == "ترکمنی" and titles["en"] == "انگلیسی" and titles["fa_AF"] == "دری"
        with force_locale("en"):
            assert dict(language_titles())["fa"] == "Persian"


@pytest.mark.parametrize(("locale", "typed", "shown"), [
    ("fa", "+98 915 696 1950", '<bdi dir="ltr">+۹۸ ۹۱۵ ۶۹۶ ۱۹۵۰</bdi>'),
    ("ar", "0915-696-1950", '<bdi dir="ltr">٠٩١٥-\u200e٦٩٦-\u200e١٩٥٠</bdi>'),  # each group kept in order
    ("ur", "+92 300 1234567", '<bdi dir="ltr">+92 300 1234567</bdi>'),  # Latin digits are Urdu's own
    ("fa", "owner@example.org", '<bdi dir="ltr">owner@example.org</bdi>'),  # an address stays as it is written
    # an IBAN stored whole is shown in fours, its digits Latin as the bank prints them; typed in groups it stays so
    ("fa", "IR810016750417947143364502", '<bdi dir="ltr">IR81 0016 7504 1794 7143 3645 02</bdi>'),
    ("ka", "GE29NB0000000101904917", '<bdi dir="ltr">GE29 NB00 0000 0101 9049 17</bdi>'),
    ("fa", "IR81 0016 7504 1794 7143 3645 02", '<bdi dir="ltr">IR81 0016 7504 1794 7143 3645 02</bdi>'),
    ("fa", None, "—"),
])
def test_a_phone_number_is_in_the_readers_digits_and_kept_left_to_right(app, locale, typed, shown):
    with app.test_request_context("/"), force_locale(locale):
        assert str(phone_number(typed)) == shown


@pytest.mark.parametrize(("locale", "shown"), [
    ("ckb", "٨٤٣\u00a0کیلۆبایت"), ("ur", "843\u00a0کلوبائٹ"), ("fa", "۸۴۳\u00a0کیلوبایت"), ("ps", "۸۴۳\u00a0کیلوبایټ"),
    ("tg", "843\u00a0кБ"), ("ar", "٨٤٣\u00a0كيلوبايت"), ("ru", "843\u00a0кБ"), ("en", "843\u00a0kB"),
    ("tk", "843\u00a0kB"),
])
def test_a_files_size_is_in_the_readers_script(app, locale, shown):
    """CLDR writes «kB» for Sorani, Urdu, Persian, Pashto and Tajik: the catalog's unit is shown in their script."""
    with app.test_request_context("/"), force_locale(locale):
        assert format_size(863_123) == shown


def test_no_reader_of_a_non_latin_script_reads_a_latin_size_unit(app):
    for locale in LOCALES:
        with app.test_request_context("/"), force_locale(locale):
            shown = format_size(5_000_000)
            assert re.search("[A-Za-z]", shown) is None or locale in ("en", "az", "tr", "tk", "uz"), (locale, shown)


B = '<bdi lang="zxx" dir="ltr">'


@pytest.mark.parametrize(("message", "shown"), [
    ("Claim IR-DRG-2025-000123 withdrawn.", f"Claim {B}IR-DRG-2025-000123</bdi> withdrawn."),
    ("درخواست IR-DRG-2025-000123 پس گرفته شد.", f"درخواست {B}IR-DRG-2025-000123</bdi> پس گرفته شد."),
    ("Receipt AM-KPN-P2026-00004-R1 and PERF-1-1-M6-1.",
     f"Receipt {B}AM-KPN-P2026-00004-R1</bdi> and {B}PERF-1-1-M6-1</bdi>."),
    ("Owner <Ali> & IR-DRG-2025-000123", f"Owner &lt;Ali&gt; &amp; {B}IR-DRG-2025-000123</bdi>"),  # escaped once
    ("Paid on 2025-06-01, batch #12.", "Paid on 2025-06-01, batch #12."),  # a date is no identifier
    ("Record uuid:0b7c1e2a-1111-2222-3333-444455556666 applied.",  # free to wrap: too long to keep on one line
     "Record uuid:0b7c1e2a-1111-2222-3333-444455556666 applied."),
    ("See /claims/IR-DRG-2025-000123 or photo-1.jpg.", "See /claims/IR-DRG-2025-000123 or photo-1.jpg."),
])
def test_a_reference_in_a_composed_message_is_kept_whole(message, shown):
    assert str(identifiers_whole(message)) == shown


@pytest.mark.parametrize(("text", "expected"), [
    ("Animals outside the corral.", "ltr"), ("دام‌ها بیرون آغل بودند.", "rtl"), ("12 sheep", "ltr"),
    ("۱۲ گوسفند", "rtl"), ("123 -", ""), ("", ""), (None, ""), ("ცხვარი", "ltr"), ("כבש", "rtl"),
])
def test_free_text_direction_follows_its_first_letter(text, expected):
    assert dir_of(text) == expected


def test_a_latin_clock_stays_in_order_inside_a_right_to_left_line():
    moment = datetime(2026, 5, 3, 9, 5, tzinfo=UTC)
    assert format_datetime(moment, "ur", tz="Asia/Karachi") == "3 مئی، 2026 \u20662:05 PM\u2069"


@pytest.mark.parametrize("locale", LOCALES)
def test_a_pages_formatter_writes_what_the_filters_write(locale):
    """PageFormat (a list page's rows) looks the locale up once but must show exactly what format_date and
    format_number show, including the dates a calendar cannot convert."""
    shown = PageFormat(locale)
    days = [MAY_3, date(2025, 3, 20), date(2025, 3, 21), date(2024, 12, 31), date(1, 1, 1), date(9999, 12, 31)]
    for day in [*days, *days]:  # the second time from its memory
        assert shown.date(day) == format_date(day, locale)
    for n in (0, 7, 1234, 1_000_000, 7):
        assert shown.number(n) == format_number(n, locale)
    assert shown.date(None) == "" and shown.number(None) == ""


def test_the_kept_page_formatter_is_one_per_language_and_forgets_past_its_bound(monkeypatch):
    """The list's rows use one PageFormat per language for the whole process: a Persian page never gets English
    dates from it, and it keeps at most KEPT_VALUES values of each kind."""
    assert PageFormat.kept("fa") is PageFormat.kept("fa") is not PageFormat.kept("en")
    assert PageFormat.kept("fa").date(MAY_3) == format_date(MAY_3, "fa") != PageFormat.kept("en").date(MAY_3)
    monkeypatch.setattr(PageFormat, "KEPT_VALUES", 3)
    shown = PageFormat("en")
    for n in range(10):
        assert shown.number(n) == format_number(n, "en") and len(shown._numbers) <= 3
        assert shown.date(date(2026, 1, n + 1)) == format_date(date(2026, 1, n + 1), "en") and len(shown._dates) <= 3
    assert shown.number(None) == "" and shown.date(None) == ""


@pytest.mark.parametrize(("locale", "value", "expected"), [
    ("en", 30, "30%"), ("en", Decimal("12.5"), "12.5%"), ("de", 30, "30\u00a0%"), ("tr", 30, "%30"),
    ("fa", 30, "۳۰٪"), ("fa", Decimal("12.5"), "۱۲٫۵٪"), ("ckb", 30, "٣٠٪"), ("ur", 30, "30٪"), ("en", None, ""),
])
def test_percentages_are_written_as_the_locale_writes_them(locale, value, expected):
    assert format_percent(value, locale) == expected  # a Persian reader sees ۳۰٪, never a detached "۳۰ %"


def test_a_constant_in_a_template_is_written_for_each_reader_not_for_the_first(app):
    """Jinja folds a filter on a constant at compile time unless the filter needs the context: a template compiled
    while a Persian page was shown must still write 0 for an English reader (the reconciliations page showed ۰)."""
    from flask_babel import force_locale

    with app.test_request_context("/"), force_locale("fa"):
        template = app.jinja_env.from_string("{{ 0|number }} {{ 30|percent }} {{ '14:30'|digits }}")
        assert template.render() == "۰ ۳۰٪ ۱۴:۳۰"
    with app.test_request_context("/"), force_locale("en"):
        assert template.render() == "0 30% 14:30"


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", "37.40807, 59.10795"),
    ("ckb", "٣٧٫٤٠٨٠٧، ٥٩٫١٠٧٩٥"),
    ("ps", "۳۷٫۴۰۸۰۷، ۵۹٫۱۰۷۹۵"),  # its digits' own decimal mark, not a comma
    ("ur", "37.40807, 59.10795"),
    # A decimal comma: "37,40807, 59,10795" could be read as four numbers; a semicolon parts the two.
    ("tg", "37,40807; 59,10795"),
    ("ru", "37,40807; 59,10795"),
    ("hy", "37,40807; 59,10795"),
])
def test_latitude_and_longitude_are_told_apart_where_the_decimal_mark_is_a_comma(locale, expected):
    assert format_coordinates(Decimal("37.40807"), Decimal("59.10795"), locale) == expected
