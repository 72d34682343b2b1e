"""The web pages' fonts: WOFF2 subsets of the TrueType fonts in ``static/fonts``, one per script and weight.

Printed documents use the full TrueType files (``static/css/pdf.css``). A page downloads only the files whose
``unicode-range`` covers a character it shows in that weight, so a Latin page never fetches Arabic or Armenian
glyphs, and an Arabic-script page fetches Latin only where it shows Latin letters. Each script's family comes
first in its locales' font stack (``static/css/app.css``), and the Cyrillic and Arabic subsets carry their own
space, digits and punctuation, so a Russian or Persian sentence needs no second file.

``scripts/build_webfonts.py`` makes the files with fontTools (``pyftsubset``'s machinery, WOFF2 with Brotli) and
writes the ``@font-face`` rules between the markers in ``app.css``; the files are committed, so every
installation serves the same bytes under the same content-hashed URLs. ``tests/core/test_webfonts.py`` fails when
a TrueType file, a subset or the rules have changed without the files being made again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
FONTS = STATIC / "fonts"
WEB = FONTS / "web"
CSS = STATIC / "css" / "app.css"
BEGIN = "/* web fonts: made by scripts/build_webfonts.py from conflict_service/webfonts.py; do not edit */\n"
END = "/* end of web fonts */\n"
WEIGHTS = {400: "Regular", 700: "Bold"}


def _ranges(spec: str) -> set[int]:
    points: set[int] = set()
    for part in spec.replace(" ", "").split(","):
        first, _, last = part.removeprefix("U+").partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return points


# Punctuation, digits and spaces a sentence in any of the scripts uses (the Latin subset has them all as well).
COMMON = "U+0020-0040, U+005B-0060, U+007B-007E, U+00A0-00BF, U+00D7, U+00F7, U+2000-206F, U+2116, U+2190-2193, U+2212"


@dataclass(frozen=True)
class Subset:
    name: str  # file name stem: <name>-<weight>.woff2
    family: str  # the CSS family name
    source: str  # TrueType stem in static/fonts, without -Regular/-Bold
    unicodes: str  # what to keep, intersected with what the font has

    def path(self, weight: int) -> Path:
        return WEB / f"{self.name}-{weight}.woff2"

    def ttf(self, weight: int) -> Path:
        return FONTS / f"{self.source}-{WEIGHTS[weight]}.ttf"

    def wanted(self, weight: int) -> set[int]:
        """The code points the subset keeps: those of ``unicodes`` that the TrueType font has."""
        from fontTools.ttLib import TTFont

        with TTFont(self.ttf(weight), lazy=True) as font:
            return {p for p in _ranges(self.unicodes) & set(font.getBestCmap()) if p >= 0x20}


SUBSETS = (
    # Latin with what az, tr, tk and uz write (ə Ə ğ ı İ ş ň ž ý ʻ ʼ), Western European letters for names, and the
    # currency signs of the range (₼ ₸ ₺ ₽ ₾ €; ﷼ and ؋ are Arabic script's); Greek and phonetic letters stay out.
    Subset("latin", "LCS Sans", "NotoSans",
           "U+0000-00FF, U+0100-017F, U+018F, U+0192, U+0218-021B, U+0259, U+02BB-02BC, U+02C6-02C7, U+02D8-02DD, "
           "U+0300-0304, U+0306-0308, U+030A-030C, U+0327-0328, U+1E9E, U+2000-206F, U+20A0-20C0, U+2116, U+2122, "
           "U+2190-2193, U+2212, U+2215, U+FEFF, U+FFFD"),
    # Cyrillic of ru, kk and tg (ә ғ қ ң ө ұ ү һ і ӣ ӯ ҳ ҷ) and of the neighbours' names (uk, be, ky, uz, tt), with the
    # common punctuation and digits; not the historic letters or those of languages further away.
    Subset("cyrillic", "LCS Cyrillic", "NotoSans",
           f"{COMMON}, U+0300-0301, U+0400-045F, U+0490-0493, U+0496-0497, U+049A-049B, U+04A2-04A3, U+04AE-04B3, "
           "U+04B6-04B7, U+04BA-04BB, U+04D8-04D9, U+04E2-04E3, U+04E8-04E9, U+04EE-04EF, U+20B8, U+20BD"),
    # Arabic script: the letters of fa, fa_AF, ar, ps, ckb and ur (Naskh is Urdu's fallback for digits and Latin
    # text), the vowel marks, both sets of digits, Arabic punctuation, ZWNJ/ZWJ and the direction marks, the rial
    # and afghani signs (﷼ ؋). Not the Quranic annotation marks or the letters of languages the service does not
    # speak: they would make the file of every Persian page 40% larger.
    Subset("arabic", "LCS Naskh", "NotoNaskhArabic",
           "U+0020-0021, U+002C, U+002E, U+0030-003A, U+00A0, U+00AB, U+00BB, U+060B-060C, U+061B, U+061F, "
           "U+0621-063A, U+0640-0655, U+0660-066C, U+0670, U+0679, U+067C, U+067E, U+0681, U+0685, U+0686, U+0688, "
           "U+0689, U+0691, U+0693, U+0695, U+0696, U+0698, U+069A, U+06A4, U+06A9, U+06AB, U+06AF, U+06B5, U+06BA, "
           "U+06BC, U+06BE, U+06C0-06C3, U+06C6, U+06CC-06CE, U+06D0, U+06D2-06D5, U+06F0-06F9, U+200B-2011, U+25CC, "
           "U+FDFC"),
    # Urdu in Nastaliq: Arabic script only, as before: its Latin letters and digits are cramped, so those fall
    # through to Naskh and Noto Sans.
    Subset("nastaliq", "LCS Nastaliq", "NotoNastaliqUrdu",
           "U+0020, U+00A0, U+0600-06FF, U+0750-077F, U+08A0-08FF, U+200C-200F, U+25CC, U+FB50-FDFF, U+FE70-FEFF"),
    Subset("armenian", "LCS Armenian", "NotoSansArmenian", "U+0000-FFFF"),
    Subset("georgian", "LCS Georgian", "NotoSansGeorgian", "U+0000-FFFF"),
)


# The subset whose family comes first in each locale's stack (app.css): every page in the locale shows it, in both
# weights (headings, labels), so base.html asks for those two files at once rather than after the stylesheet.
PRIMARY = {"ru": "cyrillic", "kk": "cyrillic", "tg": "cyrillic", "fa": "arabic", "fa_AF": "arabic", "ps": "arabic",
           "ar": "arabic", "ckb": "arabic", "ur": "nastaliq", "hy": "armenian", "ka": "georgian"}


def primary_files(locale: str) -> list[str]:
    """The files under static/ to preload on a page in ``locale``."""
    name = PRIMARY.get(locale, "latin")
    return [f"fonts/web/{name}-{weight}.woff2" for weight in WEIGHTS]


def build(subset: Subset, weight: int) -> Path:
    """Write one WOFF2 subset: the layout features browsers apply (Arabic joining, marks, kerning, ligatures,
    localised forms) and tabular figures (the tables use them); no hinting (phones do not use it)."""
    from fontTools import subset as ftsubset
    from fontTools.ttLib import TTFont

    options = ftsubset.Options()
    options.flavor = "woff2"
    options.layout_features = [*options.layout_features, "tnum"]
    options.hinting = False
    options.desubroutinize = True
    with TTFont(subset.ttf(weight), recalcTimestamp=False) as font:  # the same bytes on every run
        subsetter = ftsubset.Subsetter(options)
        subsetter.populate(unicodes=sorted(subset.wanted(weight)))
        subsetter.subset(font)
        subset.path(weight).parent.mkdir(parents=True, exist_ok=True)
        font.flavor = "woff2"
        font.save(subset.path(weight))
    return subset.path(weight)


def unicode_range(points: set[int]) -> str:
    """``U+20-7E, U+A0, …`` for a set of code points."""
    ordered, runs = sorted(points), []
    for point in ordered:
        if runs and point == runs[-1][1] + 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in runs)


def cmap_of(path: Path) -> set[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return set(font.getBestCmap())


def font_face_rules() -> str:
    """The ``@font-face`` rules for the files as they are now, each URL with its content digest."""
    from conflict_service.web.caching import digest  # here: caching imports this module

    lines = []
    for subset in SUBSETS:
        for weight in WEIGHTS:
            path = subset.path(weight)
            url = f"../fonts/web/{path.name}?v={digest(path.read_bytes())}"
            ranges = unicode_range(cmap_of(path))
            lines.append(f'@font-face {{ font-family: "{subset.family}"; src: url("{url}") format("woff2"); '
                         f"font-weight: {weight}; font-display: swap; unicode-range: {ranges}; }}")
    return BEGIN + "\n".join(lines) + "\n" + END


def rules_in(css: str) -> str:
    """The generated block as it stands in a stylesheet ('' when the markers are missing)."""
    start, end = css.find(BEGIN), css.find(END)
    return css[start:end + len(END)] if start >= 0 and end > start else ""


def write_rules(css_path: Path = CSS) -> None:
    css = css_path.read_text(encoding="utf-8")
    current = rules_in(css)
    if not current:
        raise SystemExit(f"{css_path} has no web-font markers ({BEGIN.strip()} … {END.strip()})")
    css_path.write_text(css.replace(current, font_face_rules()), encoding="utf-8")
