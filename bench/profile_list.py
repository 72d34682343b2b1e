"""Profile the claims list page in-process (cProfile): where the time goes beyond the SQL.

    DATABASE_URL=... python bench/profile_list.py [--out bench/results/profile-list-page.txt]

The first lines give the page's wall time and the CPU time of this process per request, unprofiled (medians), and
the page's SQL statements with their times; then the profile (cumulative, then own time).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "profile-list-page.txt"))
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-secret-key")
    from bench.profiling import profile, report, statements_of
    from bench.run import AUDITOR, PASSWORD, InProcess, list_filters
    from conflict_service.db import db

    ctx = InProcess({})
    params, _filters = list_filters(ctx)
    client = ctx.app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": AUDITOR, "password": PASSWORD, "csrf_token": token.group(1)})
    query = "&".join(f"{k}={v}" for k, v in params.items())
    url = f"/claims?{query}&page=2"
    headers = {"Accept-Encoding": "gzip"}  # as the benchmark's client asks: the page is compressed
    for _ in range(5):
        assert client.get(url, headers=headers).status_code == 200

    wall, cpu = [], []
    for _ in range(args.requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url, headers=headers)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)

    with ctx.app.app_context():
        engine = db.engine
    statements = statements_of(engine, lambda: client.get(url, headers=headers))
    profiled = profile(lambda: client.get(url, headers=headers), args.requests, cumulative=60)
    report(args.out, [
        f"GET {url} in process ({ctx.dialect}; load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())}):",
        f"  {statistics.median(wall) * 1000:.1f} ms a request, {statistics.median(cpu) * 1000:.1f} ms of CPU "
        f"(medians of {args.requests}, unprofiled)",
        *statements, "", f"cProfile of {args.requests} requests:", profiled], 3000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
