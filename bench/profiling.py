"""The profile scripts' shared set-up and printing: the SQL statements of one call, a cProfile of many, the report.

Used by bench/profile_submission.py and bench/profile_list.py (bench-only; the service never imports it).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def statements_of(engine, call: Callable[[], object]) -> list[str]:
    """Run ``call`` once and give the SQL statements it sent, each with its time, as report lines."""
    import sqlalchemy as sa

    statements: list[tuple[float, str]] = []

    def before(conn, _cursor, _statement, _parameters, _context, _many):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, _cursor, statement, _parameters, _context, _many):
        took = (time.perf_counter() - conn.info.pop("bench_started")) * 1000
        statements.append((took, " ".join(statement.split())[:110]))

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
    return [f"  {len(statements)} SQL statements:", *[f"    {took:6.2f} ms  {sql}" for took, sql in statements]]


def profile(call: Callable[[], object], times: int, *, cumulative: int, own: int = 30, cpu: bool = False) -> str:
    """cProfile of ``call`` run ``times`` times: the ``cumulative`` costliest functions with what they call, then
    the ``own`` costliest by their own time. ``cpu`` counts this process's CPU time, not the wait for the database.
    Paths are shortened to the project's and the packages' own."""
    profiler = cProfile.Profile(time.process_time) if cpu else cProfile.Profile()
    profiler.enable()
    for _ in range(times):
        call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(cumulative)
    stats.sort_stats("tottime").print_stats(own)
    return re.sub(r"/\S*/site-packages/", "", out.getvalue()).replace(str(ROOT) + "/", "")


def report(out: str, lines: list[str], shown: int) -> None:
    """Write the report to ``out`` and print its first ``shown`` characters."""
    text = "\n".join(lines)
    Path(out).write_text(text)
    print(text[:shown])
