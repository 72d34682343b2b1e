"""Profile a claim submission in-process (cProfile) beside the hand-written insert (bench/bare.py).

    DATABASE_URL=... python bench/profile_submission.py [--out bench/results/profile-claim-submission.txt]

The first lines give the CPU time of this process per submission, the service's ``POST /api/v1/claims`` and
``/bench/insert`` timed alternately in rounds (medians), and the service's SQL statements for one submission with
their times; then the service's profile (cumulative, then own time). Every request files a real claim.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(ctx):
    """A synthetic clerk, one of its owners and a compensation programme of its country: the benchmark's body."""
    import sqlalchemy as sa

    from bench.run import PASSWORD
    from conflict_service.db import db

    with ctx.app.app_context():
        row = db.session.execute(sa.text(
            "SELECT u.username, o.id AS owner_id, p.id AS programme_id FROM owners o "
            "JOIN user_jurisdictions uj ON uj.jurisdiction_id = o.office_id JOIN users u ON u.id = uj.user_id "
            "JOIN jurisdictions j ON j.id = o.office_id JOIN jurisdictions c ON c.code = j.country_code "
            "JOIN programmes p ON p.jurisdiction_id = c.id AND p.kind = 'compensation' "
            "AND p.name LIKE '%(synthetic)' WHERE u.username LIKE 'synth_clerk_%' ORDER BY o.id LIMIT 1")).one()
    client = ctx.app.test_client()
    answer = client.post("/api/v1/auth/token", json={"username": row.username, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {answer.get_json()['token']}", "Content-Type": "application/json"}
    body = json.dumps({"owner_id": row.owner_id, "programme_id": row.programme_id,
                       "incident_at": (date.today() - timedelta(days=1)).isoformat() + "T03:00:00Z",
                       "incident_village": "Benchmark", "time_of_day": "night",
                       "lines": [{"species": "sheep", "age_class": "adult", "outcome": "killed", "count": 1}]})
    return client, headers, body


def _cpu(post, count: int) -> float:
    """Median CPU milliseconds of this process per request."""
    spent = []
    for _ in range(count):
        started = time.process_time()
        assert post().status_code == 201
        spent.append(time.process_time() - started)
    return statistics.median(spent) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "profile-claim-submission.txt"))
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-secret-key")
    os.environ.setdefault("REDIS_URL", "")
    from werkzeug.test import Client

    from bench.profiling import profile, report, statements_of
    from bench.run import InProcess
    from conflict_service.db import db

    ctx = InProcess({})
    client, headers, body = _setup(ctx)
    from bench import bare  # builds its own app from the same environment

    floor = Client(bare.app)

    def service():
        return client.post("/api/v1/claims", data=body, headers=headers)

    def hand_written():
        return floor.post("/bench/insert", data=body, headers=headers)

    for _ in range(5):
        service(), hand_written()
    rounds = [(_cpu(service, args.requests), _cpu(hand_written, args.requests)) for _ in range(args.rounds)]
    app_ms = statistics.median(r[0] for r in rounds)
    floor_ms = statistics.median(r[1] for r in rounds)

    with ctx.app.app_context():
        engine = db.engine
    statements = statements_of(engine, service)
    profiled = profile(service, args.requests, cumulative=70, cpu=True)
    report(args.out, [
        f"POST /api/v1/claims in process ({ctx.dialect}; load average "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())}):",
        f"  CPU per submission: service {app_ms:.2f} ms, hand-written insert {floor_ms:.2f} ms, "
        f"{app_ms / floor_ms:.1f}x (medians of {args.rounds} alternating rounds of {args.requests}; "
        f"rounds: {', '.join(f'{a:.2f}/{b:.2f}' for a, b in rounds)})",
        *statements, "", f"cProfile (CPU time) of {args.requests} submissions:", profiled], 6000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
