"""What a reader of a right-to-left locale should never see (DESIGN §14, issue 20): a Latin-script word that is not a
claim number, currency code or unit, or a digit outside the locale's CLDR numbering system (Latin digits are Urdu's
own). Shared by the browser test of every page and the checks of documents (PDF text from pdftotext).

Text in an element whose ``lang`` differs from the page's (the language switcher names each language in itself, a
field shows what a person typed in their own language) is the other language's and is not counted.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

from babel import Locale

from conflict_service.i18n import DIGITS, cldr_locale

CHECKED_LOCALES = ("fa", "ps", "ar", "ckb", "ur")

# Latin references a reader of any script meets as they are: claim numbers (IR-DRG-2026-000078), ISO 4217 codes,
# SI units, the sign-in names people type, and the service's name for the formats a file comes in.
# Payments add "-F1"; no \b at the ends: pdftotext may join a number to the Persian word beside it.
CLAIM_NUMBER = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}-[A-Z0-9]{2,6}-\d{4}-\d{6}(?:-[A-Z]+\d*)?(?![A-Za-z0-9])")
# A jurisdiction's code (IR, IR-RKH-DRG), the identifier claim numbers carry, on the administrator's pages.
JURISDICTION_CODE = re.compile(r"\b[A-Z]{2}(?:-[A-Z0-9]{2,12}){0,2}\b")
# A file's name as it was uploaded (IMG_8151.jpg).
FILE_NAME = re.compile(r"\b[\w-]+\.(?:jpe?g|png|pdf|csv|xlsx|xml)\b", re.IGNORECASE)
# The verification code printed on documents (7B21-FE8D-0770), checked on the status page as printed.
DOCUMENT_CODE = re.compile(r"\b[0-9A-F]{4}(?:-[0-9A-F]{4}){2,}\b")
# A bank's or a batch's reference as it was typed or received (TRX61821066, MELLI0000001): read as it is.
REFERENCE = re.compile(r"\b[A-Z]{2,}-?\d{3,}\b")
# An IBAN as banks print it and the pages show it (IR81 0016 7504 1794 7143 3645 02), or whole: a code read as it is,
# in Latin letters and digits (an Iranian Sheba number is written so on every bank's form).
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ \u00a0]?[A-Z0-9]{1,4}){3,8}\b")
# The identifiers a Camtrap DP package gives its records, as the researchers wrote them (observation O0029, deployment
# GOL-D01, individual TAN-M01, event TAN-D01-E001): a verifier finds the record in the package and the camera in the
# field by them, as a clerk finds a claim by its number; pages show them in <bdi dir="ltr">. Capitals then digits
# (a letter group, then a number or hyphenated letter+number parts), never a word.
CAMERA_TRAP_ID = re.compile(r"\b[A-Z]{1,4}(?:-[A-Z]{1,2}\d{2,4})*(?:\d{3,5}|-[A-Z]{1,2}\d{2,4})\b")
# A field record's instance ID as ODK Collect writes it (OpenRosa's "uuid:" and a UUID), the identifier a manager quotes
# to the verifier whose phone sent it; pages show it in <bdi dir="ltr">.
INSTANCE_ID = re.compile(r"\buuid:[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b")
# A performance payment's reference (PERF-3-2: contract 3's second period; -M12: member 12's share; -1: the first
# payment of it), which the bank statement carries back for reconciliation, like a claim's payment number.
PERFORMANCE_REFERENCE = re.compile(r"(?<![A-Za-z0-9])PERF-\d+-\d+(?:-M\d+)?(?:-\d+)?(?![A-Za-z0-9])")
ALLOWED_WORDS = frozenset({
    "IRR", "AFN", "AMD", "AZN", "GEL", "TRY", "IQD", "PKR", "TMT", "UZS", "KZT", "RUB", "TJS", "USD", "EUR",
    "km", "mm", "cm", "m", "kg", "ha", "KB", "kB", "MB", "GB",
    "FeatureCollection", "Feature", "Polygon", "MultiPolygon",  # GeoJSON's own keywords, typed as they are
    "PDF", "CSV", "JSON", "XLSX", "GeoJSON", "XML", "API", "QR", "SMS", "GPS", "EXIF", "ODK", "PIN", "URL", "ID",
    "JPEG", "PNG", "IBAN", "ISO", "GIS", "KoboCollect", "Collect",  # formats, standards and apps by their names
})
LATIN = r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF"
LATIN_WORD = re.compile(rf"[{LATIN}][{LATIN}'’_-]*")
DIGIT_RUN = re.compile(r"\d+")
# A sign-in name as the pages show it (acc_clerk_ir, demo users): an identifier people type, not a word.
USERNAME = re.compile(r"\b[a-z][a-z0-9]*(?:[_.][a-z0-9]+)+\b")
# E-mail addresses and web addresses are typed and read as they are.
ADDRESS = re.compile(r"\S+@\S+|https?://\S+|/api/\S+|\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b")
# A hash as an auditor compares it (the audit chain, a file's SHA-256): hexadecimal, at least 8 long.
HASH = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{8,}\b")
# The audit page shows a hash's first 12 characters and "…"; about one in 300 such prefixes has no letter a-f, and
# then is a digit run only by chance (the walk counted it as a leak once in a while).
HASH_PREFIX = re.compile(r"\b[0-9a-f]{12}…")


def own_digits(locale: str) -> str:
    return DIGITS.get(Locale.parse(cldr_locale(locale)).default_numbering_system, DIGITS["latn"])


@dataclass
class Leaks:
    words: Counter = field(default_factory=Counter)
    digits: Counter = field(default_factory=Counter)

    def __bool__(self) -> bool:
        return bool(self.words or self.digits)

    def __iadd__(self, other: Leaks) -> Leaks:
        self.words += other.words
        self.digits += other.digits
        return self

    def sample(self, n: int = 12) -> str:
        words = ", ".join(f"{w}×{c}" for w, c in self.words.most_common(n))
        digits = ", ".join(f"{d}×{c}" for d, c in self.digits.most_common(n // 2))
        return f"words: {words or '-'}; digits: {digits or '-'}"


def leaks(text: str, locale: str) -> Leaks:
    """The Latin words and foreign digit runs in ``text`` read in ``locale``."""
    # A document's verification code first: it is random hexadecimal, and the looser patterns below would take
    # a part of it ("ABCD-1234" as a reference) and leave the rest to be counted.
    text = INSTANCE_ID.sub(" ", PERFORMANCE_REFERENCE.sub(" ", DOCUMENT_CODE.sub(" ", IBAN.sub(" ", text))))
    text = REFERENCE.sub(" ", ADDRESS.sub(" ", CLAIM_NUMBER.sub(" ", text)))
    text = JURISDICTION_CODE.sub(" ", FILE_NAME.sub(" ", text))
    text = CAMERA_TRAP_ID.sub(" ", HASH.sub(" ", HASH_PREFIX.sub(" ", USERNAME.sub(" ", text))))
    found = Leaks()
    for word in LATIN_WORD.findall(text):
        word = word.strip("'’_-")
        if word and word not in ALLOWED_WORDS:
            found.words[word] += 1
    digits = own_digits(locale)
    for ch_run in re.findall(r"[^\W\D]+|\d+", text):
        if any(ch.isdecimal() and ch not in digits for ch in ch_run):
            found.digits[ch_run] += 1
    return found


class _Text(HTMLParser):
    """The text a reader sees in an HTML page, without scripts, styles and parts in another language (the page's
    ``lang`` is the one of the ``html`` element). Roughly innerText: the browser test reads innerText itself."""

    SKIP = {"script", "style", "template", "head", "title", "noscript"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page_lang: str | None = None
        self.stack: list[bool] = []  # per open element: is it skipped
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.page_lang = attrs.get("lang")
        if tag in self.VOID:
            return
        lang = attrs.get("lang")
        skipped = tag in self.SKIP or "hidden" in attrs or (
            tag != "html" and lang is not None and lang != self.page_lang)
        self.stack.append(skipped or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


# innerText of the page without the parts in another language (the page is not used afterwards), in the browser.
VISIBLE_TEXT_JS = """() => {
  const page = document.documentElement.lang;
  document.querySelectorAll('body [lang], body script, body style, body template').forEach(e => {
    if (!e.matches('[lang]') || e.lang !== page) e.remove();
  });
  return document.body.innerText;
}"""
