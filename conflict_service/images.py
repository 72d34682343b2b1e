"""Opening pictures: one helper, so no picture is ever decoded beyond a pixel cap.

Pillow only warns at about 89 million pixels and refuses at twice that; a 9,400 × 9,400 PNG of a few hundred
kilobytes stays under both and costs close to a gigabyte to thumbnail. ``open_image`` reads the header, refuses
more than ``IMAGE_MAX_PIXELS`` before a single pixel is decoded, and ``init_app`` lowers Pillow's own limit to the
same figure for the decoders we do not call ourselves (WeasyPrint printing an evidence photo).
"""

from __future__ import annotations

import warnings
from typing import IO

from flask import Flask, current_app, has_app_context
from PIL import Image

DEFAULT_MAX_PIXELS = 40_000_000  # a 7,000 × 5,700 photo; phones send 2,048 px (PHOTO_MAX_SIDE) or 12-50 MP


class TooManyPixels(ValueError):
    """The picture's header announces more pixels than the service decodes."""


def max_pixels() -> int:
    return current_app.config["IMAGE_MAX_PIXELS"] if has_app_context() else DEFAULT_MAX_PIXELS


def open_image(source: IO[bytes], formats: list[str] | None = None) -> Image.Image:
    """Open a picture lazily (header only); raise :class:`TooManyPixels` above the cap, before any decoding."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the cap below decides, not a warning
        try:
            img = Image.open(source, formats=formats)
        except Image.DecompressionBombError:
            raise TooManyPixels() from None
    width, height = img.size
    if width * height > max_pixels():
        img.close()
        raise TooManyPixels(f"{width}x{height}")
    return img


def init_app(app: Flask) -> None:
    # Process-wide, for decoders outside our code: Pillow warns above this and refuses above twice it.
    Image.MAX_IMAGE_PIXELS = min(Image.MAX_IMAGE_PIXELS or DEFAULT_MAX_PIXELS, int(app.config["IMAGE_MAX_PIXELS"]))
