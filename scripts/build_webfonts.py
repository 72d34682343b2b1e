#!/usr/bin/env python3
"""Make the web pages' WOFF2 fonts from the TrueType files in conflict_service/static/fonts, and write their
@font-face rules into conflict_service/static/css/app.css (the subsets are defined in conflict_service/webfonts.py).

    .venv/bin/python scripts/build_webfonts.py

Run it after changing a TrueType file or a subset, and commit what it wrote (static/fonts/web/*.woff2 and app.css):
the files are committed so that every installation serves the same bytes under the same URLs, and a phone that
has them keeps them. Needs fontTools with Brotli (the dev dependencies: pip install -e '.[dev]').
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conflict_service import webfonts  # noqa: E402


def main() -> int:
    made = set()
    for subset in webfonts.SUBSETS:
        for weight in webfonts.WEIGHTS:
            path = webfonts.build(subset, weight)
            made.add(path)
            print(f"{path.relative_to(webfonts.STATIC)}: {path.stat().st_size:,} bytes, "
                  f"{len(webfonts.cmap_of(path))} characters")
    for stale in set(webfonts.WEB.glob("*.woff2")) - made:
        stale.unlink()
        print(f"removed {stale.relative_to(webfonts.STATIC)}")
    webfonts.write_rules()
    print(f"wrote the @font-face rules into {webfonts.CSS.relative_to(webfonts.STATIC.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
