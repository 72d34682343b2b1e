"""Finding a name as people type it (DESIGN §14): in either case, in any script, and whichever of the interchangeable
Arabic-script letters a keyboard gave.

A clerk in Herat types «علی» with the Persian yeh, an owner registered in Iraq was typed «علي» with the Arabic one;
«کریمی» and «كريمي», «أحمد» and «احمد», «گل‌احمد» (with a zero-width non-joiner), «گل احمد» and «گلاحمد» are the
same name. What is stored stays as it was typed (an Arabic name keeps its Arabic letters); a search compares both
sides folded: lower case, each variant letter as its Persian form, without the non-joiner, the tatweel, the short
vowel marks and spaces. The same folding runs in SQL (``translate(lower(...))``: PostgreSQL's own functions, and on
SQLite Python's, given to each connection by :mod:`conflict_service.db`) and in Python (the searched text).
"""

from __future__ import annotations

import sqlalchemy as sa

# Letters a keyboard may give for the same Persian letter: Arabic yeh, alef maksura, Pashto's yeh forms; Arabic kaf,
# Pashto's gaf; heh with yeh above and teh marbuta; alef with hamza or madda, alef wasla. And Turkish and Azerbaijani
# dotless ı as i: «IŞIK» lower-cased is «işik» (i, not ı) in PostgreSQL and Python alike, typed «ışık».
VARIANTS = {"ي": "ی", "ى": "ی", "ۍ": "ی", "ې": "ی", "ك": "ک", "ګ": "گ", "ۀ": "ه", "ة": "ه",
            "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ı": "i"}
# Left out: the zero-width non-joiner, the tatweel (kashida), the short vowels and other marks (U+064B-U+0652,
# superscript alef), the dot above that Python's lower() leaves of İ (i + U+0307; PostgreSQL gives i), and spaces
# (the non-joiner, a space or nothing between two parts of a name are all written).
IGNORED = "\u200c\u0640" + "".join(chr(c) for c in range(0x064B, 0x0653)) + "\u0670\u0307 "

_FROM, _TO = "".join(VARIANTS) + IGNORED, "".join(VARIANTS.values())
_TABLE = str.maketrans({**VARIANTS, **dict.fromkeys(IGNORED)})


def fold(text: str) -> str:
    """``text`` as a search compares it (see the module's docstring)."""
    return text.lower().translate(_TABLE)


def folded(column) -> sa.ColumnElement:
    """``column`` folded in SQL as :func:`fold` folds a text."""
    return sa.func.translate(sa.func.lower(column), _FROM, _TO)


def sql_translate(text, source, target):
    """PostgreSQL's ``translate()`` for SQLite, which has none: each character of ``source`` becomes the character at
    the same place in ``target``, or is removed where ``target`` is shorter."""
    if text is None or source is None or target is None:
        return None
    table: dict[str, str | None] = {}
    for i, char in enumerate(source):
        table.setdefault(char, target[i] if i < len(target) else None)
    return text.translate(str.maketrans(table))
