"""SMS lengths: the GSM 03.38 alphabet (7-bit, 160 characters a segment) or UCS-2 (70) for everything else."""

from __future__ import annotations

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = set("^{}\\[~]|€\f")  # each takes two septets


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def length(text: str) -> tuple[int, int]:
    """(units used, units in one segment): septets of 160 for GSM-7, UTF-16 code units of 70 otherwise."""
    if is_gsm7(text):
        return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text), 160
    return len(text.encode("utf-16-le")) // 2, 70


def segments(text: str) -> int:
    """How many SMS segments the text takes (concatenated parts carry a header: 153 or 67 units each)."""
    used, single = length(text)
    if used <= single:
        return 1
    part = 153 if single == 160 else 67
    return -(-used // part)
