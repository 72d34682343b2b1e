"""Benchmarks against their floors: each figure beside the cheapest way to get the same result, in one run.

    python bench/run.py [--quick] [--claims N] [--json FILE] [--database-url URL]

Without ``--database-url`` a SQLite file in a temporary folder is used. The database is filled with
``flask synth`` up to the requested number of claims (an existing database with enough claims is used as it is);
on PostgreSQL the tables are then vacuumed and analysed, as autovacuum keeps them in service.
``--quick`` uses 100,000 claims and fewer repetitions; the full run uses a million (meant for PostgreSQL).
``--claims 200`` with ``--iterations 1`` runs every measurement once on a tiny dataset (the test does this).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import field as field_bench  # noqa: E402
from bench.server import gunicorn, server_cpu_seconds  # noqa: E402

EXPORT_BOUND_MB = 150
AUDITOR = "synth_auditor"
PASSWORD = "demo-password"


@dataclass
class Figure:
    name: str
    app: float | None
    floor: float | None
    unit: str
    ratio: float | None = None
    target: str = ""
    verdict: str = ""
    note: str = ""

    def judge(self, limit: float | None, higher_is_better: bool = False) -> Figure:
        if self.app is not None and self.floor:
            self.ratio = self.app / self.floor
        if limit is None or self.ratio is None:
            self.verdict = self.verdict or ("n/a" if self.ratio is None else "")
            return self
        ok = self.ratio >= limit if higher_is_better else self.ratio <= limit
        self.target = ("≥ " if higher_is_better else "≤ ") + f"{limit:g}×"
        self.verdict = "PASS" if ok else "MISS"
        return self


@dataclass
class Report:
    database: str
    claims: int
    machine: dict
    load: dict = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def machine() -> dict:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    mem_kb = 0
    try:
        mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                          if line.startswith("MemTotal")))
    except (OSError, StopIteration):
        pass
    return {"nproc": os.cpu_count(), "ram_gb": round(mem_kb / 1024 / 1024, 1), "cpu": cpu,
            "python": platform.python_version(), "load_at_start": _load_average()}


def _load_average() -> str:
    """The 1, 5 and 15 minute load averages: on a shared machine, how busy it was besides the benchmark."""
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


# --- set-up ---------------------------------------------------------------------------------------------------

def flask(env: dict, *args: str, check: bool = True, capture: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=check,
                          text=True, capture_output=capture)


def prepare(env: dict, claims: int, report: Report) -> None:
    flask(env, "db", "upgrade")
    have = count_claims(env)
    if have < claims:
        started = time.perf_counter()
        flask(env, "synth", "--claims", str(claims - have), "--seed", str(have + 1))
        seconds = time.perf_counter() - started
        report.load = {"claims": claims - have, "seconds": round(seconds, 1),
                       "claims_per_second": round((claims - have) / seconds)}
        print(f"loaded {claims - have:,} claims in {seconds:.1f} s", file=sys.stderr)
    # A database reused as it is may be one a load left unvacuumed (a run stopped half-way, or synth before settle).
    import sqlalchemy as sa

    from bench.synth.generate import settle

    engine = sa.create_engine(env["DATABASE_URL"])
    try:
        settle(engine)
    finally:
        engine.dispose()
    report.claims = count_claims(env)


def count_claims(env: dict) -> int:
    code = ("from conflict_service.app import create_app\nimport sqlalchemy as sa\n"
            "from conflict_service.db import db\napp = create_app()\nwith app.app_context():\n"
            "    print(db.session.scalar(sa.text('SELECT count(*) FROM claims')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, text=True, capture_output=True)
    return int(out.stdout.strip().splitlines()[-1])


def token(base: str, username: str) -> dict:
    r = requests.post(f"{base}/api/v1/auth/token", json={"username": username, "password": PASSWORD}, timeout=30)
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def web_session(base: str, username: str) -> requests.Session:
    s = requests.Session()
    page = s.get(f"{base}/login", timeout=30).text
    form = {"username": username, "password": PASSWORD}
    if m := re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page):
        form["csrf_token"] = m.group(1)
    r = s.post(f"{base}/login", data=form, timeout=30, allow_redirects=False)
    if r.status_code not in (302, 303):
        raise RuntimeError(f"sign-in as {username} failed: {r.status_code}")
    return s


# --- the measurements ------------------------------------------------------------------------------------------

def timed(fn, n: int, warm: int = 1) -> list[float]:
    for _ in range(warm):
        fn()
    out = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def timed_pairs(app_fn, floor_fn, n: int, warm: int = 1) -> tuple[list[float], list[float]]:
    """Time the app and its floor alternately, one of each per round: on a shared machine whose load drifts during
    the run, both sides see the same load (timed one after the other, the ratio also measured the drift)."""
    app_t, floor_t = timed_rounds((app_fn, floor_fn), n, warm)
    return app_t, floor_t


def timed_rounds(fns, n: int, warm: int = 1) -> list[list[float]]:
    """Time several functions in turn, one of each per round (see :func:`timed_pairs`)."""
    for _ in range(warm):
        for fn in fns:
            fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(n):
        for fn, out in zip(fns, times, strict=True):
            started = time.perf_counter()
            fn()
            out.append(time.perf_counter() - started)
    return times


class InProcess:
    """The service's app in this process, for the floors (the same SQL, bare WeasyPrint)."""

    def __init__(self, env: dict):
        os.environ.update(env)
        from conflict_service.app import create_app

        self.app = create_app()
        self.dialect = self.app.config["DATABASE_URL"].split(":")[0].split("+")[0]

    def user(self, username: str):
        from conflict_service.auth import queries as auth_queries

        return auth_queries.get_by_username(username)


def list_filters(ctx: InProcess) -> tuple[dict, object]:
    """A busy programme, paid claims of the last two years: the list's filters for both sides."""
    import sqlalchemy as sa

    from claims.models import Claim
    from claims.queries import ClaimFilters
    from claims.states import ClaimState
    from conflict_service.db import db

    with ctx.app.app_context():
        programme_id = db.session.execute(sa.select(Claim.programme_id, sa.func.count()).group_by(Claim.programme_id)
                                          .order_by(sa.func.count().desc()).limit(1)).scalar()
    since = date.today() - timedelta(days=730)
    params = {"status": "paid", "programme_id": programme_id, "incident_from": since.isoformat()}
    return params, ClaimFilters(status=[ClaimState.PAID], programme_id=programme_id, incident_from=since)


def raw_sql(ctx: InProcess, stmt) -> str:
    from conflict_service.db import db

    return str(stmt.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))


def measure_list(base: str, ctx: InProcess, n: int) -> list[Figure]:
    from claims.queries import claim_list_statements
    from conflict_service.db import db

    params, filters = list_filters(ctx)
    session = web_session(base, AUDITOR)
    pages = [1, 2, 3, 4, 5]

    def app_call(i=[0]):  # noqa: B006 - a counter cycling through the pages
        page = pages[i[0] % len(pages)]
        i[0] += 1
        r = session.get(f"{base}/claims", params={**params, "page": page}, timeout=120)
        r.raise_for_status()
        assert "<table" in r.text
        return r.text

    with ctx.app.test_request_context():
        user = ctx.user(AUDITOR)
        statements = [claim_list_statements(user, filters, p, 50) for p in pages]
        count_sql = raw_sql(ctx, statements[0][0])
        page_sqls = [raw_sql(ctx, rows) for _count, rows in statements]
        raw = db.engine.raw_connection()

    def floor_call(i=[0]):  # noqa: B006
        page_sql = page_sqls[i[0] % len(pages)]
        i[0] += 1
        cur = raw.cursor()
        cur.execute(count_sql)
        cur.fetchall()
        cur.execute(page_sql)
        cur.fetchall()
        cur.close()
        raw.rollback()

    def served_call(i=[0]):  # noqa: B006 - the same statements behind gunicorn and HTTP, without the application
        page = pages[i[0] % len(pages)]
        i[0] += 1
        r = plain.get(f"{base}/bench/list", params={**params, "page": page, "user": AUDITOR}, timeout=120)
        r.raise_for_status()
        return r.text

    plain = requests.Session()
    for _ in range(2):  # warm: the first pages of a fresh gunicorn compile the template and the statements
        page_html = app_call()
        floor_call()
        served = served_call().removeprefix("<table>").removesuffix("</table>").split(": ")
        # the same work: the page shows the total and every claim the bare route read
        assert all(number in page_html for number in served[1].split()), served
    cpu = server_cpu_seconds(base)
    app_t, floor_t = timed_pairs(app_call, floor_call, n, warm=0)
    cpu = (server_cpu_seconds(base) - cpu) / n  # the timed pages only: a warm-up page costs many times a page
    _app, served_t, served_floor_t = timed_rounds((app_call, served_call, floor_call), n, warm=0)
    raw.close()
    # The service's own CPU per page (every gunicorn process, from /proc): unlike the times, it hardly changes with
    # what else runs on the machine.
    note = f"filters {params}; the service's CPU {cpu * 1000:.1f} ms a page"
    return [Figure("claims list page, p50", statistics.median(app_t) * 1000, statistics.median(floor_t) * 1000, "ms",
                   note=note).judge(None),
            Figure("claims list page, p95", percentile(app_t, 95) * 1000, percentile(floor_t, 95) * 1000, "ms",
                   note=note).judge(1.5),
            Figure("the list's two statements behind gunicorn (no page), p95, for scale",
                   percentile(served_t, 95) * 1000, percentile(served_floor_t, 95) * 1000, "ms",
                   note="bench/bare.py /bench/list: the same SQL on a pooled connection, answered over HTTP by the "
                        "same gunicorn without the application (no session, no template), timed in turn with the "
                        f"page and the bare statements; p50 {statistics.median(served_t) * 1000:.2f} ms against "
                        f"{statistics.median(served_floor_t) * 1000:.2f} ms").judge(None)]


def payouts_sql(dialect: str, office_ids: list[int]) -> str:
    month = "to_char(p.paid_at AT TIME ZONE 'UTC', 'YYYY-MM')" if dialect == "postgresql" \
        else "strftime('%Y-%m', p.paid_at)"
    offices = ", ".join(str(i) for i in office_ids) or "0"
    return (f"SELECT r.code AS region, {month} AS month, p.currency, count(DISTINCT p.claim_id) AS claims, "
            f"sum(p.amount) AS amount FROM payments p JOIN claims c ON c.id = p.claim_id "
            f"JOIN jurisdictions o ON o.id = c.office_id JOIN jurisdictions r ON r.id = o.parent_id "
            f"WHERE p.status = 'confirmed' AND c.office_id IN ({offices}) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")


def measure_report(base: str, ctx: InProcess, n: int) -> list[Figure]:
    from conflict_service.db import db
    from conflict_service.jurisdictions import queries as jq

    headers = token(base, AUDITOR)
    url = f"{base}/api/v1/reports/payouts"
    probe = requests.get(url, params={"group_by": "region,month"}, headers=headers, timeout=600)
    if probe.status_code == 404 or "rows" not in (probe.json() if probe.headers.get("content-type", "").startswith(
            "application/json") else {}):
        return [Figure("payouts report (all claims)", None, None, "ms", verdict="not available",
                       note=f"GET /api/v1/reports/payouts answered {probe.status_code}: the route is not in this "
                            "build")]
    with ctx.app.test_request_context():
        sql = payouts_sql(db.engine.dialect.name, sorted(jq.office_ids(ctx.user(AUDITOR))))
        raw = db.engine.raw_connection()

    def app_call():
        r = requests.get(url, params={"group_by": "region,month"}, headers=headers, timeout=600)
        r.raise_for_status()

    def floor_call():
        cur = raw.cursor()
        cur.execute(sql)
        cur.fetchall()
        cur.close()
        raw.rollback()

    # alternately, one of each per round (see timed_pairs): timed one after the other, five requests each, SQLite's
    # report read 1.50× in one run and 1.01× alone right after it (session 16)
    app_t, floor_t = timed_pairs(app_call, floor_call, n)
    raw.close()
    return [Figure("payouts report by region and month, median", statistics.median(app_t) * 1000,
                   statistics.median(floor_t) * 1000, "ms",
                   note=f"{n} rounds, the report and its GROUP BY in turn").judge(1.2)]


def sample_claim(ctx: InProcess) -> int:
    import sqlalchemy as sa

    from claims.models import Claim
    from conflict_service.db import db

    with ctx.app.app_context():
        return db.session.scalar(sa.select(Claim.id).where(Claim.status == "paid").order_by(Claim.id).limit(1))


def measure_casefile(base: str, ctx: InProcess, n: int) -> list[Figure]:
    """One case file through the API against bare WeasyPrint on the same, already-built HTML.

    The same document every time; both sides warm (each gunicorn worker has rendered it, the floor has run twice);
    the app's and the floor's runs alternate, so a change of the shared machine's load hits both alike; medians.
    The floor is WeasyPrint as a caller without the service would use it: ``HTML(...).write_pdf()`` through the
    same restricted fetcher, a fresh font configuration each time, timed with this process's own objects frozen
    out of the garbage collector's way (``gc.freeze``), so that it counts WeasyPrint's work and not collections of
    the benchmark's heap. The service's own renderer (``conflict_service.pdf.render_pdf``: kept font
    configurations, the collector held during a render) on the same HTML is shown beside it: what the service
    adds over it is the request, the token, reading the claim and building the HTML.

    On a shared machine the wall-clock times say more about the other jobs than about the work, so the CPU time
    of each side is measured as well (the gunicorn processes' from /proc, the floor's own process's) and judged
    against the same target in a second row."""
    from weasyprint import HTML

    from casefiles import documents
    from casefiles.sections import DocumentOptions
    from claims.models import Claim
    from conflict_service.db import db
    from conflict_service.pdf import ASSET_BASE, fetcher, render_pdf

    claim_id = sample_claim(ctx)
    headers = token(base, AUDITOR)

    def app_call():
        r = requests.get(f"{base}/api/v1/claims/{claim_id}/casefile.pdf", headers=headers, timeout=300)
        r.raise_for_status()
        assert r.content.startswith(b"%PDF")

    app_t, floor_t, renderer_t, app_cpu, floor_cpu = [], [], [], [], []
    with ctx.app.test_request_context(base_url=base):
        claim = db.session.get(Claim, claim_id)
        langs = documents.document_languages(claim, None, False)
        html = documents.render_html(claim, "casefile", langs, DocumentOptions(show_personal=False), base)

        def floor_call():
            HTML(string=html, base_url=ASSET_BASE, url_fetcher=fetcher(), media_type="print").write_pdf()

        def renderer_call():
            render_pdf(html)

        for fn in (floor_call, floor_call, renderer_call, renderer_call, *[app_call] * 4):  # warm, both workers
            fn()
        # The floor is WeasyPrint's own work. Unfrozen, the full collections its allocations set off would also walk
        # this process's objects (the loaded app, the benchmark's data: a quarter of a million), 125-190 ms each,
        # which a caller with nothing else loaded does not pay: frozen, the collector sees only what a render makes.
        gc.collect()
        gc.freeze()
        for _ in range(n):
            cpu = server_cpu_seconds(base)
            app_t += timed(app_call, 1, warm=0)
            app_cpu.append(server_cpu_seconds(base) - cpu)
            cpu = time.process_time()
            floor_t += timed(floor_call, 1, warm=0)
            floor_cpu.append(time.process_time() - cpu)
            renderer_t += timed(renderer_call, 1, warm=0)
        gc.unfreeze()
    return [Figure("one case file (PDF), median", statistics.median(app_t) * 1000, statistics.median(floor_t) * 1000,
                   "ms", note=f"floor: bare WeasyPrint on the already-built HTML (a fresh font configuration each "
                              f"time, the measuring process's objects frozen out of the collector); {n} alternating "
                              f"runs of each, warm; the service's own renderer on the same HTML: "
                              f"{statistics.median(renderer_t) * 1000:,.0f} ms").judge(1.15),
            Figure("one case file (PDF), CPU time, median", statistics.median(app_cpu) * 1000,
                   statistics.median(floor_cpu) * 1000, "ms",
                   note="app: every gunicorn process's CPU during the request (/proc); floor: the measuring "
                        "process's CPU during bare WeasyPrint").judge(1.15)]


def measure_batch(env: dict, ctx: InProcess, count: int) -> list[Figure]:
    """Render ``count`` case files with 2 worker processes and with 1 (RQ on Redis, else multiprocessing)."""
    import sqlalchemy as sa

    from claims.models import Claim
    from conflict_service.db import db

    with ctx.app.app_context():
        ids = list(db.session.scalars(sa.select(Claim.id).where(Claim.status.in_(["paid", "approved", "rejected"]))
                                      .order_by(Claim.id).limit(count)))
    redis_url = "redis://127.0.0.1:6379/15"
    use_redis = _redis_up(redis_url)
    times = {}
    for processes in (1, 2):
        times[processes] = _batch_rq(env, ids, processes, redis_url) if use_redis else \
            _batch_mp(env, ids, processes)
    how = "RQ workers on Redis" if use_redis else "multiprocessing"
    f = Figure(f"{len(ids)} case files, 2 workers vs 1 (throughput)", 1 / times[2], 1 / times[1], "batches/s",
               note=f"{how}: 1 worker {times[1]:.1f} s, 2 workers {times[2]:.1f} s; {os.cpu_count()} CPUs")
    return [f.judge(1.8, higher_is_better=True)]


def _redis_up(url: str) -> bool:
    try:
        from redis import Redis

        return bool(Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means no Redis
        return False


def _batch_rq(env: dict, ids: list[int], processes: int, redis_url: str) -> float:
    """Enqueue every job, then time workers (``flask casefiles worker --burst``) until the queue is drained."""
    queue = f"bench-{os.getpid()}-{processes}"
    renv = {**env, "REDIS_URL": redis_url, "RQ_CASEFILES_QUEUE": queue}
    code = ("import sys\nfrom conflict_service.app import create_app\nfrom casefiles import jobs\napp = create_app()\n"
            "with app.app_context():\n    q = jobs.queue()\n    q.empty()\n"
            "    jobs.enqueue([int(x) for x in sys.argv[1:]], ['casefile'], None, False, 'http://bench.invalid')\n")
    subprocess.run([sys.executable, "-c", code, *map(str, ids)], cwd=ROOT, env=renv, check=True)
    started = time.perf_counter()
    flask(renv, "casefiles", "worker", "--processes", str(processes), "--burst", "--max-jobs", "1000")
    seconds = time.perf_counter() - started
    from redis import Redis
    from rq import Queue
    from rq.registry import FailedJobRegistry, FinishedJobRegistry

    connection = Redis.from_url(redis_url)
    done, broken = FinishedJobRegistry(queue, connection=connection), FailedJobRegistry(queue, connection=connection)
    finished, failed = done.count, broken.count
    for job_id in [*done.get_job_ids(), *broken.get_job_ids()]:  # only this run's keys: others may share Redis
        connection.delete(f"rq:job:{job_id}", f"rq:results:{job_id}")
    Queue(queue, connection=connection).delete(delete_jobs=True)
    for key in connection.scan_iter(f"rq:*:{queue}"):
        connection.delete(key)
    if failed or finished < len(ids):
        raise RuntimeError(f"batch rendering: {finished} finished, {failed} failed of {len(ids)}")
    return seconds


def _render_ids(args) -> int:
    env, ids = args
    os.environ.update(env)
    from casefiles.documents import render_claim
    from conflict_service.app import create_app

    app = create_app()
    with app.test_request_context():
        for claim_id in ids:
            render_claim(claim_id, "casefile", base_url="http://bench.invalid")
    return len(ids)


def _batch_mp(env: dict, ids: list[int], processes: int) -> float:
    import multiprocessing

    chunks = [ids[i::processes] for i in range(processes)]
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        pool.map(_render_ids, [(env, c) for c in chunks])
    return time.perf_counter() - started


PEAK_LAUNCHER = """import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:])
_pid, status, usage = os.wait4(child.pid, 0)
print("peak-rss-kb", usage.ru_maxrss, file=sys.stderr)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _export(env: dict, *extra: str) -> tuple[int, float, float]:
    """Run ``flask exports claims`` as the auditor in a child process: (rows, seconds, peak RSS in MB)."""
    out = Path(env["INSTANCE_PATH"]) / "export.csv"
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "exports", "claims", "--user", AUDITOR, "--format",
               "csv", "--out", str(out), *extra]
    started = time.perf_counter()
    # Through a small launcher: Linux counts the memory of the process that forked into a child's peak (exec keeps
    # the forked copy's high-water mark), and this benchmark process holds a whole app.
    run = subprocess.run([sys.executable, "-c", PEAK_LAUNCHER, *command], cwd=ROOT, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if run.returncode:
        raise RuntimeError(f"export failed: {run.stderr[-2000:]}")
    peak_kb = int(re.findall(r"^peak-rss-kb (\d+)$", run.stderr, re.M)[-1])
    with out.open() as handle:
        rows = sum(1 for _ in handle) - 1
    out.unlink()
    return rows, seconds, peak_kb / 1024


def measure_export(env: dict, expected_rows: int) -> list[Figure]:
    """The CSV export of every claim: rows per second and peak memory, beside an export of no rows at all."""
    rows, seconds, peak_mb = _export(env)
    _none, empty_seconds, empty_mb = _export(env, "--programme", "-1")  # no such programme: the app's own cost
    memory = Figure(f"CSV export of {rows:,} claims: peak memory", peak_mb, EXPORT_BOUND_MB, "MB",
                    note=f"whole process (the loaded app alone: {empty_mb:.0f} MB, from an export of no rows)")
    memory.judge(1.0)
    memory.target = f"< {EXPORT_BOUND_MB} MB"
    growth = Figure(f"CSV export of {rows:,} claims: memory above an empty export", peak_mb - empty_mb, None, "MB",
                    note="what streaming the rows costs; flat when it does not grow with the number of rows")
    speed = Figure(f"CSV export of {rows:,} claims: speed", rows / max(seconds - empty_seconds, 1e-3), None,
                   "rows/s", note=f"{seconds:.1f} s, less {empty_seconds:.1f} s of start-up (the empty export); "
                                  f"expected {expected_rows:,} rows")
    speed.verdict = "" if rows == expected_rows else "MISS"
    return [memory, growth, speed]


def measure_wire(base: str, ctx: InProcess, links: tuple[str, ...]) -> list[Figure]:
    """Bytes, requests and seconds on a slow link, in headless Chromium (bench/wire.py)."""
    import sqlalchemy as sa

    from bench import wire
    from conflict_service.auth.models import User
    from conflict_service.db import db

    if why := wire.available():
        return [Figure("first visit, sign-in to claim list", None, None, "KB", verdict="not available", note=why)]
    with ctx.app.app_context():
        username = db.session.scalar(sa.select(User.username).where(User.username.like("synth_verifier%_ir_%"))
                                     .order_by(User.username).limit(1))

    def set_language(name: str, locale: str) -> None:
        with ctx.app.app_context():
            db.session.execute(sa.update(User).where(User.username == name).values(preferred_language=locale))
            db.session.commit()

    def figure(name: str, value: float, bound: float | None, unit: str, note: str) -> Figure:
        row = Figure(name, value, bound, unit, note=note)
        if bound is None:
            return row
        row.judge(1.0)
        row.target = f"≤ {bound:g} {unit}"
        return row

    return wire.measure(base, username, set_language, figure, links)


def measure_submission(base: str, ctx: InProcess, seconds: float) -> list[Figure]:
    import sqlalchemy as sa

    from claims.enums import ProgrammeKind
    from claims.models import Programme
    from conflict_service.db import db

    with ctx.app.app_context():
        clerk = db.session.execute(sa.text(
            "SELECT u.username, o.id AS owner_id, j.country_code FROM owners o "
            "JOIN user_jurisdictions uj ON uj.jurisdiction_id = o.office_id JOIN users u ON u.id = uj.user_id "
            "JOIN jurisdictions j ON j.id = o.office_id WHERE u.username LIKE 'synth_clerk_%' "
            "ORDER BY o.id LIMIT 1")).one()
        owner_id = clerk.owner_id
        programme_id = db.session.scalar(
            sa.select(Programme.id).join(Programme.jurisdiction)
            .where(Programme.kind == ProgrammeKind.COMPENSATION, Programme.name.like("%(synthetic)"),
                   sa.literal_column("jurisdictions.code") == clerk.country_code))
    headers = {**token(base, clerk.username), "Content-Type": "application/json"}
    body = json.dumps({"owner_id": owner_id, "programme_id": programme_id,
                       "incident_at": (date.today() - timedelta(days=1)).isoformat() + "T03:00:00Z",
                       "incident_village": "Benchmark", "time_of_day": "night",
                       "lines": [{"species": "sheep", "age_class": "adult", "outcome": "killed", "count": 1}]})
    for path in ("/api/v1/claims", "/bench/insert"):
        probe = requests.post(f"{base}{path}", data=body, headers=headers, timeout=30)
        if probe.status_code != 201:
            raise RuntimeError(f"claim submission to {path} answered {probe.status_code}: {probe.text[:500]}")
    connections = 8 if ctx.dialect == "postgresql" else 2  # SQLite lets one writer in at a time
    app_rps, app_note = load(f"{base}/api/v1/claims", body, headers, seconds, connections)
    floor_rps, floor_note = load(f"{base}/bench/insert", body, headers, seconds, connections)
    bare_rps, bare_note = load(f"{base}/bench/bare", body, headers, seconds, connections)
    return [Figure("claim submission over HTTP (gunicorn, 2 workers)", app_rps, floor_rps, "req/s",
                   note=f"floor: the same numbered, audited insert written by hand (bench/bare.py, /bench/insert); "
                        f"app: {app_note}; floor: {floor_note}").judge(0.5, higher_is_better=True),
            Figure("gunicorn alone (a route that does nothing), for scale", bare_rps, None, "req/s", note=bare_note)]


WRK_STATUS_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) codes = {} end
function response(status, headers, body) codes[status] = (codes[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("codes")) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write(string.format("status %d %d\\n", k, v)) end
end
"""


def load(url: str, body: str, headers: dict, seconds: float, connections: int = 8) -> tuple[float, str]:
    """Requests per second of POSTs for ``seconds``: wrk when installed (``BENCH_LOAD=python`` forces the fallback),
    else one Python process per connection."""
    if shutil.which("wrk") and os.environ.get("BENCH_LOAD") != "python":
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(f"wrk.method = 'POST'\nwrk.body = {json.dumps(body)}\n")
            for k, v in headers.items():
                script.write(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n")
            script.write(WRK_STATUS_LUA)
        out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{max(1, int(seconds))}s",
                              "--latency", "-s", script.name, url], capture_output=True, text=True, check=True).stdout
        os.unlink(script.name)
        if os.environ.get("BENCH_DEBUG"):
            print(out, file=sys.stderr)
        duration = float(re.search(r"requests in ([\d.]+)(m?s)", out).group(1))
        duration = duration / 1000 if re.search(r"requests in [\d.]+ms", out) else duration
        codes = {int(k): int(v) for k, v in re.findall(r"^status (\d+) (\d+)$", out, re.M)}
        good = sum(v for k, v in codes.items() if 200 <= k < 300)
        p50 = re.search(r"^\s+50%\s+(\S+)$", out, re.M)  # the latency distribution's line, not "75.50%" above it
        return good / duration, f"wrk {connections} connections, p50 {p50.group(1) if p50 else '?'}, statuses {codes}"
    return _load_in_processes(url, body, headers, seconds, connections)


def _post_loop(args) -> tuple[dict, int]:
    """One connection of the fallback load: POST back to back over one keep-alive connection until ``stop``
    (reconnecting when the server closes it), counting statuses; what finishes after ``stop`` is not counted."""
    import http.client
    from urllib.parse import urlsplit

    url, body, headers, start, stop = args
    parts = urlsplit(url)
    codes: dict[int, int] = {}
    errors = 0
    while time.time() < start:
        time.sleep(0.001)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    payload = body.encode()
    while time.time() < stop:
        try:
            conn.request("POST", parts.path, body=payload, headers=headers)
            response = conn.getresponse()
            response.read()
            if time.time() <= stop:
                codes[response.status] = codes.get(response.status, 0) + 1
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
    conn.close()
    return codes, errors


def _load_in_processes(url: str, body: str, headers: dict, seconds: float, connections: int) -> tuple[float, str]:
    """The fallback when wrk is not installed: one process per connection (threads would share this process's
    interpreter lock and measure the client), started together, counting only answers received in the window."""
    import multiprocessing

    start = time.time() + 1.0
    stop = start + seconds
    with multiprocessing.get_context("fork").Pool(connections) as pool:
        results = pool.map(_post_loop, [(url, body, headers, start, stop)] * connections)
    codes: dict[int, int] = {}
    for part, _errors in results:
        for k, v in part.items():
            codes[k] = codes.get(k, 0) + v
    errors = sum(e for _part, e in results)
    good = sum(v for k, v in codes.items() if 200 <= k < 300)
    return good / seconds, (f"Python processes (wrk not installed), {connections} connections, statuses {codes}"
                            + (f", {errors} connection errors" if errors else ""))


# --- output ------------------------------------------------------------------------------------------------------

def table(report: Report) -> str:
    head = ["measurement", "app", "floor", "unit", "ratio", "target", "result"]
    rows = [[f.name, _num(f.app), _num(f.floor), f.unit, "" if f.ratio is None else f"{f.ratio:.2f}×", f.target,
             f.verdict] for f in report.figures]
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = [" | ".join(str(c).ljust(w) for c, w in zip(head, widths, strict=True)),
             "-|-".join("-" * w for w in widths)]
    lines += [" | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    notes = [f"- {f.name}: {f.note}" for f in report.figures if f.note]
    m = report.machine
    return "\n".join([f"database: {report.database}, {report.claims:,} claims; machine: {m['nproc']} CPUs, "
                      f"{m['ram_gb']} GB RAM, {m['cpu']}; load average (1/5/15 min) {m.get('load_at_start', '?')} "
                      f"at the start, {m.get('load_at_end', '?')} at the end", *lines, "", *notes])


def _num(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, int):
        return f"{v:,}"
    return f"{v:,.0f}" if v >= 100 else f"{v:,.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100,000 claims and fewer repetitions")
    parser.add_argument("--claims", type=int, help="claims in the dataset (default 100,000 quick, 1,000,000 full)")
    parser.add_argument("--iterations", type=int, help="repetitions per timed measurement")
    parser.add_argument("--batch", type=int, help="case files in the batch measurement (default 200)")
    parser.add_argument("--seconds", type=float, help="seconds of load per submission measurement")
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--field", type=int, default=200, help="site visits sent over OpenRosa (and the web form)")
    parser.add_argument("--only", help="comma-separated subset: list,report,casefile,batch,export,submission,wire,"
                                       "field,photo")
    parser.add_argument("--links", default="slow 3G,2G", help="emulated links for the wire timings (bench/wire.py)")
    args = parser.parse_args(argv)
    claims = args.claims or (100_000 if args.quick else 1_000_000)
    iterations = args.iterations or (20 if args.quick else 50)
    batch = args.batch or 200
    seconds = args.seconds or (8 if args.quick else 20)
    only = set(args.only.split(",")) if args.only else None

    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": str(workdir), "SECRET_KEY": "bench-secret-key",
           "PUBLIC_BASE_URL": "http://bench.invalid", "PYTHONPATH": str(ROOT), "REDIS_URL": ""}
    env.pop("FLASK_APP", None)
    report = Report(database=url.split("://")[0].split("+")[0], claims=0, machine=machine())
    try:
        prepare(env, claims, report)
        ctx = InProcess(env)

        def wanted(name: str) -> bool:
            return only is None or name in only

        with gunicorn(env, workers=2, threads=4, app="bench.bare:app") as base:
            if wanted("list"):
                # Five times the rounds: a p95 of 20 pages is their second slowest, and one scheduling hiccup on
                # two cores moved it by half (run to run 1.5–2.6× on the same code); a page costs ~15 ms.
                report.figures += measure_list(base, ctx, iterations * 5)
            if wanted("report"):
                report.figures += measure_report(base, ctx, max(5, iterations // 2))
            if wanted("casefile"):
                report.figures += measure_casefile(base, ctx, max(1, min(iterations, 10)))
            if wanted("submission"):
                report.figures += measure_submission(base, ctx, seconds)
            if wanted("field"):
                report.figures += field_bench.measure_submissions(base, ctx, args.field)
            if wanted("photo"):
                report.figures += field_bench.measure_photo_upload(base, ctx, args.field)
            if wanted("wire"):
                report.figures += measure_wire(base, ctx, tuple(x for x in args.links.split(",") if x))
        if wanted("batch"):
            report.figures += measure_batch(env, ctx, batch)
        if wanted("export"):
            report.figures += measure_export(env, count_claims(env))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report.machine["load_at_end"] = _load_average()
    print(table(report))
    if args.json:
        Path(args.json).write_text(json.dumps(asdict(report), indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
