"""Languages, calendars, digits and money: formatting for readers, and reading what people type (DESIGN §7, §14).

Locale choice for pages: the signed-in user's preference, ``?lang=``, the language picked with the switcher
(kept in the session for visitors who are not signed in), the browser's Accept-Language, then the programme's
language where a page declares one (:func:`set_context_language`), then English.
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers
from babel import units as babel_units
from babel.core import get_global, parse_locale
from flask import Flask, g, has_app_context, has_request_context, request, session
from flask_babel import Babel, force_locale, get_locale, get_translations, gettext, ngettext, refresh
from flask_babel import lazy_pgettext as LP_
from jinja2 import pass_context
from markupsafe import Markup
from persiantools.jdatetime import JalaliDate

from conflict_service import textsearch
from conflict_service.timeutil import utcnow

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

# CLDR (47, as Babel 2.19 ships it) gives Persian the standard currency pattern "\u200e¤\u00a0#,##0.00", currency first
# ("ریال ۹۴٬۵۰۰٬۰۰۰"), inherited by fa_AF; its own accounting pattern and its unit pattern "{0} {1}" put the amount
# first, as Iranians and Afghans write it ("۹۴٬۵۰۰٬۰۰۰ ریال"). Other locales keep CLDR's standard pattern.
# Amounts as Persian, Dari and Pashto write them: the number, then the sign («۶٬۵۰۰ ؋», as Afghan prices and bank
# notices read); CLDR puts the sign first in Pashto, so a Pashto owner's SMS read «؋ ۶٬۵۰۰» beside Dari's «۶٬۵۰۰ ؋».
CURRENCY_PATTERNS = {"fa": "#,##0.00\u00a0¤", "fa_AF": "#,##0.00\u00a0¤", "ps": "#,##0.00\u00a0¤"}

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


def translations():
    """The catalog of the reader's language, looked up once per request (and again if the language changes in it):
    Flask-Babel's own lookup works out the locale's name on every call, and a page translates some fifty texts."""
    if not has_app_context():
        return get_translations()
    locale = get_locale()
    kept = g.get("_translations")
    if kept is None or kept[0] is not locale:
        kept = g._translations = (locale, get_translations())
    return kept[1]


_CHOICES: dict[tuple, tuple[tuple[str, str], ...]] = {}


def choices_shown(titled_enum) -> tuple[tuple[str, str], ...]:
    """``titled_enum.choices()`` (value, title) in the reader's language, worked out once per catalog in this process
    (a catalog reloaded after a translation review is another catalog, so its titles are worked out anew)."""
    if not has_request_context():
        return tuple(titled_enum.choices())
    key = (titled_enum, translations())
    try:
        return _CHOICES[key]
    except KeyError:
        found = _CHOICES[key] = tuple(titled_enum.choices())
        return found


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


def phone_number(value) -> Markup:
    """A phone number or account as typed (+98 915 696 1950), in the reader's digits and kept left-to-right as a
    whole inside right-to-left text (DESIGN §14): ``<bdi dir="ltr">+۹۸ ۹۱۵ ۶۹۶ ۱۹۵۰</bdi>``."""
    if value is None or value == "":
        return Markup("—")
    value = str(value)
    if PHONE_LIKE.fullmatch(value):  # an e-mail address or an account number stays as it is written
        value = groups_in_order(native_digits(value))
    elif IBAN.fullmatch(value):  # but an IBAN typed whole is read and dictated in fours (ISO 13616's print form)
        value = " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    return Markup('<bdi dir="ltr">{}</bdi>').format(value)


def identifiers_whole(text) -> Markup:
    """A message composed in Python (a flash) escaped once, with each reference in it (a claim's "IR-DRG-2025-000123",
    a payment's "IR-DRG-2025-000123-F1", a policy's "AM-KPN-P2026-00004") marked as no language and kept whole, as the
    history lines mark theirs: broken at "IR-DRG-2025-" in a right-to-left line its halves swap sides. Markup's own
    tags and attributes are left as they are."""
    parts = _TAG.split(Markup.escape("" if text is None else text))
    return Markup("".join(part if n % 2 else _REFERENCE.sub(_kept_whole, part)  # noqa: S704 - escaped above
                          for n, part in enumerate(parts)))


def _kept_whole(match: re.Match) -> str:
    reference = match.group(0)  # only [A-Za-z0-9-]: nothing HTML would read
    return f'<bdi lang="zxx" dir="ltr">{reference}</bdi>' if len(reference) <= 40 else reference


_TAG = re.compile(r"(<[^>]*>)")
# Letters and digits in two or more hyphen-joined parts, with a digit and a letter somewhere (so no ISO date), not part
# of a longer word, path or address; at most 40 characters (a longer one must stay free to wrap on a phone).
_REFERENCE = re.compile(r"(?<![\w.:/&#-])(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])"
                        r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+(?![\w:/-]|\.\w)")


PHONE_LIKE = re.compile(r"[\d\s+()./•*-]+")
IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")  # an International Bank Account Number as stored, no spaces
# Arabic-Indic digits (Iraqi Arabic, Sorani) are "Arabic numbers" to the Unicode bidi algorithm: a space or a hyphen
# between two groups takes the right-to-left side even inside a left-to-right isolate, and +٩٨ ٩١٥ ٣٢٨ ٧٨٩١ shows as
# +٧٨٩١ ٣٢٨ ٩١٥ ٩٨. A left-to-right mark before each group keeps the groups in the order typed (pages and PDFs alike;
# Persian digits are "European numbers" and need none).
ARABIC_INDIC_GROUP = re.compile(r"(?<=[^\u0660-\u0669])(?=[\u0660-\u0669])")


def groups_in_order(text: str) -> str:
    """A number written left to right in groups (a phone number, an account) shown in the order typed."""
    return ARABIC_INDIC_GROUP.sub("\u200e", text)


# Where a place or programme has no name in the reader's language, the closest one people read (Dari and Iranian
# Persian write place names alike; Sorani readers in Iraq read Arabic names; Tajik and Kazakh readers read Russian
# where a name is not in their own language, rather than the Persian script of an Iranian programme's official name).
NAME_FALLBACKS = {"fa_AF": ("fa",), "fa": ("fa_AF",), "tg": ("ru",), "kk": ("ru",), "ckb": ("ar",)}


def local_name(official: str, names: dict | None, locale: str | None = None,
               official_language: str | None = None) -> str:
    """A programme's, scheme's or jurisdiction's name in the reader's language, else its official name (DESIGN §14).

    The official name is in ``official_language`` (a programme's, where known): it is the reader's name when that is
    the reader's language or the next one they read, before any further fallback (a Tajik programme's Tajik name,
    not its Russian one, for a Tajik reader)."""
    names = names or {}
    locale = locale or current_locale()
    for code in (locale, *NAME_FALLBACKS.get(locale, ())):
        if names.get(code):
            return names[code]
        if code == official_language:
            return official
    return official


class NamedInLanguages:
    """Mixin of a model with an official ``name`` and its ``names`` per language ({"en": "...", "hy": "..."}); a model
    whose official name's language is known gives it as ``name_language``."""

    name_language = None  # the language of the official name, where known

    @property
    def local_name(self) -> str:
        return local_name(self.name, getattr(self, "names", None), official_language=self.name_language)

    def name_in(self, locale: str) -> str:
        return local_name(self.name, getattr(self, "names", None), locale, self.name_language)


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
    """Every language the service speaks, each named in itself (the switcher on every page, where readers look for
    their own language): the same list for every reader, built once. A language chosen for someone else:
    ``language_titles``."""
    return list(_language_choices())


@functools.cache
def _language_choices() -> tuple[tuple[str, str], ...]:
    return tuple((code, language_name(code)) for code in LOCALES)


def language_titles() -> list[tuple[str, str]]:
    """Each language named in the reader's language: for choosing a language for someone else or something (an
    owner's messages and documents, a user's pages, a bulletin, a programme), where the reader must read the
    choice — a Persian clerk reads «ترکمنی», not «Türkmen dili» (DESIGN §14)."""
    return [(code, language_title(code)) for code in LOCALES]


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
    text = babel_dates.format_date(d, format=fmt, locale=cldr_locale(locale))
    if is_rtl(locale) and locale != "ur":  # CLDR's Pashto and Sorani patterns keep the Latin comma ("۶, دسمبر, ۲۰۲۶")
        text = text.replace(", ", "، ")
    return native_digits(text, locale)


def format_date(value: date | datetime | None, locale: str | None = None, *, tz: str | None = None,
                with_gregorian: bool = False) -> str:
    """A date for people: Solar Hijri for fa, fa_AF and ps (optionally with the Gregorian beside it).

    Never fails: a stored date that a calendar cannot convert (year 1, year 9999) is shown in ISO form.
    """
    if value is None:
        return ""
    locale = locale or current_locale()
    try:
        if isinstance(value, datetime):
            value = value.astimezone(ZoneInfo(tz)).date() if tz else value.date()
        if locale in SOLAR_HIJRI_LOCALES:
            shown = solar_hijri(value, locale)
            return f"{shown} ({gregorian(value, locale)})" if with_gregorian else shown
        return gregorian(value, locale)
    except (ValueError, OverflowError):
        return _iso(value)


def format_time(value: datetime | time, locale: str | None = None) -> str:
    locale = locale or current_locale()
    try:
        clock = native_digits(babel_dates.format_time(value, format="short", locale=cldr_locale(locale)), locale)
    except (ValueError, OverflowError):
        return _iso(value)
    if is_rtl(locale) and dir_of(clock) == "ltr":  # Urdu's "3:02 AM" would read "AM 3:02" in a right-to-left line
        return f"\u2066{clock}\u2069"
    return clock


def format_datetime(value: datetime | None, locale: str | None = None, *, tz: str = "UTC",
                    with_gregorian: bool = False, with_zone: bool = False) -> str:
    """A moment on the wall clock of ``tz``; ``with_zone`` names the zone ("Tehran, GMT+03:30")."""
    if value is None:
        return ""
    locale = locale or current_locale()
    try:
        local = value.astimezone(ZoneInfo(tz))
    except (ValueError, OverflowError):
        return _iso(value)
    shown = f"{format_date(local.date(), locale, with_gregorian=with_gregorian)} {format_time(local, locale)}"
    return f"{shown} ({zone_name(local, locale)})" if with_zone else shown


def format_when(moment: datetime | None, day: date | None = None, locale: str | None = None, *, tz: str = "UTC",
                with_gregorian: bool = False) -> str:
    """When something happened: its date and time, or its ``day`` alone with "time not known" — never a made-up
    midnight."""
    if moment is not None:
        return format_datetime(moment, locale, tz=tz, with_gregorian=with_gregorian)
    if day is None:
        return ""
    return gettext("{date}, time not known").format(date=format_date(day, locale, with_gregorian=with_gregorian))


# Words CLDR leaves in Latin letters in right-to-left locales: "GMT" in Pashto and Urdu, city names in Sorani.
GMT_WORD = {"ps": "ګرینویچ", "ur": "گرینچ"}
CITY_FALLBACK = {"ckb": "ar"}


def zone_name(moment: datetime, locale: str | None = None) -> str:
    """The zone of a local moment as CLDR names it: its exemplar city and its offset from GMT."""
    locale = locale or current_locale()
    zone = moment.tzinfo
    key = getattr(zone, "key", "UTC")
    offset = babel_dates.get_timezone_gmt(moment, width="long", locale=cldr_locale(locale))
    offset = offset.replace("GMT", GMT_WORD.get(locale, "GMT"))  # CLDR leaves "GMT" in Latin letters for ps and ur
    if is_rtl(locale):  # "+03:30" keeps its sign on the left in a right-to-left line
        offset = re.sub(r"[+\-\u2212]?\d+(?::\d+)?", lambda m: f"\u2066{m[0]}\u2069", offset)
    if key in ("UTC", "Etc/UTC"):
        return native_digits(offset, locale)
    city = babel_dates.get_timezone_location(zone, locale=cldr_locale(locale), return_city=True)
    if is_rtl(locale) and dir_of(city) == "ltr":  # CLDR has no Sorani city names: Sorani readers read Arabic ones
        city = babel_dates.get_timezone_location(zone, locale=cldr_locale(CITY_FALLBACK.get(locale, "fa")),
                                                 return_city=True)
    # i18n: a time zone named by its city and its offset from GMT, e.g. "Tehran, GMT+03:30"
    return native_digits(gettext("{city}, {offset}").format(city=city, offset=offset), locale)


def zone_of(tz: str, locale: str | None = None) -> str:
    """An office's zone as people name it, at the present moment ("Tehran, GMT+03:30")."""
    return zone_name(utcnow().astimezone(ZoneInfo(tz)), locale)


def _iso(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def reader_calendar(locale: str | None = None) -> str:
    """The calendar the reader counts months in: ``solar_hijri`` for fa, fa_AF and ps, else ``gregorian``."""
    return "solar_hijri" if (locale or current_locale()) in SOLAR_HIJRI_LOCALES else "gregorian"


def format_month(period: str | None, calendar: str = "gregorian", locale: str | None = None) -> str:
    """A month recorded as "2026-12" (Gregorian) or "1405-09" (``calendar="solar_hijri"``) as the reader names it:
    "December 2026", "آذر ۱۴۰۵" (the Afghan month names in fa_AF and ps)."""
    if not period:
        return ""
    locale = locale or current_locale()
    try:
        year, number = int(period[:4]), int(period[5:7])
        if calendar == "solar_hijri":
            months = SOLAR_MONTHS.get(locale, SOLAR_MONTHS["fa"])
            return native_digits(f"{months[number - 1]} {year}", locale)
        text = babel_dates.format_date(date(year, number, 1), format="LLLL y", locale=cldr_locale(locale))
    except (ValueError, IndexError):
        return period
    return native_digits(text, locale)


def country_name(code: str, locale: str | None = None) -> str:
    """A country's name in the reader's language (CLDR), from its ISO 3166-1 code."""
    reader = Locale.parse(cldr_locale(locale or current_locale()))
    return reader.territories.get(code, code)


def currency_name(code: str, locale: str | None = None) -> str:
    """A currency's name in the reader's language (CLDR: «ریال ایران», «հայկական դրամ»), from its ISO 4217 code; a
    code CLDR does not know is shown as it is."""
    if not code:
        return ""
    return babel_numbers.get_currency_name(code, locale=cldr_locale(locale or current_locale()))


def format_number(value, locale: str | None = None) -> str:
    if value is None:
        return ""
    locale = locale or current_locale()
    text = babel_numbers.format_decimal(value, locale=cldr_locale(locale), numbering_system="default")
    return native_digits(text, locale)


def format_percent(value, locale: str | None = None) -> str:
    """A percentage (25 means 25 %) as the locale writes one: its percent sign (٪ in Persian), its side (%25 in
    Turkish), its spacing (25 % in German) and digits; up to four decimals kept, none added."""
    if value is None:
        return ""
    locale = locale or current_locale()
    reader = Locale.parse(cldr_locale(locale))
    pattern = reader.percent_formats[None].pattern.replace("#,##0", "#,##0.####")
    system = reader.default_numbering_system
    text = babel_numbers.format_percent(Decimal(str(value)) / 100, format=pattern, locale=reader,
                                        numbering_system=system)
    sign = reader.number_symbols.get(system, {}).get("percentSign", "%")  # Babel keeps the Latin sign for arabext
    return native_digits(text.replace("%", sign) if "%" not in sign else text, locale)


def number_signs(locale: str | None = None) -> dict[str, str]:
    """The reader's decimal and grouping signs, for a script that writes a number itself (uploads.js: "12.5 MB")
    as the server would, rather than in the browser's format (whose ICU may not know the locale at all)."""
    reader = Locale.parse(cldr_locale(locale or current_locale()))
    symbols = reader.number_symbols.get(reader.default_numbering_system, {})
    return {"decimal": symbols.get("decimal", "."), "group": symbols.get("group", ",")}


def exact_number(value, locale: str | None = None) -> str:
    """A decimal number with every digit it has (no grouping), in the reader's digits and decimal sign."""
    if value is None:
        return ""
    locale = locale or current_locale()
    text = babel_numbers.format_decimal(Decimal(str(value)), format="0.##########", locale=cldr_locale(locale),
                                        numbering_system="default")
    return native_digits(text, locale)


def editable_number(value, locale: str | None = None) -> str:
    """A stored number as a form offers it for editing: every digit it has (no grouping, no trailing zeros) in the
    reader's digits, with a decimal sign that the form reads back (:func:`plain_number`): the Arabic decimal
    separator where the reader's digits are Persian or Arabic-Indic (``۳۷٫۵۲۵``), else a point — never a decimal
    comma, which input refuses as ambiguous ("1,500"). Text (an identifier such as a national ID) keeps its
    characters; only its digits are the reader's."""
    if value is None or value == "" or isinstance(value, bool):
        return ""
    locale = locale or current_locale()
    if isinstance(value, Decimal | float):
        text = format(Decimal(str(value)).normalize(), "f")
    else:
        text = str(value)
    shown = native_digits(text, locale)
    return shown.replace(".", "\u066b") if shown != text and isinstance(value, Decimal | float) else shown


def head_counts(rows, locale: str | None = None) -> str:
    """Animals counted by species as people read them — «۹۷ × بز، ۱۱۸ × گوسفند», "97 × Коза, 118 × Овца": the count,
    a times sign and the species' name, as the loss lines write them, so that no language has to make the name agree
    with the number ("97 коза" is wrong in Russian). ``rows`` have ``species`` and ``head_count``, or are
    ``(species, count)`` pairs, or a mapping of species to counts; none reads as a dash."""
    locale = locale or current_locale()
    if isinstance(rows, dict):
        rows = sorted(rows.items())
    pairs = [row if isinstance(row, tuple) else (row.species, row.head_count) for row in rows]
    return comma(locale).join(f"{format_number(n, locale)} × {species.title}" for species, n in pairs) or "—"


def semicolon(locale: str | None = None) -> str:
    """The separator between clauses: the Arabic semicolon in right-to-left locales ("؛ "), else "; "."""
    return "؛ " if is_rtl(locale or current_locale()) else "; "


def separator(locale: str | None = None) -> str:
    """What separates the parts of a line ("due 24 June 2024 03:48 · 10 animals claimed · incident 20 June"): a
    middle dot, but the Arabic comma where the reader's digits are Persian or Arabic-Indic, whose zero («۰», «٠») is a
    dot of the same size: «۳:۴۸ · ۱۰» read as one number."""
    return "، " if native_digits("0", locale) != "0" else " · "


def comma(locale: str | None = None) -> str:
    """The separator between two facts of one thing ("adult, killed") or a latitude and a longitude: the Arabic comma
    in the right-to-left locales but Urdu (whose pages use ", " beside its Latin digits, as coordinates always did)."""
    locale = locale or current_locale()
    return "، " if is_rtl(locale) and locale != "ur" else ", "


def format_coordinates(lat, lon, locale: str | None = None) -> str:
    """A place as latitude, longitude in decimal degrees, every digit kept, in the reader's digits and separators."""
    if lat is None or lon is None:
        return ""
    locale = locale or current_locale()
    shown = [exact_number(v, locale) for v in (lat, lon)]
    # Where the decimal mark is a comma (Tajik, Russian, Armenian …) "37,4, 59,1" reads as four numbers: a semicolon
    # parts latitude from longitude, as those languages part numbers in a list.
    between = "; " if "," in exact_number(Decimal("0.5"), locale) else comma(locale)
    return between.join(shown)


# Where CLDR's list patterns keep the Latin comma in an Arabic-script locale (Sorani inherits root's "{0}, {1}").
LIST_PATTERNS = {"ckb": ("، ", " و ")}


def join_list(items, locale: str | None = None) -> str:
    """Items as the locale lists them: "A، B و C" in Persian, "A, B, and C" in English (CLDR list patterns)."""
    items = [str(item) for item in items]
    if not items:
        return ""
    locale = locale or current_locale()
    if locale in LIST_PATTERNS:
        sep, last = LIST_PATTERNS[locale]
        return items[0] if len(items) == 1 else sep.join(items[:-1]) + last + items[-1]
    return babel_lists.format_list(items, style="standard", locale=cldr_locale(locale))


class PageFormat:
    """Dates and numbers for the many rows of one page, as :func:`format_date` and :func:`format_number` write
    them: the locale, its date pattern, month names and digits are looked up once, and each distinct value is
    formatted once (a list page shows the same dates and small counts again and again). :meth:`kept` gives one per
    locale for the whole process: what it writes depends on the locale and the CLDR data of the deploy only, so the
    values formatted for one page serve the next (at most ``KEPT_VALUES`` of each kind are kept)."""

    KEPT_VALUES = 20000
    _kept: dict[str, PageFormat] = {}

    @classmethod
    def kept(cls, locale: str | None = None) -> PageFormat:
        locale = locale or current_locale()
        found = cls._kept.get(locale)
        if found is None:
            found = cls._kept[locale] = cls(locale)
        return found

    def __init__(self, locale: str | None = None):
        self.locale = locale or current_locale()
        cldr = Locale.parse(cldr_locale(self.locale))
        digits = DIGITS.get(cldr.default_numbering_system, DIGITS["latn"])
        self._digits = str.maketrans(DIGITS["latn"], digits)
        self._cldr, self._pattern = cldr, cldr.date_formats["medium"]
        self._months = SOLAR_MONTHS.get(self.locale, SOLAR_MONTHS["fa"]) if self.locale in SOLAR_HIJRI_LOCALES \
            else None
        self._dates: dict = {None: ""}
        self._numbers: dict = {None: ""}

    def date(self, value: date | None) -> str:
        try:
            return self._dates[value]
        except KeyError:
            pass
        try:
            if self._months is not None:
                jd = JalaliDate(value)
                shown = f"{jd.day} {self._months[jd.month - 1]} {jd.year}".translate(self._digits)
            else:
                shown = self._pattern.apply(value, self._cldr).translate(self._digits)
        except (ValueError, OverflowError):
            shown = format_date(value, self.locale)
        if len(self._dates) >= self.KEPT_VALUES:
            self._dates = {None: ""}
        self._dates[value] = shown
        return shown

    def number(self, value) -> str:
        try:
            return self._numbers[value]
        except KeyError:
            shown = format_number(value, self.locale)
            if len(self._numbers) >= self.KEPT_VALUES:
                self._numbers = {None: ""}
            self._numbers[value] = shown
            return shown


def currency_precision(currency: str) -> int:
    return babel_numbers.get_currency_precision(currency)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round once, half up, to the currency's minor unit (CLDR precision)."""
    quantum = Decimal(1).scaleb(-currency_precision(currency))
    return Decimal(amount).quantize(quantum, rounding=ROUND_HALF_UP)


def decimals_allowed(currency: str) -> str:
    """How many decimals an amount in ``currency`` may have, for a form's, the API's or a file's error: the currency as
    the amount field's label names it (:func:`currency_sign`), the count in the reader's digits and plural form."""
    digits, sign = currency_precision(currency), currency_sign(currency)
    if not digits:
        return gettext("%(currency)s amounts are whole numbers.", currency=sign)
    return ngettext("%(currency)s amounts have at most %(digits)s decimal place.",
                    "%(currency)s amounts have at most %(digits)s decimal places.", digits, currency=sign,
                    digits=format_number(digits))


def format_money(amount, currency: str, locale: str | None = None, *, exact: bool = False,
                 toman: bool | None = None) -> str:
    """An amount with its currency as the locale writes it, with the currency's own number of decimals.

    ``exact`` keeps every digit (intermediate steps of an assessment, which are rounded only at the end).
    ``toman`` adds an IRR amount in toman (tenths of a rial) beside it; by default the page's programme decides
    (:func:`set_context_programme`). Where the reader's script is not Latin and CLDR's symbol is the bare ISO code,
    the currency's short unit in the reader's language takes its place (:data:`CURRENCY_UNITS`).
    """
    if amount is None:
        return ""
    locale = locale or current_locale()
    symbol = babel_numbers.get_currency_symbol(currency, locale=cldr_locale(locale))
    if unit := _unit(currency, symbol, locale):
        shown = native_digits(_amount_with_unit(Decimal(amount), currency, unit, locale, exact), locale)
    else:
        text = babel_numbers.format_currency(Decimal(amount), currency, format=CURRENCY_PATTERNS.get(locale),
                                             locale=cldr_locale(locale), numbering_system="default",
                                             currency_digits=True, decimal_quantization=not exact)
        shown = native_digits(_currency_spacing(text, symbol), locale)
    if currency == "IRR" and (g.get("show_toman", False) if toman is None and has_app_context() else toman):
        with _speaking(locale):
            shown = gettext("{rials} ({tomans} toman)").format(rials=shown, tomans=format_number(
                (Decimal(amount) / 10).quantize(Decimal("0.1")).normalize(), locale))
    return shown


# The short unit of each currency of the range, written after an amount where CLDR's symbol for the currency in the
# reader's locale is its bare ISO code and the reader's script is not Latin (a Tajik reads «сомонӣ», not «TJS»).
# CLDR has only long names («ریال ایران», «таджикский сомони»), too long for a table at 390 px.
CURRENCY_UNITS = {
    "IRR": LP_("currency unit", "rial"), "AMD": LP_("currency unit", "dram"), "AZN": LP_("currency unit", "manat"),
    "TMT": LP_("currency unit", "manat"), "GEL": LP_("currency unit", "lari"), "TRY": LP_("currency unit", "lira"),
    "IQD": LP_("currency unit", "dinar"), "AFN": LP_("currency unit", "afghani"),
    "PKR": LP_("currency unit", "rupee"), "TJS": LP_("currency unit", "somoni"), "UZS": LP_("currency unit", "sum"),
    "KZT": LP_("currency unit", "tenge"), "KGS": LP_("currency unit", "som"), "USD": LP_("currency unit", "dollar"),
    "EUR": LP_("currency unit", "euro"),
}


# A file's size in kilobytes, where CLDR's short unit is in Latin letters for a reader whose script is not Latin
# (fa, fa_AF, ps, ckb, ur, tg read «kB»): the catalog's unit in the reader's script takes its place, in CLDR's pattern.
SIZE_UNIT = LP_("file size unit", "kB")
LATIN_UNIT = re.compile(r"[A-Za-z]+")


def format_size(size_bytes, locale: str | None = None) -> str:
    """A file's size in whole kilobytes as the reader writes them («۸۴۳ کیلوبایت», «843 кБ», «843 kB»)."""
    if size_bytes is None:
        return ""
    locale = locale or current_locale()
    kilobytes = round(size_bytes / 1024)
    text = babel_units.format_unit(kilobytes, "digital-kilobyte", length="short", locale=cldr_locale(locale),
                                   numbering_system="default").replace(" ", "\u00a0")  # one line, number and unit
    cldr_unit = text.replace(babel_numbers.format_decimal(kilobytes, locale=cldr_locale(locale),
                                                          numbering_system="default"), "").strip("\u00a0 ")
    if LATIN_UNIT.fullmatch(cldr_unit) and _script(locale) != "Latn":
        with _speaking(locale):
            text = text.replace(cldr_unit, str(SIZE_UNIT))
    return native_digits(text, locale)


def _unit(currency: str, symbol: str, locale: str) -> str | None:
    """The short name of ``currency`` in the reader's language where CLDR's ``symbol`` for it is its ISO code and the
    reader's script is not Latin (fa, fa_AF, ps, ar, ckb, ur, hy, ka, ru, kk, tg); None where CLDR's symbol serves
    («ریال», «֏», «₸») or the reader writes in Latin letters (en, az, tr, tk, uz keep "IRR", as CLDR and banks do)."""
    unit = CURRENCY_UNITS.get(currency)
    if unit is None or symbol != currency or _script(locale) == "Latn":
        return None
    if not has_app_context() or locale != current_locale():
        with _speaking(locale):
            return str(unit)
    key = (currency, translations())  # a catalog reloaded after a translation review is another key
    try:
        return _UNITS_SHOWN[key]
    except KeyError:
        found = _UNITS_SHOWN[key] = str(unit)
        return found


_UNITS_SHOWN: dict[tuple, str] = {}


def currency_sign(currency: str, locale: str | None = None) -> str:
    """The currency alone as amounts show it, for a label such as «Amount (ریال)»: its short unit where
    :func:`format_money` writes one, else CLDR's symbol (the code where CLDR has none: "Amount (IRR)" in English)."""
    locale = locale or current_locale()
    symbol = babel_numbers.get_currency_symbol(currency, locale=cldr_locale(locale))
    return _unit(currency, symbol, locale) or symbol


@functools.cache
def _cldr(locale: str) -> Locale:
    return Locale.parse(cldr_locale(locale))


@functools.cache
def _script(locale: str) -> str | None:
    """The script a locale is written in, from CLDR's likely subtags ("tg" → Cyrl, "uz" → Latn)."""
    language = parse_locale(locale)[0]
    likely = get_global("likely_subtags").get(language)
    return parse_locale(likely)[2] if likely else None


def _speaking(locale: str):
    """Translate in ``locale`` (a page may format an amount for an owner who reads another language)."""
    return force_locale(locale) if has_app_context() and locale != current_locale() else contextlib.nullcontext()


def _amount_with_unit(amount: Decimal, currency: str, unit: str, locale: str, exact: bool) -> str:
    """An amount and a currency's name as CLDR writes them (the locale's decimal pattern and its currency unit
    pattern, «{0} {1}»: the amount first), the name kept on the amount's line."""
    reader = _cldr(locale)
    number = reader.decimal_formats[None].apply(amount, reader, currency=currency, currency_digits=True,
                                                decimal_quantization=not exact, numbering_system="default")
    pattern = babel_numbers.get_currency_unit_pattern(currency, count=amount, locale=reader)
    return pattern.replace(" ", "\u00a0").format(number, unit)


def set_context_programme(programme) -> None:
    """Declare the programme whose amounts a page or document shows (its toman setting applies to them)."""
    g.show_toman = bool(getattr(programme, "is_toman_shown", False))


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


_TRAILING_MARKS = "\u200e\u200f\u061c"


def fill(sentence: str, **values) -> str:
    """``sentence.format(**values)``, where a value that ends in a full stop (an amount in «ر.إ.» or «руб.», CLDR's
    abbreviated currencies; a Russian date, «9 дек. 2026 г.») takes the place of the sentence's own stop after it:
    «… ر.إ. مرجع», never «ر.إ.. مرجع»."""
    return _one_stop(sentence, values, "{%s}").format(**values)


def fill_percent(sentence: str, **values) -> str:
    """:func:`fill` for a ``%(name)s`` sentence (templates' and printed documents' messages)."""
    return _one_stop(sentence, values, "%%(%s)s") % values


def _one_stop(sentence: str, values: dict, slot: str) -> str:
    for key, value in values.items():
        if str(value).rstrip(_TRAILING_MARKS).endswith("."):
            sentence = sentence.replace(f"{slot % key}.", slot % key)
    return sentence


# --- reading what people type (DESIGN §14) ---------------------------------------------------------------------

class InputError(ValueError):
    """Typed text that is not a date, time or number; the message is translated and says what to type."""


# Invisible marks that come along when a number is copied out of right-to-left text, and the minus sign.
_MARKS = {0x200E: None, 0x200F: None, 0x061C: None, 0x2212: "-"}
_GROUPED = re.compile(r"[+-]?\d{1,3}(?P<sep>[, \u00a0\u202f])\d{3}(?:(?P=sep)\d{3})*(?:\.\d+)?")


def plain_digits(text: str) -> str:
    """Every digit of any script in ASCII (Persian ۰–۹, Arabic-Indic ٠–٩…), without the direction marks that
    copying from right-to-left text adds."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text).translate(_MARKS)


def plain_number(text: str) -> str:
    """A number as typed, in ASCII: ٫ is the decimal point, ٬ a thousands separator; ',' and spaces are dropped only
    where they group thousands ("12,500"), so that a decimal comma ("1,5") is refused rather than misread."""
    text = plain_digits(text).strip().replace("\u066b", ".").replace("\u066c", "")
    if _GROUPED.fullmatch(text):
        text = re.sub(r"[, \u00a0\u202f]", "", text)
    return text


# A year below this is a Solar Hijri year (1278 is 1900; Gregorian years in use are far above).
SOLAR_YEAR_BELOW = 1700
_NUMERIC_DATE = re.compile(r"(\d{1,4})\s*[-/.\u066b]\s*(\d{1,2})\s*[-/.\u066b]\s*(\d{1,4})")
_TIME = re.compile(r"(\d{1,2})(?:\s*[:.\u066b]\s*(\d{2}))?(?:\s*[:.\u066b]\s*(\d{2}))?")
_LETTERS = str.maketrans({**textsearch.VARIANTS, "\u200c": None, "\u0640": None})  # as a search folds them
_MONTH_NUMBERS = {name.translate(_LETTERS): i + 1 for names in SOLAR_MONTHS.values() for i, name in enumerate(names)}
_MONTH_NUMBERS["امرداد"] = 5  # the older spelling of مرداد


def parse_date(text: str) -> date:
    """A date as people type it: Solar Hijri (``۱۴۰۵/۰۹/۱۴``, ``1405-9-14``, ``۱۴ قوس ۱۴۰۵``, Iranian, Dari or Pashto
    month names) or Gregorian (``2026-12-05``), in any digits. The year's size tells the calendars apart."""
    text = plain_digits(text or "").strip().translate(_LETTERS)
    if match := _NUMERIC_DATE.fullmatch(text):
        first, month, last = (int(part) for part in match.groups())
        year, day = (first, last) if len(match[1]) > 2 else (last, first)
    else:
        year, month, day = _named_month(text)
    try:
        if year < SOLAR_YEAR_BELOW:
            return JalaliDate(year, month, day).to_gregorian()
        return date(year, month, day)
    except (ValueError, OverflowError):
        raise InputError(gettext("There is no such day: check the day and the month.")) from None


def _named_month(text: str) -> tuple[int, int, int]:
    words = re.findall(r"[^\W\d_]+", text)
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if len(words) != 1 or len(numbers) != 2 or re.search(r"[^\w\s/.,،-]", text):
        raise InputError(date_format_hint())
    month = _MONTH_NUMBERS.get(words[0])
    if month is None:
        raise InputError(gettext("“{name}” is not a month name.").format(name=words[0]))
    day, year = sorted(numbers) if max(numbers) > 31 else numbers
    return year, month, day


def parse_time(text: str) -> time:
    """A wall-clock time typed as ``۱۴:۳۰``, ``14.30`` or ``9`` (24-hour clock, any digits)."""
    match = _TIME.fullmatch(plain_digits(text or "").strip())
    try:
        if match is None:
            raise ValueError
        return time(int(match[1]), int(match[2] or 0), int(match[3] or 0))
    except ValueError:
        raise InputError(gettext("Give the time on the 24-hour clock as hours:minutes, for example {example}.")
                         .format(example=native_digits("14:30"))) from None


def date_format_hint(locale: str | None = None) -> str:
    """How to type a date in this locale, with today's date as the example."""
    locale = locale or current_locale()
    if locale in SOLAR_HIJRI_LOCALES:
        return gettext("Type the date in the Solar Hijri calendar as year/month/day, for example {example}.").format(
            example=date_example(locale))
    return gettext("Give the date as year-month-day, for example {example}.").format(
        example=native_digits(utcnow().date().isoformat(), locale))


def date_example(locale: str | None = None) -> str:
    """Today, as a date field of this locale shows it."""
    return date_input_value(utcnow().date(), locale)


def date_input_value(value, locale: str | None = None) -> str:
    """What a date field shows: ``۱۴۰۵/۰۹/۱۴`` in fa, fa_AF and ps, ISO elsewhere (what the browser's date picker
    takes); text that is not a stored date stays as it was typed."""
    locale = locale or current_locale()
    if isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) or int(value[:4]) < SOLAR_YEAR_BELOW:
            return value
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, date):
        return "" if value is None else str(value)
    if locale not in SOLAR_HIJRI_LOCALES:
        return value.isoformat()
    try:
        jd = JalaliDate(value)
    except ValueError:
        return value.isoformat()
    return native_digits(f"{jd.year:04d}/{jd.month:02d}/{jd.day:02d}", locale)


def time_input_value(value, locale: str | None = None) -> str:
    """What a time field shows: the locale's digits where it is typed as text (fa, fa_AF, ps)."""
    locale = locale or current_locale()
    text = value.strftime("%H:%M") if isinstance(value, time | datetime) else (value or "")
    return native_digits(text, locale) if locale in SOLAR_HIJRI_LOCALES else plain_digits(text)


def date_echo(value, locale: str | None = None) -> str:
    """The Gregorian date beside a Solar Hijri one typed in fa, fa_AF or ps, for confirmation ("" when there is
    nothing to confirm)."""
    locale = locale or current_locale()
    if locale not in SOLAR_HIJRI_LOCALES or not value:
        return ""
    try:
        day = value if isinstance(value, date) else parse_date(str(value))
        return gregorian(day, locale, "full")
    except (ValueError, OverflowError):
        return ""


@functools.cache
def _plural_samples(locale: str) -> dict[str, int]:
    """The smallest count of each of the locale's CLDR plural categories (the integers among 0-199 reach every one)."""
    rule = Locale.parse(cldr_locale(locale)).plural_form
    samples: dict[str, int] = {}
    for n in range(200):
        samples.setdefault(rule(n), n)
    return samples


def plural_forms(message, locale: str | None = None) -> dict[str, str]:
    """``message(n)`` (an ``ngettext`` call) for one count of each of the reader's plural categories, keyed by CLDR's
    names for them, which a browser's ``Intl.PluralRules`` gives too: a script that counts something itself (the
    files chosen in a file input) writes the catalog's form for its count, in every language's own plural rules."""
    return {category: message(n) for category, n in _plural_samples(locale or current_locale()).items()}


def init_i18n(app: Flask) -> None:
    # The catalogs the instance reads; a deployment may keep them outside the code (reviewed corrections go there).
    app.config.setdefault("TRANSLATIONS_DIR", str(translations_dir()))
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", app.config["TRANSLATIONS_DIR"])
    babel.init_app(app, locale_selector=select_locale)
    by_reader = dict(date=format_date, datetime=format_datetime, when=format_when, number=format_number,
                     money=format_money, percent=format_percent, join_list=join_list, month=format_month,
                     digits=native_digits, date_input=date_input_value, time_input=time_input_value, phone=phone_number,
                     currency_name=currency_name, currency_sign=currency_sign, size=format_size,
                     head_counts=head_counts)
    app.jinja_env.filters.update({name: _read_when_shown(f) for name, f in by_reader.items()},
                                 ltr=isolate_ltr, isolate=isolate, identifiers=identifiers_whole)
    app.jinja_env.globals.update(is_rtl=is_rtl, current_locale=current_locale, language_choices=language_choices,
                                 sep=separator,
                                 reader_calendar=reader_calendar,
                                 language_name=language_name, language_title=language_title,
                                 language_titles=language_titles,
                                 text_direction=text_direction, html_lang=html_lang,
                                 dir_of=dir_of, date_echo=date_echo, date_format_hint=date_format_hint,
                                 date_example=date_example,
                                 solar_dates=lambda: current_locale() in SOLAR_HIJRI_LOCALES,
                                 native_digits=native_digits, zone_of=zone_of,  # calls: Jinja folds '14:30'|digits
                                 groups_in_order=groups_in_order,
                                 format_percent=format_percent,  # format_percent(50), never 50|percent
                                 coordinates=format_coordinates, exact_number=exact_number, join_list=join_list,
                                 editable_number=editable_number,  # a stored number offered in a form
                                 comma=comma, semicolon=semicolon,  # between items a template lists itself
                                 plural_forms=plural_forms, number_signs=number_signs,
                                 country_name=country_name)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    _numbers_in_templates_read_natively(app)


def shown_number(value):
    """A number given to a template's message as people read it: counts and years in the reader's digits (grouped
    from five digits, so that a year stays 2026), anything else unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, int) and abs(value) < 10000:
        return native_digits(str(value))
    return format_number(value)


def _read_when_shown(filter_):
    """A filter whose answer depends on the reader: marked as needing the render's context, so that Jinja never folds
    it at compile time (``{{ 0|number }}`` compiled for a Persian reader would show ``۰`` to every later reader)."""
    @pass_context
    @functools.wraps(filter_)
    def shown(_context, *args, **kwargs):
        return filter_(*args, **kwargs)
    return shown


def _numbers_in_templates_read_natively(app: Flask) -> None:
    """Numbers passed to ``_()`` and ``ngettext()`` in templates (``%(num)s`` included) are written in the reader's
    digits: a Persian sentence never shows "3 از 4"."""
    env = app.jinja_env
    plain_ngettext = env.globals["ngettext"]

    @pass_context
    def gettext_(context, string, **variables):
        # What Jinja's newstyle gettext does with Flask-Babel's callable, without its two calls through the context
        # (a page says some fifty of these): the catalog's text, Markup when autoescaping, always %-formatted.
        text = translations().ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 - as Jinja's own gettext: the catalogs are trusted like templates
        return text % {k: shown_number(v) for k, v in variables.items()}

    @pass_context
    def ngettext_(context, singular, plural, num, **variables):
        variables = {k: shown_number(v) for k, v in variables.items()}
        variables.setdefault("num", shown_number(num))
        return plain_ngettext(context, singular, plural, num, **variables)

    env.globals.update(gettext=gettext_, ngettext=ngettext_)


def translations_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "translations"
