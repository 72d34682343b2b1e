"""Reading what people type (DESIGN §14): any digits, the Arabic separators, Solar Hijri dates with Iranian, Dari
or Pashto month names; and formatters that cannot fail a page, whatever date is stored."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from persiantools.jdatetime import JalaliDate

from conflict_service.i18n import (
    SOLAR_MONTHS,
    InputError,
    date_echo,
    date_input_value,
    format_date,
    format_datetime,
    format_money,
    format_time,
    format_when,
    native_digits,
    parse_date,
    parse_time,
    plain_digits,
    plain_number,
)

DEC_5 = date(2026, 12, 5)  # 14 Azar (Qaws) 1405


@pytest.mark.parametrize("typed", [
    "۱۴۰۵/۰۹/۱۴", "1405-09-14", "1405/9/14", "۱۴۰۵-۹-۱۴", "۱۴۰۵٫۰۹٫۱۴", "١٤٠٥/٠٩/١٤", "14/09/1405",
    "۱۴ آذر ۱۴۰۵", "۱۴ قوس ۱۴۰۵", "قوس ۱۴، ۱۴۰۵", "۱۴۰۵ قوس ۱۴", "14 ليندۍ 1405", "۱۴ لیندی ۱۴۰۵",
    "2026-12-05", "۲۰۲۶-۱۲-۰۵", "2026/12/5", " 1405/09/14 ",
])
def test_a_typed_date_in_any_calendar_digits_and_month_name(typed):
    assert parse_date(typed) == DEC_5


@pytest.mark.parametrize(("typed", "expected"), [
    ("1403/12/30", date(2025, 3, 20)),  # 1403 is a leap year: Esfand has 30 days
    ("۱ فروردین ۱۴۰۵", date(2026, 3, 21)), ("۱ حمل ۱۴۰۵", date(2026, 3, 21)), ("۱ وری ۱۴۰۵", date(2026, 3, 21)),
    ("۱۵ امرداد ۱۴۰۵", date(2026, 8, 6)), ("15 مرداد 1405", date(2026, 8, 6)),
])
def test_month_lengths_and_spellings(typed, expected):
    assert parse_date(typed) == expected


@pytest.mark.parametrize(("typed", "says"), [
    ("1404/12/30", "no such day"), ("1405/13/01", "no such day"), ("2026-02-30", "no such day"),
    ("۱۴ فوس ۱۴۰۵", "is not a month name"), ("yesterday", "year"), ("14.30", "year"), ("", "year"),
])
def test_what_is_not_a_date_says_why(typed, says):
    with pytest.raises(InputError, match=says):
        parse_date(typed)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
       st.sampled_from(["fa", "fa_AF", "ps"]), st.sampled_from(["{y}/{m}/{d}", "{y}-{m}-{d}", "{d} {name} {y}"]))
def test_any_date_typed_in_solar_hijri_with_native_digits_reads_back_equal(day, locale, pattern):
    jd = JalaliDate(day)
    typed = pattern.format(y=jd.year, m=f"{jd.month:02d}", d=jd.day, name=SOLAR_MONTHS[locale][jd.month - 1])
    assert parse_date(native_digits(typed, locale)) == day
    assert parse_date(date_input_value(day, locale)) == day  # what a date field shows reads back too


@pytest.mark.parametrize(("typed", "expected"), [
    ("۱۴:۳۰", time(14, 30)), ("14.30", time(14, 30)), ("۹", time(9)), ("٠٨:٠٥", time(8, 5)),
    ("۲۳:۵۹:۰۱", time(23, 59, 1)),
])
def test_a_typed_time(typed, expected):
    assert parse_time(typed) == expected


@pytest.mark.parametrize("typed", ["24:00", "12:60", "noon", "1:2:3:4"])
def test_what_is_not_a_time(typed):
    with pytest.raises(InputError, match="hours:minutes"):
        parse_time(typed)


@pytest.mark.parametrize(("typed", "expected"), [
    ("۵۳۲۹۵۷", "532957"), ("٥٣٢٩٥٧", "532957"), ("\u200f۰۹۱۵۱۲۳۴۵۶۷\u200e", "09151234567"), ("−۳", "-3"),
])
def test_digits_of_any_script_are_stored_as_ascii(typed, expected):
    assert plain_digits(typed) == expected


@pytest.mark.parametrize(("typed", "expected"), [
    ("۳۷٫۴۴", "37.44"), ("٣٧٫٤٤", "37.44"), ("۹۴٬۵۰۰٬۰۰۰", "94500000"), ("94,500,000", "94500000"),
    ("12 500.5", "12500.5"), ("1,5", "1,5"), ("1,23", "1,23"), ("1.234,5", "1.234,5"),
])
def test_numbers_with_arabic_separators_and_grouped_thousands(typed, expected):
    """A decimal comma is left alone (and then refused as a number), never misread as thousands."""
    assert plain_number(typed) == expected


@pytest.mark.parametrize("locale", ["fa", "fa_AF", "ps", "ar", "en", "ur", "ru"])
@pytest.mark.parametrize("moment", [datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, 30, tzinfo=UTC)])
def test_formatters_never_fail_on_a_stored_extreme_date(locale, moment):
    """Year 1 and 9999 are outside the Solar Hijri conversion (and 9999-12-31 23:30 UTC overflows in Tehran):
    the page shows the ISO form instead of answering 500."""
    for text in (format_date(moment.date(), locale), format_date(moment, locale, tz="Asia/Tehran"),
                 format_datetime(moment, locale, tz="Asia/Tehran", with_gregorian=True, with_zone=True),
                 format_when(None, moment.date(), locale, tz="Asia/Kabul"), format_time(moment, locale)):
        assert text
    assert format_date(date(9999, 12, 31), "fa") == "9999-12-31"
    assert date_input_value(date(1, 1, 1), "fa") == "0001-01-01" and date_echo(date(1, 1, 1), "fa")


def test_an_unknown_time_is_said_to_be_unknown():
    assert format_when(None, DEC_5, "en") == "Dec 5, 2026, time not known"
    assert format_when(datetime(2026, 12, 5, 17, 16, tzinfo=UTC), DEC_5, "en", tz="Asia/Tehran") == \
        "Dec 5, 2026 8:46\u202fPM"


def test_times_name_their_zone():
    moment = datetime(2026, 5, 1, 17, 16, tzinfo=UTC)
    assert format_datetime(moment, "en", tz="Asia/Tehran", with_zone=True) == \
        "May 1, 2026 8:46\u202fPM (Tehran, GMT+03:30)"


def test_date_fields_show_solar_hijri_in_native_digits_and_echo_the_gregorian():
    assert date_input_value("2026-12-05", "fa") == "۱۴۰۵/۰۹/۱۴"
    assert date_input_value(DEC_5, "en") == "2026-12-05"
    assert date_input_value("۱۴ قوس ۱۴۰۵", "fa_AF") == "۱۴ قوس ۱۴۰۵"  # as typed
    assert date_echo("۱۴۰۵/۰۹/۱۴", "fa") == "شنبه ۵ دسامبر ۲۰۲۶"
    assert date_echo("۱۴ قوس ۱۴۰۵", "fa_AF") == "شنبه ۵ دسمبر ۲۰۲۶"
    assert date_echo("۱۴ قوس ۱۴۰۵", "ps") == "اونۍ ۵، دسمبر، ۲۰۲۶"  # CLDR's Latin commas, in Pashto's own
    assert date_echo("nonsense", "fa") == "" and date_echo("2026-12-05", "en") == ""


@pytest.mark.parametrize(("locale", "expected"), [
    ("fa", "۹۴٬۵۰۰٬۰۰۰\u00a0ریال"), ("fa_AF", "۹۴٬۵۰۰٬۰۰۰\u00a0ریال"), ("en", "IRR\u00a094,500,000"),
    ("ru", "94\u00a0500\u00a0000\u00a0риал"),  # CLDR gives Russian only the code: the unit in Russian
])
def test_persian_writes_the_amount_before_the_rial(locale, expected):
    assert format_money(94500000, "IRR", locale, toman=False) == expected


def test_rials_in_toman_beside_them_when_asked(ctx):
    assert format_money(94500005, "IRR", "en", toman=True) == "IRR\u00a094,500,005 (9,450,000.5 toman)"
    assert format_money(100, "AMD", "en", toman=True) == "AMD\u00a0100.00"  # only rials have tomans
    assert format_money(94500000, "IRR", "en") == "IRR\u00a094,500,000"  # off unless the page's programme says so
