"""EXPLAIN ANALYZE of the claims list, the payouts report and the export on PostgreSQL, as the benchmark runs them.

    DATABASE_URL=postgresql+psycopg://... python bench/explain.py [--out bench/results/explain.txt]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import AUDITOR, InProcess, list_filters, payouts_sql, raw_sql  # noqa: E402


def statements(ctx: InProcess) -> list[tuple[str, str]]:
    import sqlalchemy as sa

    from claims.models import Claim
    from claims.queries import ClaimFilters, claims_statement
    from conflict_service.jurisdictions import queries as jq
    from oversight.exports import export_statement

    params, filters = list_filters(ctx)
    user = ctx.user(AUDITOR)
    listed = claims_statement(user, filters).order_by(Claim.filed_at.desc(), Claim.id.desc())
    unfiltered = claims_statement(user, ClaimFilters()).order_by(Claim.filed_at.desc(), Claim.id.desc())
    return [
        (f"claims list, count ({params})",
         raw_sql(ctx, sa.select(sa.func.count()).select_from(listed.order_by(None).subquery()))),
        (f"claims list, page 1 ({params})", raw_sql(ctx, listed.limit(50))),
        ("claims list without filters, count",
         raw_sql(ctx, sa.select(sa.func.count()).select_from(unfiltered.order_by(None).subquery()))),
        ("claims list without filters, page 1", raw_sql(ctx, unfiltered.limit(50))),
        ("payouts by region and month (hand-written floor)",
         payouts_sql("postgresql", sorted(jq.office_ids(user)))),
        ("claims export (CSV/XLSX/GeoJSON rows)", raw_sql(ctx, export_statement(user, ClaimFilters()))),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "explain.txt"))
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-secret-key")
    ctx = InProcess({})
    from conflict_service.db import db

    out = []
    with ctx.app.test_request_context():
        if db.engine.dialect.name != "postgresql":
            raise SystemExit("EXPLAIN ANALYZE is kept for PostgreSQL only")
        claims = db.session.scalar(__import__("sqlalchemy").text("SELECT count(*) FROM claims"))
        out.append(f"-- {claims:,} claims\n")
        with db.engine.connect() as conn:
            for title, sql in statements(ctx):
                plan = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {sql}").scalars().all()
                out.append(f"== {title}\n{sql}\n\n" + "\n".join(plan) + "\n")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(out))
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
