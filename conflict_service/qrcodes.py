"""QR codes as inline SVG, drawn by segno into the page or the printed document: nothing is fetched for them; or as
a PNG picture inside the page (a ``data:`` URI) for a phone to save and import."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(data: str, *, scale: float = 1, border: int = 4, title: str | None = None, sized: bool = True,
           svgclass: str = "segno", error: str = "m") -> Markup:
    """``data`` as a QR code, error correction M (``error="l"`` for a code only ever read off a screen: a smaller
    code with bigger modules at the same width; paper gets scuffed, screens do not). ``sized`` gives the SVG its
    width and height in pixels (a printed document's fixed size); unsized, it has only a viewBox and takes the width
    the page's CSS gives it. The light modules are painted white, so a phone's camera reads the code on any
    background."""
    svg = segno.make(data, error=error, micro=False).svg_inline(
        scale=scale, border=border, dark="#000", light="#fff", title=title, svgclass=svgclass, omitsize=not sized)
    return Markup(svg)  # noqa: S704 - segno's own SVG; the title is escaped by segno


def qr_png_uri(data: str, *, scale: int = 8, border: int = 4, error: str = "m") -> str:
    """``data`` as a QR code in a PNG picture, as a ``data:`` URI a link can offer for saving: for the phone that shows
    the page, which cannot point its own camera at it, but whose app can read a code from a saved picture. A few
    kilobytes (a version-16 code at 8 pixels a module is about 1.4 KB)."""
    return segno.make(data, error=error, micro=False).png_data_uri(scale=scale, border=border, dark="#000",
                                                                    light="#fff")
