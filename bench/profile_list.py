"""Profile the claims list page in-process (pyinstrument): where the time goes beyond the SQL.

    DATABASE_URL=... python bench/profile_list.py [--out bench/results/profile-list-page.txt]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "profile-list-page.txt"))
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-secret-key")
    from pyinstrument import Profiler

    from bench.run import AUDITOR, PASSWORD, InProcess, list_filters

    ctx = InProcess({})
    params, _filters = list_filters(ctx)
    client = ctx.app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": AUDITOR, "password": PASSWORD, "csrf_token": token.group(1)})
    query = "&".join(f"{k}={v}" for k, v in params.items())
    url = f"/claims?{query}&page=2"
    for _ in range(3):
        assert client.get(url).status_code == 200
    profiler = Profiler(interval=0.0005)
    profiler.start()
    started = time.perf_counter()
    for _ in range(args.requests):
        client.get(url)
    mean = (time.perf_counter() - started) / args.requests * 1000
    profiler.stop()
    text = f"GET {url}: {mean:.1f} ms a request (mean of {args.requests}, profiled)\n\n" + profiler.output_text(
        unicode=False, color=False)
    Path(args.out).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
