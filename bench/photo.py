"""A camera-like test photo with the EXIF a phone writes (DateTimeOriginal, offset, GPS, orientation), for the
benchmarks and the browser tests (no real photograph ships with the project or this machine's packages).

The picture is texture at several scales — coarse shapes, mid-size detail, and sensor-like grain — over a gradient:
at 4000 × 3000 and quality 92 it weighs about 4.3 MB, like a 12-megapixel phone photo; as with a real photo, most of
the grain averages out when it is scaled down.
"""

from __future__ import annotations

import io
from datetime import datetime

from PIL import Image, ImageChops


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 3)


def camera_photo(taken: datetime, lat: float, lon: float, *, size=(4000, 3000), offset: str = "+03:30",
                 orientation: int = 1, quality: int = 92, seed: int = 1) -> bytes:
    width, height = size

    def layer(step: int, sigma: float) -> Image.Image:
        return Image.effect_noise((max(1, width // step), max(1, height // step)), sigma).resize(size, Image.BICUBIC)

    shapes = Image.blend(layer(64, 80 + seed % 5), layer(16, 60), 0.4)
    detail = Image.blend(layer(4, 50), Image.effect_noise(size, 34), 0.45)
    grey = ImageChops.add(Image.blend(shapes, detail, 0.55),
                          Image.linear_gradient("L").resize(size).point(lambda v: v // 3), scale=1.3)
    photo = Image.merge("RGB", (grey, grey.point(lambda v: int(v * 0.92)), grey.point(lambda v: int(v * 0.75))))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F], exif[0x0110] = "samsung", "SM-A145R"
    exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif.get_ifd(0x8769)[0x9011] = offset
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = ("N" if lat >= 0 else "S"), _dms(abs(lat))
    gps[3], gps[4] = ("E" if lon >= 0 else "W"), _dms(abs(lon))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=quality, exif=exif)
    return out.getvalue()
