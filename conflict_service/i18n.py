"""Languages, calendars, digits and money formatting (DESIGN §7).

Locale choice for pages: the signed-in user's preference, ``?lang=``, the language picked with the switcher
(kept in the session for visitors who are not signed in), the browser's Accept-Language, then the programme's
language where a page declares one (:func:`set_context_language`), then English.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, get_locale, refresh
from markupsafe import Markup
from persiantools.jdatetime import JalaliDate

LOCALES = ("en", "fa", "fa_AF", "ps", "ar", "ckb", "ur", "hy", "ka", "az", "tr", "ru", "kk", "tk", "uz", "tg")
RTL_LOCALES = frozenset({"fa", "fa_AF", "ps", "ar", "ckb", "ur"})
SOLAR_HIJRI_LOCALES = frozenset({"fa", "fa_AF", "ps"})

# The Plural-Forms header of each catalog, from the CLDR cardinal rules restricted to whole numbers
# (translations/glossary.md explains each choice; Babel's `pybabel init` defaults are wrong for fa, ar, hy, ka, tr).
PLURAL_FORMS = {
    "en": "nplurals=2; plural=(n != 1);",
    "fa": "nplurals=2; plural=(n > 1);",
    "fa_AF": "nplurals=2; plural=(n > 1);",
    "ps": "nplurals=2; plural=(n != 1);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
    "ckb": "nplurals=2; plural=(n != 1);",
    "ur": "nplurals=2; plural=(n != 1);",
    "hy": "nplurals=2; plural=(n > 1);",
    "ka": "nplurals=2; plural=(n != 1);",
    "az": "nplurals=2; plural=(n != 1);",
    "tr": "nplurals=2; plural=(n != 1);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : 2);",
    "kk": "nplurals=2; plural=(n != 1);",
    "tk": "nplurals=2; plural=(n != 1);",
    "uz": "nplurals=2; plural=(n != 1);",
    "tg": "nplurals=2; plural=(n != 1);",
}

# Where the service's locale means one country's usage, format with that country's CLDR data:
# our "ar" is Iraqi Arabic, whose default digits are Arabic-Indic (CLDR's bare "ar" now defaults to Latin).
CLDR_LOCALE = {"ar": "ar_IQ"}

# Names shown in the language switcher where CLDR's own name is not what speakers call the language.
NATIVE_NAMES = {"fa_AF": "دری"}

# Other spellings browsers and people use for our locales (ISO 639-3 Dari and Pashto codes).
ALIASES = {"prs": "fa_AF", "pbt": "ps", "pbu": "ps", "pst": "ps", "fa_ir": "fa"}

# The digits of CLDR's numbering systems used by our locales; Babel formats with ASCII digits only.
DIGITS = {"latn": "0123456789", "arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}

# Month names of the Solar Hijri calendar: Iranian Persian, Dari (Afghanistan, zodiac names) and Pashto.
SOLAR_MONTHS = {
    "fa": ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"),
    "fa_AF": ("حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله", "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت"),
    "ps": ("وری", "غویی", "غبرګولی", "چنګاښ", "زمری", "وږی", "تله", "لړم", "لیندۍ", "مرغومی", "سلواغه", "کب"),
}

babel = Babel()


def normalise(code: str | None) -> str | None:
    """Map 'fa-AF', 'fa_af', 'FA', 'prs' to the supported locale code, or None."""
    if not code:
        return None
    code = code.replace("-", "_").strip()
    lowered = {loc.lower(): loc for loc in LOCALES}
    key = ALIASES.get(code.lower(), code).lower()
    if key in lowered:
        return lowered[key]
    base = key.split("_")[0]
    return lowered.get(ALIASES.get(base, base).lower())


def select_locale() -> str:
    if not has_request_context():
        return "en"
    user = g.get("user")
    for candidate in (getattr(user, "preferred_language", None), request.args.get("lang"), session.get("lang")):
        if found := normalise(candidate):
            return found
    if g.get("context_language_first") and (found := normalise(g.get("context_language"))):
        return found  # e.g. the public status page speaks the owner's language before the browser's
    offered = [loc.replace("_", "-") for loc in LOCALES]
    if (best := request.accept_languages.best_match(offered)) and (found := normalise(best)):
        return found
    return normalise(g.get("context_language")) or "en"


def set_context_language(code: str | None) -> None:
    """Declare the language of the programme a page belongs to: used when nothing else chooses one."""
    g.context_language = code
    refresh()


def current_locale() -> str:
    return str(get_locale() or "en")


def is_rtl(locale: str | None = None) -> bool:
    return (locale or current_locale()) in RTL_LOCALES


def text_direction(locale: str | None = None) -> str:
    return "rtl" if is_rtl(locale) else "ltr"


def dir_of(text: str | None) -> str:
    """The direction of free text by its first strong letter ("rtl", "ltr", or "" when it has none), for
    printed documents: WeasyPrint has no dir="auto", and English typed into a Persian form must not end with
    its full stop on the wrong side."""
    for ch in text or "":
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return ""


def html_lang(locale: str | None = None) -> str:
    """The BCP 47 tag for a lang attribute ('fa_AF' → 'fa-AF')."""
    return (locale or current_locale()).replace("_", "-")


def isolate_ltr(value) -> Markup:
    """Keep a code, number or address left-to-right inside right-to-left text (Unicode isolates work in PDFs too)."""
    return Markup("\u2066{}\u2069").format("" if value is None else value)


def isolate(value) -> Markup:
    """Set user text apart in its own direction (first strong letter), so that English inside a Persian line,
    or Persian inside an English one, keeps its punctuation in place."""
    return Markup("\u2068{}\u2069").format("" if value is None else value)


def language_name(code: str) -> str:
    """The language's name in itself, capitalised for a menu (Georgian has no capitals in running text)."""
    name = NATIVE_NAMES.get(code) or Locale.parse(code).display_name
    return name if code == "ka" else name[:1].upper() + name[1:]


def language_title(code: str) -> str:
    """The language's name in the reader's language, for running text ("Persian" on an English page): a reader
    may not read the language's own script, and a page need not fetch that script's font for one word."""
    reader = Locale.parse(cldr_locale(current_locale()))
    return reader.languages.get(code) or Locale.parse(code).get_display_name(reader)


def language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in LOCALES]


def cldr_locale(locale: str) -> str:
    return CLDR_LOCALE.get(locale, locale)


def native_digits(text: str, locale: str | None = None) -> str:
    """Write ASCII digits in the locale's default digits (CLDR's default numbering system)."""
    system = Locale.parse(cldr_locale(locale or current_locale())).default_numbering_system
    digits = DIGITS.get(system, DIGITS["latn"])
    if digits == DIGITS["latn"]:
        return text
    return text.translate(str.maketrans(DIGITS["latn"], digits))


def solar_hijri(d: date, locale: str) -> str:
    jd = JalaliDate(d)
    months = SOLAR_MONTHS.get(locale, SOLAR_MONTHS["fa"])
    return native_digits(f"{jd.day} {months[jd.month - 1]} {jd.year}", locale)


def gregorian(d: date, locale: str, fmt: str = "medium") -> str:
    return native_digits(babel_dates.format_date(d, format=fmt, locale=cldr_locale(locale)), locale)


def format_date(value: date | datetime | None, locale: str | None = None, *, tz: str | None = None,
                with_gregorian: bool = False) -> str:
    """A date for people: Solar Hijri for fa, fa_AF and ps (optionally with the Gregorian beside it)."""
    if value is None:
        return ""
    locale = locale or current_locale()
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(tz)).date() if tz else value.date()
    if locale in SOLAR_HIJRI_LOCALES:
        shown = solar_hijri(value, locale)
        return f"{shown} ({gregorian(value, locale)})" if with_gregorian else shown
    return gregorian(value, locale)


def format_time(value: datetime | time, locale: str | None = None) -> str:
    locale = locale or current_locale()
    clock = native_digits(babel_dates.format_time(value, format="short", locale=cldr_locale(locale)), locale)
    if is_rtl(locale) and dir_of(clock) == "ltr":  # Urdu's "3:02 AM" would read "AM 3:02" in a right-to-left line
        return f"\u2066{clock}\u2069"
    return clock


def format_datetime(value: datetime | None, locale: str | None = None, *, tz: str = "UTC",
                    with_gregorian: bool = False) -> str:
    if value is None:
        return ""
    locale = locale or current_locale()
    local = value.astimezone(ZoneInfo(tz))
    return f"{format_date(local.date(), locale, with_gregorian=with_gregorian)} {format_time(local, locale)}"


def format_number(value, locale: str | None = None) -> str:
    if value is None:
        return ""
    locale = locale or current_locale()
    text = babel_numbers.format_decimal(value, locale=cldr_locale(locale), numbering_system="default")
    return native_digits(text, locale)


def currency_precision(currency: str) -> int:
    return babel_numbers.get_currency_precision(currency)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round once, half up, to the currency's minor unit (CLDR precision)."""
    quantum = Decimal(1).scaleb(-currency_precision(currency))
    return Decimal(amount).quantize(quantum, rounding=ROUND_HALF_UP)


def format_money(amount, currency: str, locale: str | None = None, *, exact: bool = False) -> str:
    """An amount with its currency as the locale writes it, with the currency's own number of decimals.

    ``exact`` keeps every digit (intermediate steps of an assessment, which are rounded only at the end).
    """
    if amount is None:
        return ""
    locale = locale or current_locale()
    text = babel_numbers.format_currency(Decimal(amount), currency, locale=cldr_locale(locale),
                                         numbering_system="default", currency_digits=True,
                                         decimal_quantization=not exact)
    symbol = babel_numbers.get_currency_symbol(currency, locale=cldr_locale(locale))
    return native_digits(_currency_spacing(text, symbol), locale)


def _currency_spacing(text: str, symbol: str) -> str:
    """CLDR's currency spacing, which Babel leaves out: "IRR 1,000" rather than "IRR1,000" (but "$1,000")."""
    at = text.find(symbol)
    if at < 0 or not symbol:
        return text
    end = at + len(symbol)
    if end < len(text) and text[end].isdigit() and _is_letter_like(symbol[-1]):
        return f"{text[:end]}\u00a0{text[end:]}"
    if at > 0 and text[at - 1].isdigit() and _is_letter_like(symbol[0]):
        return f"{text[:at]}\u00a0{text[at:]}"
    return text


def _is_letter_like(ch: str) -> bool:
    return unicodedata.category(ch)[0] not in "SZ"


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(translations_dir()))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(
        date=format_date, datetime=format_datetime, number=format_number, money=format_money, digits=native_digits,
        ltr=isolate_ltr, isolate=isolate,
    )
    app.jinja_env.globals.update(is_rtl=is_rtl, current_locale=current_locale, language_choices=language_choices,
                                 language_name=language_name, language_title=language_title,
                                 text_direction=text_direction, html_lang=html_lang,
                                 dir_of=dir_of)
    app.jinja_env.policies["ext.i18n.trimmed"] = True


def translations_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "translations"
